"""API key pages of the staff console, at /staff/integrations/keys/: which clients hold
keys, issuing one (its secret shown once) and revoking one. Council administrators only."""

import uuid

from django.contrib import messages
from django.core.cache import cache
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from townhall.accounts.models import Role
from townhall.accounts.permissions import staff_required
from townhall.core.paging import paginate
from townhall.integrations import selectors, services
from townhall.integrations.key_forms import IssueKeyForm
from townhall.integrations.models import ApiKey, Scope

council_admin = staff_required(Role.COUNCIL_ADMIN)
# The issue form's one-time token, so a double click or a resent page issues one key.
ONCE_FIELD = "once"
ONCE_KEPT_SECONDS = 2 * 60 * 60


@require_GET
@council_admin
def key_list(request: HttpRequest) -> HttpResponse:
    keys = selectors.api_keys().order_by(F("revoked_at").asc(nulls_first=True), "client_name", "pk")
    page = paginate(request, keys)
    labels = dict(Scope.choices)
    rows = [(api_key, [labels.get(scope, scope) for scope in api_key.scopes]) for api_key in page.object_list]
    return render(request, "integrations/keys/list.html", {"page": page, "rows": rows})


@require_http_methods(["GET", "HEAD", "POST"])
@council_admin
def issue_key(request: HttpRequest) -> HttpResponse:
    """The form; once sent, the new key's secret on the answer itself, never stored."""
    posted = request.method == "POST"
    form = IssueKeyForm(request.POST if posted else None)
    once = request.POST.get(ONCE_FIELD, "") if posted else str(uuid.uuid4())
    if posted and form.is_valid():
        if not _claim(once):
            messages.info(request, _("That key was issued already. Its secret is shown only once."))
            return redirect("api_keys:list")
        try:
            issued = services.issue_api_key(**form.cleaned_data, by=request.user)
        except Exception:
            cache.delete(_claim_key(once))  # nothing was issued: sending it again may issue it
            raise
        response = render(request, "integrations/keys/issued.html", {"issued": issued})
        response["Cache-Control"] = "no-store"  # the secret must not be kept by the browser
        return response
    return render(request, "integrations/keys/issue.html", {"form": form, "once": once, "once_field": ONCE_FIELD})


def _claim_key(once: str) -> str:
    return f"api-key-issue:{once}"


def _claim(once: str) -> bool:
    """Claims the form's one-time token in the shared cache; False if it was claimed before.
    A form without a valid token is acted on as sent."""
    try:
        uuid.UUID(once)
    except ValueError:
        return True
    return cache.add(_claim_key(once), True, timeout=ONCE_KEPT_SECONDS)


@require_http_methods(["GET", "HEAD", "POST"])
@council_admin
def revoke_key(request: HttpRequest, key_id: int) -> HttpResponse:
    api_key = get_object_or_404(ApiKey.objects.select_related("user"), pk=key_id)
    if not api_key.is_active:
        messages.info(request, _("The key for %(client)s was revoked already") % {"client": api_key.client_name})
        return redirect("api_keys:list")
    if request.method == "POST":
        services.revoke_api_key(api_key=api_key, by=request.user)
        messages.success(
            request,
            _("The key for %(client)s is revoked: requests made with it are refused from now on")
            % {"client": api_key.client_name},
        )
        return redirect("api_keys:list")
    return render(request, "integrations/keys/revoke.html", {"api_key": api_key})
