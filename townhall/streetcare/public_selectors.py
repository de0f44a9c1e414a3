"""Street reports as the public sees them: on the map and list, and each report's page.

A report is public when it is marked public and its category is a published, unrestricted
service whose street settings do not make it private. The public sees its title and
detail (unless a moderator hid them), category, place, status, public updates and
photos nobody hid; never who reported it, and never an email address or phone number
typed into the text.
"""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from townhall.cases.models import Case, EventKind
from townhall.catalogue.models import AWAITING_PAYMENT, Service, ServiceStatus
from townhall.gazetteer.models import Street, Ward
from townhall.streetcare.models import ReportPhoto, StreetReport

OPEN, FIXED, CLOSED = "open", "fixed", "closed"
STATUSES = {OPEN: gettext_lazy("Open"), FIXED: gettext_lazy("Fixed"), CLOSED: gettext_lazy("Closed")}
HIDDEN_TEXT = gettext_lazy("Hidden by the council")

# Personal data residents type into what they report; never shown to the public.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|\(?0)\d{2,4}\)?(?:[\s-]?\d){6,8}(?!\d)")


@dataclass(frozen=True)
class ReportFilters:
    category: Service | None = None
    status: str = ""
    ward: Ward | None = None
    reported_from: dt.date | None = None
    reported_to: dt.date | None = None


def public_categories() -> QuerySet[Service]:
    """Categories whose reports the public may see, by name."""
    return Service.objects.filter(
        status=ServiceStatus.PUBLISHED,
        current_form__isnull=False,
        restricted=False,
        street_category__private=False,
    ).order_by("name")


def fixed_state(service: Service) -> str | None:
    """The workflow state that means "fixed": its first closed one (the outcome the public
    site shows in green); later closed states are other endings (withdrawn, duplicate)."""
    return next((state["key"] for state in service.workflow if state["closed"]), None)


def fixed_cases(services) -> Q:
    """Street reports whose case is in its service's fixed state, for `services`."""
    matches = Q(pk__in=[])
    for service in services:
        if key := fixed_state(service):
            matches |= Q(case__service=service, case__status=key, case__is_closed=True)
    return matches


def public_status(case: Case) -> str:
    if not case.is_closed:
        return OPEN
    return FIXED if case.status == fixed_state(case.service) else CLOSED


def scrub(text: str) -> str:
    """Text a resident wrote, without the email addresses and phone numbers in it."""
    return _EMAIL.sub(_("[email address removed]"), _PHONE.sub(_("[phone number removed]"), text))


def public_title(report: StreetReport) -> str:
    return str(HIDDEN_TEXT) if report.text_hidden else scrub(report.title)


def public_detail(report: StreetReport) -> str:
    return str(HIDDEN_TEXT) if report.text_hidden else scrub(report.detail)


def _public() -> QuerySet[StreetReport]:
    return StreetReport.objects.filter(
        public=True,
        case__service__status=ServiceStatus.PUBLISHED,
        case__service__current_form__isnull=False,
        case__service__restricted=False,
        case__service__street_category__private=False,
    ).exclude(case__status=AWAITING_PAYMENT["key"])


# What the list, the map and the emails show of a report: never the case's answers or
# its requester, which are not loaded at all.
_SHOWN = (
    "title",
    "text_hidden",
    "created_at",
    "latitude",
    "longitude",
    "ward__name",
    "ward__code",
    "case__reference",
    "case__status",
    "case__is_closed",
    "case__service__name",
    "case__service__slug",
    "case__service__workflow",
)


def public_reports(filters: ReportFilters = ReportFilters(), *, also: tuple[str, ...] = ()) -> QuerySet[StreetReport]:
    """Public reports matching `filters`, newest first, each with `street_name`; `also`
    loads more of each report's own fields than the list needs."""
    return _matching(filters).only(*_SHOWN, *also).annotate(street_name=_street_name())


