"""Tracking a request without an account: its reference and the email given with it.

A failed look-up never says which of the two was wrong, and a browser gets only a few
tries an hour, so neither can be found by guessing. Once found, the request is kept in
the session, so replying and downloading its files need neither again.
"""

import time
import uuid

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from townhall.cases.models import Attachment, Case
from townhall.cases.selectors import case_for_tracking, public_attachment
from townhall.core.references import normalise_reference
from townhall.portal.forms import TrackForm
from townhall.portal.views.requests import download, reply, request_context

SESSION_TRACKED = "portal:tracked-case"
SESSION_FAILURES = "portal:tracking-failures"
MAX_FAILURES = 10
FAILURE_WINDOW_SECONDS = 60 * 60


def _tracked_case(request: HttpRequest) -> Case | None:
    case_id = request.session.get(SESSION_TRACKED)
    return Case.objects.select_related("service").filter(pk=case_id).first() if case_id else None


def _recent_failures(request: HttpRequest) -> list[float]:
    since = time.time() - FAILURE_WINDOW_SECONDS
    return [at for at in request.session.get(SESSION_FAILURES, []) if at > since]


def track(request: HttpRequest) -> HttpResponse:
    case = _tracked_case(request)
    if case is not None and request.method == "GET":
        return render(request, "portal/track/case.html", request_context(case, _file_url))
    form = TrackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        failures = _recent_failures(request)
        if len(failures) >= MAX_FAILURES:
            form.add_error(
                None, _("You have tried too many times. Wait an hour and try again, or sign in to see your requests.")
            )
        else:
            found = case_for_tracking(
                reference=normalise_reference(form.cleaned_data["reference"]), email=form.cleaned_data["email"]
            )
            if found is not None:
                request.session[SESSION_TRACKED] = found.pk
                return redirect("portal:track")
            request.session[SESSION_FAILURES] = [*failures, time.time()]
            form.add_error(None, _("We could not find a request with that reference and email address"))
    return render(request, "portal/track/lookup.html", {"form": form})


@require_POST
def track_reply(request: HttpRequest) -> HttpResponse:
    case = _tracked_case(request)
    if case is None:
        return redirect("portal:track")
    form = reply(request, case)
    if form is None:
        return redirect("portal:track")
    return render(request, "portal/track/case.html", request_context(case, _file_url, form))


def _file_url(attachment: Attachment) -> str:
    return reverse("portal:track_file", args=[attachment.public_id])


def track_file(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A file of the request this browser found, and of no other."""
    case = _tracked_case(request)
    attachment = public_attachment(case=case, public_id=public_id) if case is not None else None
    if attachment is None:
        raise Http404
    return download(attachment)


@require_POST
def track_another(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_TRACKED, None)
    return redirect("portal:track")
