"""Stopping the emails about a request one follows, by the link at the end of each.

Opening the link shows a button and changes nothing (mail scanners open links);
pressing it stops the emails, and pressing it again is harmless.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from townhall.cases.following import NotAStopLink, watcher_for_stop_link
from townhall.cases.services import remove_watcher


@require_http_methods(["GET", "POST"])
def stop_following(request: HttpRequest, token: str) -> HttpResponse:
    try:
        watcher = watcher_for_stop_link(token)
    except NotAStopLink:
        return render(request, "portal/following/link_not_working.html", status=404)
    if watcher is None:
        return render(request, "portal/following/stopped.html", {"already": True})
    if request.method == "POST":
        remove_watcher(watcher=watcher, by=request.user)
        return render(request, "portal/following/stopped.html", {"case": watcher.case})
    return render(request, "portal/following/stop.html", {"case": watcher.case})