def _matching(filters: ReportFilters) -> QuerySet[StreetReport]:
    reports = _public()
    if filters.category is not None:
        reports = reports.filter(case__service=filters.category)
    if filters.ward is not None:
        reports = reports.filter(ward=filters.ward)
    if filters.reported_from is not None:
        reports = reports.filter(created_at__gte=_start_of(filters.reported_from))
    if filters.reported_to is not None:
        reports = reports.filter(created_at__lt=_start_of(filters.reported_to + dt.timedelta(days=1)))
    if filters.status == OPEN:
        reports = reports.filter(case__is_closed=False)
    elif filters.status in (FIXED, CLOSED):
        fixed = fixed_cases(public_categories())
        reports = (
            reports.filter(fixed) if filters.status == FIXED else reports.filter(case__is_closed=True).exclude(fixed)
        )
    return reports.select_related("case__service", "ward").order_by("-created_at", "-case_id")


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _street_name() -> Coalesce:
    """The street of the report's address, else the street nearest its point, found once when
    the report was made (SQLite, the demo's database, cannot sort a subquery by the outer row,
    and a search per row would cost every list dearly)."""
    # A subquery, not a join: a join would stay in the list's count.
    address_street = Street.objects.filter(properties=OuterRef("case__address_id")).values("name")
    return Coalesce(Subquery(address_street), F("street__name"))


def public_report(reference: str) -> StreetReport | None:
    """A public report by its case's reference, with `street_name`; None if it is not public."""
    return public_reports(also=("detail",)).filter(case__reference=reference).first()


@dataclass(frozen=True)
class MapReport:
    reference: str
    title: str
    category: str
    status: str
    reported: dt.datetime
    latitude: Decimal
    longitude: Decimal


def map_reports(filters: ReportFilters, *, limit: int) -> tuple[list[MapReport], bool]:
    """The newest `limit` public reports matching `filters` for the map, and whether there
    were more."""
    reports = list(_matching(filters).only(*_SHOWN)[: limit + 1])
    shown = [
        MapReport(
            reference=report.case.reference,
            title=public_title(report),
            category=report.case.service.name,
            status=report.case.status_label,
            reported=report.created_at,
            latitude=report.latitude,
            longitude=report.longitude,
        )
        for report in reports[:limit]
    ]
    return shown, len(reports) > limit


def report_url(reference: str) -> str:
    """The report's public page, in full, for emails."""
    return settings.SITE_URL + reverse("reports:report", args=[reference])


@dataclass(frozen=True)
class PublicUpdate:
    title: str
    at: dt.datetime
    text: str


_UPDATE_KINDS = (EventKind.SUBMITTED, EventKind.STATUS_CHANGED, EventKind.PUBLIC_UPDATE, EventKind.REOPENED)


def public_updates(report: StreetReport) -> list[PublicUpdate]:
    """The report's history as the public sees it, oldest first: when it was reported, its
    status changes and public updates (the council's, or a neighbour's who reported it
    too). Messages between the council and the reporter are theirs, not the public's;
    status change reasons are the officer's."""
    service = report.case.service
    events = (
        report.case.events.filter(public=True, kind__in=_UPDATE_KINDS)
        .only("case", "kind", "at", "text", "to_status")
        .order_by("at", "id")
    )
    updates = []
    for event in events:
        if event.kind == EventKind.SUBMITTED:
            updates.append(PublicUpdate(_("Reported"), event.at, ""))
        elif event.kind == EventKind.STATUS_CHANGED:
            title = _("Status changed to: %(status)s") % {"status": service.state_label(event.to_status)}
            updates.append(PublicUpdate(title, event.at, ""))
        elif event.kind == EventKind.REOPENED:
            updates.append(PublicUpdate(_("Reopened"), event.at, ""))
        else:
            updates.append(PublicUpdate(_("Update"), event.at, scrub(event.text)))
    return updates


def visible_photos(report: StreetReport) -> QuerySet[ReportPhoto]:
    return report.photos.filter(hidden=False).only("id", "width", "height", "report_id")


def visible_photo(*, reference: str, photo_id: int) -> ReportPhoto | None:
    """A photo nobody hid, of a public report."""
    return (
        ReportPhoto.objects.filter(pk=photo_id, hidden=False, report__in=_public())
        .filter(report__case__reference=reference)
        .first()
    )
