"""Following a report, and alerts of new reports in an area: every write, each in one
transaction with its audit event and its emails (sent after commit, through the outbox).

Someone not signed in follows a report by a link we email them: the link carries the
report and their address, signed, so nothing about them is kept until they open it.
They then become a watcher of the report's case, and hear of its updates with its
reporter, each email ending with their link to stop (`cases.following`). An area alert
is kept from the start, unconfirmed, and sends nothing until its link is opened;
unconfirmed ones are deleted after `UNCONFIRMED_KEPT_FOR`.
"""

import datetime as dt
import hashlib
import math
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, F, FloatField, OuterRef, QuerySet
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from townhall.cases import services as case_services
from townhall.cases.models import CaseWatcher, WatchReason
from townhall.core import audit
from townhall.customers import services as customer_services
from townhall.gazetteer.models import Ward
from townhall.gazetteer.selectors import METRES_PER_DEGREE_OF_LATITUDE
from townhall.notifications.services import queue_email
from townhall.streetcare import public_selectors
from townhall.streetcare.models import AreaAlert, AreaAlertReport, StreetReport
from townhall.streetcare.public_selectors import ReportFilters

FOLLOW_SALT = "townhall.streetcare.follow"
FOLLOW_LINK_LIFETIME = dt.timedelta(days=7)
# Asking again sooner sends no second email: a double click, or someone filling an inbox.
RESEND_AFTER_SECONDS = 10 * 60
UNCONFIRMED_KEPT_FOR = dt.timedelta(days=7)
# Reports one digest lists at most; the rest go in the next one.
DIGEST_LIMIT = 50


class AlertLinkError(Exception):
    """A link from one of our emails that is not (or no longer) valid."""


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _first_time_asked(kind: str, *parts) -> bool:
    digest = hashlib.sha256(":".join(str(part) for part in parts).encode()).hexdigest()
    return cache.add(f"streetcare:{kind}:{digest}", True, timeout=RESEND_AFTER_SECONDS)


# Following one report


@transaction.atomic
def request_follow(*, report: StreetReport, email: str) -> None:
    """Email `email` a link that makes them a follower of `report` once opened."""
    email = email.strip().lower()
    if not _first_time_asked("follow", report.pk, email):
        return
    reference = report.case.reference
    token = signing.dumps({"case": report.case_id, "email": email}, salt=FOLLOW_SALT, compress=True)
    queue_email(
        to=email,
        subject=f"Confirm you want updates on report {reference}",
        body=f"You asked for updates on report {reference}: {public_selectors.public_title(report)}.\n\n"
        f"To get them, open this link within {FOLLOW_LINK_LIFETIME.days} days and confirm:\n"
        f"{_absolute(reverse('reports:follow_confirm', args=[token]))}\n\n"
        "If you did not ask for this, ignore this email: you will not hear from us again.\n\n"
        f"{settings.COUNCIL_NAME}",
        event="street_follow_confirm",
    )
    audit.record(actor=None, action="streetcare.follow_requested", target=report)


def follow_link_report(token: str) -> tuple[StreetReport, str]:
    """The public report and the email address a "confirm you want updates" link is for."""
    try:
        data = signing.loads(token, salt=FOLLOW_SALT, max_age=FOLLOW_LINK_LIFETIME)
    except signing.BadSignature as exc:  # expired links too
        raise AlertLinkError from exc
    report = public_selectors.public_reports().filter(case_id=data["case"]).first()
    if report is None:
        raise AlertLinkError
    return report, data["email"]


def follow(*, report: StreetReport, by, email: str = "") -> CaseWatcher | None:
    """`by` (signed in) or `email` (confirmed by its link) follows the report: a watcher of
    its case. Following twice changes nothing; None for the report's own reporter, who
    hears of it already."""
    customer = None
    if by is not None and by.is_authenticated and not by.is_council_staff:
        customer = customer_services.link_account(user=by)
    elif by is not None and by.is_authenticated:
        email = by.email
    return case_services.add_watcher(case=report.case, customer=customer, email=email, reason=WatchReason.ASKED, by=by)


# Alerts of new reports in an area


@transaction.atomic
def request_area_alert(
    *,
    email: str,
    ward: Ward | None = None,
    latitude=None,
    longitude=None,
    radius_metres: int | None = None,
    place_label: str = "",
) -> AreaAlert:
    """Ask for alerts of new reports in a ward, or within `radius_metres` of a point; an
    email asks to confirm. Asking twice for the same area gives the same alert."""
    email = email.strip().lower()
    if ward is not None:
        latitude = longitude = radius_metres = None
    area = {"ward": ward, "latitude": latitude, "longitude": longitude, "radius_metres": radius_metres}
    alert = AreaAlert.objects.filter(email=email, **area).first()
    if alert is None:
        alert = AreaAlert.objects.create(email=email, place_label=place_label, **area)
        audit.record(actor=None, action="streetcare.area_alert_requested", target=alert)
    if not alert.confirmed and _first_time_asked("area", alert.pk):
        queue_email(
            to=email,
            subject="Confirm your alerts of new street reports",
            body=f"You asked for an email when there are new street reports {_where(alert)}.\n\n"
            f"To start them, open this link and confirm:\n"
            f"{_absolute(reverse('reports:area_alert_confirm', args=[alert.token]))}\n\n"
            "If you did not ask for this, ignore this email: you will not hear from us again.\n\n"
            f"{settings.COUNCIL_NAME}",
            event="street_area_alert_confirm",
        )
    return alert


