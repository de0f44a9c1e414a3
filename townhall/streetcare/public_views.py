"""The public map and list of street reports, each report's page and its photos.

The list works without JavaScript; the map is drawn over it from a small JSON endpoint
answering with the same filters.
"""

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_GET

from townhall.core.paging import paginate
from townhall.streetcare import public_selectors as selectors
from townhall.streetcare.alerts_forms import FollowForm
from townhall.streetcare.public_forms import ReportFilterForm

PER_PAGE = 20
# Markers the map shows at most: the newest reports matching the filters.
MAP_LIMIT = 500
# The map's data is the same for everyone, so it is cached briefly, here and in browsers.
MAP_CACHE_SECONDS = 60
PHOTO_CACHE_SECONDS = 5 * 60


def _map_settings() -> dict:
    latitude, longitude = settings.MAP_CENTRE
    return {
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_ATTRIBUTION,
        "latitude": latitude,
        "longitude": longitude,
        "zoom": settings.MAP_ZOOM,
    }


@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    form = ReportFilterForm(request.GET or None)
    page = paginate(request, selectors.public_reports(form.filters()), per_page=PER_PAGE)
    return render(
        request,
        "streetcare/public/list.html",
        {"form": form, "page": page, "map": _map_settings(), "statuses": selectors.STATUSES},
        status=400 if form.errors else 200,
    )


@require_GET
@cache_page(MAP_CACHE_SECONDS)
def map_data(request: HttpRequest) -> JsonResponse:
    """The filtered reports as GeoJSON points, with only what the public may see."""
    form = ReportFilterForm(request.GET or None)
    filters = form.filters()
    if form.errors:
        return JsonResponse({"errors": {field: list(errors) for field, errors in form.errors.items()}}, status=400)
    reports, truncated = selectors.map_reports(filters, limit=MAP_LIMIT)
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [float(report.longitude), float(report.latitude)]},
            "properties": {
                "reference": report.reference,
                "title": report.title,
                "category": report.category,
                "status": report.status,
                "reported": report.reported.isoformat(),
                "url": reverse("reports:report", args=[report.reference]),
            },
        }
        for report in reports
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features, "truncated": truncated})


@require_GET
def report_detail(request: HttpRequest, reference: str) -> HttpResponse:
    report = selectors.public_report(reference)
    if report is None:
        raise Http404
    return render(request, "streetcare/public/report.html", report_context(request, report))


def report_context(request: HttpRequest, report, follow_form: FollowForm | None = None) -> dict:
    """What a report's page shows; `follow_form` is a "get updates" form sent with a mistake."""
    return {
        "report": report,
        "case": report.case,
        "title": selectors.public_title(report),
        "detail": selectors.public_detail(report),
        "status": selectors.public_status(report.case),
        "updates": selectors.public_updates(report),
        "photos": selectors.visible_photos(report),
        "follow_form": follow_form or FollowForm(),
        "signed_in": request.user.is_authenticated,
    }


@require_GET
def report_photo(request: HttpRequest, reference: str, photo_id: int) -> HttpResponse:
    """A photo of a public report, unless a moderator hid it."""
    photo = selectors.visible_photo(reference=reference, photo_id=photo_id)
    if photo is None:
        raise Http404
    try:
        handle = photo.image.open("rb")
    except OSError as exc:
        raise Http404 from exc
    response = FileResponse(handle)
    # Short: a photo hidden later must soon stop showing from caches too.
    patch_cache_control(response, public=True, max_age=PHOTO_CACHE_SECONDS)
    return response
