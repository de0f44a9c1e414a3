"""Staff moderation of a street report, from its case page in the console."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from townhall.accounts.permissions import staff_required
from townhall.cases.selectors import visible_cases
from townhall.streetcare import moderation
from townhall.streetcare.models import ReportPhoto, StreetReport

HIDE, SHOW = "hide", "show"


def _report(user, reference: str) -> StreetReport:
    """The street report of a case the member of staff can see; 404 for any other."""
    return get_object_or_404(
        StreetReport.objects.select_related("case"), case__in=visible_cases(user), case__reference=reference
    )


def _hidden(request: HttpRequest) -> bool:
    choice = request.POST.get("visibility")
    if choice not in (HIDE, SHOW):
        raise Http404
    return choice == HIDE


def _back(reference: str) -> HttpResponse:
    return redirect("console:case", reference=reference)


@require_POST
@staff_required(*moderation.MODERATORS)
def moderate_text(request: HttpRequest, reference: str) -> HttpResponse:
    report = _report(request.user, reference)
    hidden = _hidden(request)
    moderation.moderate_text(report=report, hidden=hidden, by=request.user)
    messages.success(
        request, _("The report's text is hidden from the public") if hidden else _("The report's text is public again")
    )
    return _back(reference)


@require_POST
@staff_required(*moderation.MODERATORS)
def moderate_photo(request: HttpRequest, reference: str, photo_id: int) -> HttpResponse:
    report = _report(request.user, reference)
    photo = get_object_or_404(report.photos, pk=photo_id)
    photo.report = report  # its case is already loaded
    hidden = _hidden(request)
    moderation.moderate_photo(photo=photo, hidden=hidden, by=request.user)
    messages.success(request, _("The photo is hidden from the public") if hidden else _("The photo is public again"))
    return _back(reference)


@require_GET
@staff_required
def photo(request: HttpRequest, reference: str, photo_id: int) -> HttpResponse:
    """Any photo of a report the member of staff can see, hidden ones too."""
    report = _report(request.user, reference)
    found: ReportPhoto = get_object_or_404(report.photos, pk=photo_id)
    try:
        response = FileResponse(found.image.open("rb"))
    except OSError as exc:
        raise Http404 from exc
    add_never_cache_headers(response)
    return response