def _where(alert: AreaAlert) -> str:
    return f"in {alert.area_label}" if alert.ward_id else str(alert.area_label)


@transaction.atomic
def confirm_area_alert(*, alert: AreaAlert) -> AreaAlert:
    """Alerts start: reports made from now on are sent. Confirming twice changes nothing."""
    if AreaAlert.objects.filter(pk=alert.pk, confirmed=False).update(confirmed=True, confirmed_at=timezone.now()):
        audit.record(actor=None, action="streetcare.area_alert_confirmed", target=alert)
    alert.refresh_from_db()
    return alert


@transaction.atomic
def stop_area_alert(*, alert: AreaAlert) -> None:
    """The alert and what it sent are deleted: nothing of the person's is kept."""
    audit.record(actor=None, action="streetcare.area_alert_stopped", target=alert)
    AreaAlert.objects.filter(pk=alert.pk).delete()


def new_reports_for(alert: AreaAlert) -> QuerySet[StreetReport]:
    """Public reports in the alert's area made since it was confirmed that it has not sent, oldest first."""
    reports = public_selectors.public_reports(ReportFilters(ward=alert.ward)).filter(created_at__gte=alert.confirmed_at)
    if alert.ward_id is None:
        reports = _within(reports, float(alert.latitude), float(alert.longitude), alert.radius_metres)
    sent = AreaAlertReport.objects.filter(alert=alert, report=OuterRef("pk"))
    return reports.exclude(Exists(sent)).order_by("created_at", "case_id")


def _within(reports: QuerySet[StreetReport], latitude: float, longitude: float, metres: int) -> QuerySet:
    """Reports within `metres` of a point: the box around it read through the position
    index, then the circle (on a plane scaled for the latitude: exact enough in a borough)."""
    squash = math.cos(math.radians(latitude))
    reach = metres / METRES_PER_DEGREE_OF_LATITUDE
    north_south = Cast(F("latitude"), FloatField()) - latitude
    east_west = (Cast(F("longitude"), FloatField()) - longitude) * squash
    return (
        reports.filter(
            latitude__range=(_degrees(latitude - reach), _degrees(latitude + reach)),
            longitude__range=(_degrees(longitude - reach / squash), _degrees(longitude + reach / squash)),
        )
        .alias(nearness=north_south * north_south + east_west * east_west)
        .filter(nearness__lte=reach * reach)
    )


def _degrees(value: float) -> Decimal:
    # The columns' own precision, so the database compares like with like (and uses the index).
    return Decimal(f"{value:.6f}")


def send_area_digests() -> int:
    """Email each confirmed alert the new reports in its area, each report once per alert
    however often this runs (or if two runs overlap); returns how many emails were queued.
    Unconfirmed alerts past their time are deleted on the way."""
    AreaAlert.objects.filter(confirmed=False, created_at__lt=timezone.now() - UNCONFIRMED_KEPT_FOR).delete()
    sent = 0
    confirmed = AreaAlert.objects.filter(confirmed=True).order_by("id").values_list("id", flat=True)
    for alert_id in confirmed.iterator(chunk_size=1000):
        sent += _send_digest(alert_id)
    return sent


@transaction.atomic
def _send_digest(alert_id: int) -> int:
    # The lock is the "once": an overlapping run skips the alert rather than send it twice.
    alert = (
        AreaAlert.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("ward")
        .filter(pk=alert_id, confirmed=True)
        .first()
    )
    if alert is None:
        return 0
    reports = list(new_reports_for(alert)[: DIGEST_LIMIT + 1])
    if not reports:
        return 0
    listed = reports[:DIGEST_LIMIT]
    AreaAlertReport.objects.bulk_create([AreaAlertReport(alert=alert, report=report) for report in listed])
    queue_email(
        to=alert.email,
        subject=f"New street reports {_where(alert)}",
        body=_digest_body(alert, listed, more=len(reports) > DIGEST_LIMIT),
        event="street_area_alert",
    )
    return 1


def _digest_body(alert: AreaAlert, reports: list[StreetReport], *, more: bool) -> str:
    lines = [f"New street reports {_where(alert)}:", ""]
    for report in reports:
        place = ", ".join(filter(None, [report.street_name, f"{report.ward.name} ward" if report.ward else ""]))
        lines += [
            f"- {public_selectors.public_title(report)} ({report.case.service.name}){f', {place}' if place else ''}",
            f"  {public_selectors.report_url(report.case.reference)}",
        ]
    list_url = _absolute(reverse("reports:list"))
    if alert.ward_id:
        list_url += "?" + urlencode({"ward": alert.ward.code})
    lines += [
        "",
        ("There are more: see them all at " if more else "See every report at ") + list_url,
        "",
        f"To stop these emails, open {_absolute(reverse('reports:area_alert_stop', args=[alert.token]))}",
        "",
        settings.COUNCIL_NAME,
    ]
    return "\n".join(lines)
