"""Tracking a request without an account: its reference and the email given with it.

A failed look-up never says which of the two was wrong, and only a few wrong tries are
allowed in a window (TRACKING_WINDOW_SECONDS): per browser session, and, since a new
session is only a cleared cookie away, per client address too, so neither can be found by
guessing. Once found, the request is kept in the session, so replying and downloading its
files need neither again.
"""

import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from townhall.cases.downloads import download
from townhall.cases.models import Attachment, Case
from townhall.cases.selectors import case_for_tracking, public_attachment
from townhall.core.network import client_ip
from townhall.core.references import normalise_reference
from townhall.portal.forms import TrackForm
from townhall.portal.journey import SESSION_TRACKED
from townhall.portal.views.requests import reply, request_context

SESSION_FAILURES = "portal:tracking-failures"
CACHE_FAILURES = "portal:tracking-failures:{ip}"


def _tracked_case(request: HttpRequest) -> Case | None:
    case_id = request.session.get(SESSION_TRACKED)
    return Case.objects.select_related("service").filter(pk=case_id).first() if case_id else None


def _recent_failures(request: HttpRequest) -> list[float]:
    since = time.time() - settings.TRACKING_WINDOW_SECONDS
    return [at for at in request.session.get(SESSION_FAILURES, []) if at > since]


def _address_key(request: HttpRequest) -> str:
    return CACHE_FAILURES.format(ip=client_ip(request) or "unknown")


def _too_many_failures(request: HttpRequest) -> bool:
    return (
        len(_recent_failures(request)) >= settings.TRACKING_MAX_FAILURES
        or cache.get(_address_key(request), 0) >= settings.TRACKING_MAX_FAILURES_PER_IP
    )


def _record_failure(request: HttpRequest) -> None:
    request.session[SESSION_FAILURES] = [*_recent_failures(request), time.time()]
    # A window from the address's first failure: add() starts it, incr() never extends it.
    key = _address_key(request)
    cache.add(key, 0, timeout=settings.TRACKING_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # the window ended between add() and incr()
        cache.set(key, 1, timeout=settings.TRACKING_WINDOW_SECONDS)


def _wait_text() -> str:
    seconds = settings.TRACKING_WINDOW_SECONDS
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return _("an hour") if hours == 1 else ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    minutes = max(1, -(-seconds // 60))
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


def track(request: HttpRequest) -> HttpResponse:
    case = _tracked_case(request)
    if case is not None and request.method == "GET":
        return render(request, "portal/track/case.html", request_context(case, _file_url))
    form = TrackForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if _too_many_failures(request):
            form.add_error(
                None,
                _("You have tried too many times. Wait %(wait)s and try again, or sign in to see your requests.")
                % {"wait": _wait_text()},
            )
            status = 429
        else:
            found = case_for_tracking(
                reference=normalise_reference(form.cleaned_data["reference"]), email=form.cleaned_data["email"]
            )
            if found is not None:
                request.session[SESSION_TRACKED] = found.pk
                return redirect("portal:track")
            _record_failure(request)
            form.add_error(None, _("We could not find a request with that reference and email address"))
    return render(request, "portal/track/lookup.html", {"form": form}, status=status)


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
    return download(request, attachment, layout="portal/base.html", back_url=reverse("portal:track"))


@require_POST
def track_another(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_TRACKED, None)
    return redirect("portal:track")
