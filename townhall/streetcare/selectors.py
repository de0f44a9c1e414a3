"""Reads of street reporting that pages and APIs share: the categories someone may report
in, open reports near a point that a new one may repeat, and the assets near a point."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from townhall.cases.selectors import visible_cases
from townhall.catalogue.models import AWAITING_PAYMENT, Channel, Service, ServiceStatus
from townhall.gazetteer.geometry import metres, nearest_first
from townhall.gazetteer.models import Street
from townhall.gazetteer.selectors import nearest_property
from townhall.streetcare.models import Asset, AssetLayer, Category, StreetReport

# How close an open report of the same category must be for a resident to be asked
# whether it is theirs; staff merging duplicates look a little wider.
DUPLICATE_WITHIN_METRES = 50
STAFF_DUPLICATE_WITHIN_METRES = 150
MAX_NEARBY_REPORTS = 10
ASSETS_WITHIN_METRES = 150
MAX_ASSETS = 30
# Staff raise reports for callers and visitors; a category offered on neither is not theirs to raise.
STAFF_CHANNELS = (Channel.PHONE, Channel.FACE_TO_FACE)


def report_journey_for(service: Service, place=None) -> str | None:
    """The map journey is where a request to a street category starts (`catalogue.journeys`):
    the category's own form would make a case with no place on the map."""
    return reverse("street_report:where") if Category.objects.filter(service=service).exists() else None


def categories_for(*, staff: bool) -> list[Service]:
    """The street categories someone may report in, by name: residents those offered online,
    staff those offered on the phone or face to face (staff-only categories included)."""
    channels = STAFF_CHANNELS if staff else (Channel.WEB,)
    services = (
        Service.objects.filter(
            status=ServiceStatus.PUBLISHED, current_form__isnull=False, street_category__isnull=False
        )
        .select_related("street_category__asset_layer", "current_form")
        .order_by("name")
    )
    # Channels are a short JSON list; checked here so it works on SQLite too.
    return [service for service in services if any(service.offers(channel) for channel in channels)]


def category_service(slug: str, *, staff: bool) -> Service | None:
    return next((service for service in categories_for(staff=staff) if service.slug == slug), None)


def nearest_street(latitude: Decimal | float, longitude: Decimal | float) -> Street | None:
    """The street of the address nearest a point, if one is within the gazetteer's reach."""
    nearest = nearest_property(latitude, longitude)
    return nearest.place.street if nearest else None


def describe_point(latitude: Decimal | float, longitude: Decimal | float) -> str:
    """A point in words: near the street of the nearest address, else its coordinates."""
    nearest = nearest_property(latitude, longitude)
    if nearest is None:
        return f"{Decimal(str(latitude)):f}, {Decimal(str(longitude)):f}"
    return _("Near %(street)s") % {"street": nearest.place.street}


def all_categories() -> QuerySet[Category]:
    """Every street category, for the settings pages, with its service and asset layer."""
    return Category.objects.select_related("service", "asset_layer").order_by("service__name")


def services_without_category() -> QuerySet[Service]:
    """Services that could become street categories: every one that is not one yet."""
    return Service.objects.filter(street_category__isnull=True).exclude(status=ServiceStatus.RETIRED).order_by("name")


def asset_layers() -> QuerySet[AssetLayer]:
    return AssetLayer.objects.order_by("name")


def street_report(case) -> StreetReport | None:
    """The street report of a case, if it is one (with its asset and the report it duplicates)."""
    return StreetReport.objects.select_related("asset__layer", "duplicate_of__case", "ward").filter(case=case).first()


@dataclass(frozen=True)
class NearbyReport:
    report: StreetReport
    metres: int


def nearby_open_reports(
    *,
    service: Service,
    latitude: Decimal | float,
    longitude: Decimal | float,
    viewer=None,
    within_metres: int = DUPLICATE_WITHIN_METRES,
    exclude: StreetReport | None = None,
) -> list[NearbyReport]:
    """Open reports of `service` near the point, nearest first: what the public may see, or,
    with `viewer` (staff), every one of their visible cases. A private category's reports
    are never shown to the public, so the public see none of them here. One query."""
    reports = StreetReport.objects.filter(case__service=service, case__is_closed=False).exclude(
        case__status=AWAITING_PAYMENT["key"]
    )
    if viewer is None:
        if service.restricted or getattr(service, "street_category", None) is None or service.street_category.private:
            return []
        reports = reports.filter(public=True)
    else:
        reports = reports.filter(case__in=visible_cases(viewer))
    if exclude is not None:
        reports = reports.exclude(pk=exclude.pk)
    found = nearest_first(
        reports.select_related("case__service"), latitude, longitude, within_metres=within_metres
    ).order_by("nearness", "-created_at")[:MAX_NEARBY_REPORTS]
    return [
        NearbyReport(report, metres(report.nearness)) for report in found if metres(report.nearness) <= within_metres
    ]


@dataclass(frozen=True)
class NearbyAsset:
    asset: Asset
    metres: int


def nearest_assets(*, layer: AssetLayer, latitude: Decimal | float, longitude: Decimal | float) -> list[NearbyAsset]:
    """A layer's assets around the point, nearest first, to pick the one a report is about."""
    found = nearest_first(layer.assets.all(), latitude, longitude, within_metres=ASSETS_WITHIN_METRES).order_by(
        "nearness", "asset_id"
    )[:MAX_ASSETS]
    return [
        NearbyAsset(asset, metres(asset.nearness)) for asset in found if metres(asset.nearness) <= ASSETS_WITHIN_METRES
    ]
