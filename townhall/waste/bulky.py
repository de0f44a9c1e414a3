"""Bulky waste collections: the catalogue's prices, booking a day, paying, changing and
cancelling, with every write here (one transaction and one audit event each).

A collection is a case of the `WASTE_BULKY_SERVICE` service (its answers carry the
address, the items, the day and where the items are left) with a `BulkyBooking` beside
it, whose places are held in the bookings calendar `WASTE_BULKY_CALENDAR`, in the zone of
the property's refuse round area. A place is one item: a collection of three items takes
three places of its day.

The journey holds a day before the resident gives their details (a hold without a case);
`book` turns that hold into the case's own in one transaction, so the place is never free
in between. The case waits "awaiting payment" until paid: payments' `case_paid` signal
confirms the booking (`confirm_paid`); a hold nobody pays for in time gives its place back
and its case is withdrawn (`release_unpaid`).

Up to the calendar's cut-off a resident (or staff) changes the items or the day, or
cancels. Fewer items, or cancelling, refunds the difference through the payment provider
at once; more items take their places at once and wait to be paid for (a pending change),
and are given back if the difference is not paid in time. The case's fee is kept at the
collection's price plus what has been refunded, so that payments' `amount_due` (the fee
less what was paid) is always what is still to pay.
"""

import datetime as dt
import logging
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from townhall.bookings import rules as booking_rules
from townhall.bookings import services as bookings
from townhall.bookings.models import Booking, BookingStatus, Calendar
from townhall.cases import services as case_services
from townhall.cases.models import Case
from townhall.cases.services import CaseError, Requester
from townhall.catalogue.models import AWAITING_PAYMENT, Channel, Service, ServiceStatus
from townhall.core import audit
from townhall.core.money import format_pence
from townhall.gazetteer.models import Property
from townhall.notifications import services as notifications
from townhall.payments import services as payments
from townhall.payments.models import PaymentStatus
from townhall.waste import backoffice
from townhall.waste.bulky_pricing import (
    PRICING_RULE,
    REFUND_RULE_CUTOFF,
    BulkyError,
    check_quantity,
    collection_time,
    day_text,
    describe_items,
    item_lines,
    items_answer,
    price_of,
    quantity_of,
    time_text,
)
from townhall.waste.models import BulkyBooking, PropertyRound, Stream

logger = logging.getLogger(__name__)


# How many unpaid bookings or pending changes one run of the scheduled tasks deals with.
BATCH = 200

# The catalogue service, in the format of townhall/demo/catalogue_data.py's SERVICES. The
# question keys are fixed: `book` fills them.
SERVICE_SPEC = {
    "slug": "bulky-waste",
    "name": "Book a bulky waste collection",
    "department": "environment",
    "team": "waste",
    "summary": "Book a collection of large household items, such as furniture and fridges, and pay online.",
    "description": "Choose your items, pick a collection day and pay. We collect from 6am on the day.\n\n"
    "You can change or cancel your collection until 2pm the day before, and get your money back.",
    "eligibility": "Households in Wexmoor. Start from your address's bin collection days.",
    "keywords": "bulky, large items, sofa, furniture, fridge, freezer, mattress, wardrobe, collection",
    "deadline": None,
    "fee": {
        "fee_kind": "rule",
        "fee_rule": PRICING_RULE,
        "fund_code": "ENV-BULKY",
        "refund_rule": REFUND_RULE_CUTOFF,
    },
    "questions": [
        {"key": "address", "type": "address", "label": "Where should we collect from?", "required": True},
        {"key": "items", "type": "long_text", "label": "What should we collect?", "required": True},
        {"key": "collection_date", "type": "date", "label": "Collection date", "required": True},
        {
            "key": "location",
            "type": "long_text",
            "label": "Where will you leave the items?",
            "required": True,
            "max_length": 300,
        },
    ],
}


# Configuration


def bulky_service() -> Service | None:
    return (
        Service.objects.select_related("current_form", "team")
        .filter(slug=settings.WASTE_BULKY_SERVICE, status=ServiceStatus.PUBLISHED)
        .first()
    )


def bulky_calendar() -> Calendar | None:
    return Calendar.objects.filter(slug=settings.WASTE_BULKY_CALENDAR, active=True).first()


def zone_for(place: Property) -> str:
    """The bookings zone of the property: its refuse round's area ("" when it has none)."""
    area = (
        PropertyRound.objects.filter(property=place, stream=Stream.REFUSE, round__active=True)
        .values_list("round__area", flat=True)
        .first()
    )
    return (area or "").strip()


# Reads


def bulky_for(reference: str) -> BulkyBooking | None:
    return (
        BulkyBooking.objects.select_related(
            "case__service", "case__customer", "property", "booking__calendar", "booking__slot"
        )
        .filter(case__reference=reference)
        .first()
    )


def paid_net(case: Case) -> int:
    """What the resident has paid for the case and not had back, in pence."""
    return sum(p.amount - p.amount_refunded for p in case.payments.filter(status=PaymentStatus.SUCCESS))


def refunded(case: Case) -> int:
    return sum(p.amount_refunded for p in case.payments.filter(status=PaymentStatus.SUCCESS))


def is_changeable(bulky: BulkyBooking, now: dt.datetime | None = None) -> bool:
    """The collection is booked and paid for, and its cut-off has not passed."""
    booking = bulky.booking
    if booking.status != BookingStatus.CONFIRMED or bulky.case.is_closed:
        return False
    return not booking_rules.is_past_cutoff(booking.calendar, booking.slot.day, now or timezone.now())


def change_deadline(bulky: BulkyBooking) -> str:
    """For example, "2pm on Monday 2 March 2026"."""
    return bookings.describe_cutoff(bulky.booking.calendar, bulky.booking.slot.day)


def summary_for(lines: list[dict], location: str) -> str:
    """The booking's line on the crews' day list: what, and where it is left."""
    return (_("%(items)s. Left: %(where)s") % {"items": describe_items(lines), "where": location})[:300]


def refund(case: Case, amount: int, *, reason: str) -> int:
    """Give back `amount` of the case's payments through the provider, newest payment first;
    how much was asked for. Done after commit by payments' outbox."""
    left = amount
    for payment in case.payments.filter(status=PaymentStatus.SUCCESS).order_by("-paid_at", "-pk"):
        take = min(left, payment.refundable_amount)
        if take > 0:
            payments.request_refund(payment=payment, amount=take, reason=reason, by=None)
            left -= take
        if not left:
            break
    return amount - left


def update_case(case: Case, *, by: Any, **changes: Any) -> None:
    """The case's fee, answers and due date follow its collection.

    TODO(lead): a `cases.services.amend_case` would own this write; it is here because
    cases has no service for it yet."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    for field, value in changes.items():
        setattr(locked, field, value)
        setattr(case, field, value)
    locked.version += 1
    locked.save(update_fields=[*changes, "version", "updated_at"])
    case.version = locked.version
    audit.record(
        actor=by,
        action="case.changed_by_bulky_waste",
        target=locked,
        data={field: value if field == "fee" else str(value) for field, value in changes.items() if field != "answers"},
    )


# Booking


class Setup(NamedTuple):
    """What booking at an address needs: the service, the calendar and the address's zone."""

    service: Service
    calendar: Calendar
    zone: str


def require_setup(place: Property) -> Setup:
    """Raises BulkyError when the service or calendar is missing, or the address is on no
    round area (a business, say)."""
    service, calendar = bulky_service(), bulky_calendar()
    if service is None or calendar is None:
        raise BulkyError(_("Bulky waste collections cannot be booked online at the moment."), code="unavailable")
    zone = zone_for(place)
    if not zone:
        raise BulkyError(_("We cannot book a bulky waste collection at this address online."), code="no_area")
    return Setup(service, calendar, zone)


def available_days(
    place: Property, *, units: int, now: dt.datetime | None = None, setup: Setup | None = None
) -> list[bookings.Availability]:
    """The days in the booking window, before their cut-off, with room for `units` items."""
    setup = setup or require_setup(place)
    return bookings.available_dates(setup.calendar, setup.zone, units=units, now=now)


def hold_day(
    *,
    place: Property,
    day: dt.date,
    lines: list[dict],
    replacing: Booking | None = None,
    by: Any = None,
    now: dt.datetime | None = None,
) -> Booking:
    """Keep the day's places for the items while the resident finishes booking (a hold with
    no case yet); `replacing`, the hold they had, is given back in the same transaction."""
    check_quantity(lines)
    _service, calendar, zone = require_setup(place)
    with transaction.atomic():
        if replacing is not None and replacing.case_id is None and replacing.status == BookingStatus.HELD:
            bookings.cancel(replacing, by=by, reason="Another day or number of items chosen", now=now)
        try:
            return bookings.hold(
                calendar, zone, day, units=quantity_of(lines), by=by, summary=describe_items(lines)[:300], now=now
            )
        except bookings.BookingError as error:
            raise BulkyError(error.message, code=error.code) from error


def drop_hold(booking: Booking, *, by: Any = None) -> None:
    """The resident started again: a hold without a case gives its places back."""
    if booking.case_id is None and booking.status == BookingStatus.HELD:
        bookings.cancel(booking, by=by, reason="Booking started again")


def book(
    *,
    place: Property,
    selection: dict[str, int],
    day: dt.date,
    location: str,
    requester: Requester,
    channel: str,
    by: Any,
    submission_key,
    hold: Booking | None = None,
    now: dt.datetime | None = None,
) -> BulkyBooking:
    """Make the request and keep its day: one case waiting for its payment, its booking held
    for the calendar's hold minutes (the journey's `hold` becomes the case's, so its place is
    never free in between). The same `submission_key` always gives the same booking."""
    existing = BulkyBooking.objects.filter(case__submission_key=submission_key).select_related("case").first()
    if existing is not None:
        return existing
    service, calendar, zone = require_setup(place)
    lines = item_lines(selection)
    check_quantity(lines)
    price = price_of(lines).amount
    location = location.strip()
    answers = {
        "address": {"uprn": place.uprn, "text": place.single_line},
        "items": items_answer(lines),
        "collection_date": day.isoformat(),
        "location": location,
    }
    try:
        with transaction.atomic():
            case = case_services.submit_case(
                service=service,
                answers=answers,
                channel=channel,
                by=by,
                requester=requester,
                address=place,
                submission_key=submission_key,
                fee=price,
            )
            if hold is not None and hold.case_id is None and hold.status == BookingStatus.HELD:
                bookings.cancel(hold, by=by, reason=f"Booked as {case.reference}", now=now)
            booking = bookings.hold(
                calendar,
                zone,
                day,
                units=quantity_of(lines),
                case=case,
                by=by,
                summary=summary_for(lines, location),
                now=now,
            )
            bulky = BulkyBooking.objects.create(
                case=case, property=place, booking=booking, items=lines, location=location, price=price
            )
            audit.record(
                actor=by,
                action="bulky.booked",
                target=bulky,
                data={"case": case.reference, "day": day.isoformat(), "items": describe_items(lines), "price": price},
            )
            if not price:
                _confirm(bulky, by=by)
    except bookings.BookingError as error:
        raise BulkyError(error.message, code=error.code) from error
    except ValidationError as error:
        raise BulkyError(" ".join(error.messages)) from error
    except CaseError as error:
        raise BulkyError(str(error), code="unavailable") from error
    return bulky


def backoffice_data(bulky: BulkyBooking) -> dict:
    """What the waste back office is told of a collection when it is booked or changed."""
    slot = bulky.booking.slot
    return {
        "uprn": bulky.property.uprn,
        "address": bulky.property.single_line,
        "area": slot.zone,
        "day": slot.day,
        "items": bulky.items,
        "location": bulky.location,
        "price": bulky.price,
    }


def confirmation_text(bulky: BulkyBooking) -> str:
    day = bulky.booking.slot.day
    return " ".join(
        [
            _("Your bulky waste collection is booked for %(day)s.") % {"day": day_text(day)},
            _("We will collect: %(items)s.") % {"items": describe_items(bulky.items)},
            _("Put them out by %(time)s on the day: %(where)s")
            % {
                "time": time_text(collection_time()),
                "where": bulky.location.rstrip(".") + ".",
            },
            _("You can change or cancel it until %(cutoff)s.") % {"cutoff": change_deadline(bulky)},
        ]
    )


def _confirm(bulky: BulkyBooking, *, by: Any) -> None:
    booking = bookings.confirm(bulky.booking, by=by)
    bulky.booking = booking
    update_case(bulky.case, by=by, due_date=booking.slot.day)
    case_services.add_public_update(case=bulky.case, text=confirmation_text(bulky), by=None)
    backoffice.send_waste_event(backoffice.WasteTopic.BULKY_BOOKED, backoffice_data(bulky), case=bulky.case)
    audit.record(actor=by, action="bulky.confirmed", target=bulky, data={"case": bulky.case.reference})


def confirm_paid(*, case: Case, by: Any = None) -> BulkyBooking | None:
    """The case is paid for: its booking is confirmed. A booking whose place was given back
    meanwhile takes it again if the day still has room; if not, the money goes back
    automatically and the request is closed, saying why."""
    bulky = (
        BulkyBooking.objects.select_related("booking__calendar", "booking__slot", "case__service", "property")
        .filter(case=case)
        .first()
    )
    if bulky is None:
        return None
    try:
        with transaction.atomic():
            _confirm(bulky, by=by)
    except bookings.BookingError as error:
        _could_not_keep(bulky, error.message)
    return bulky


@receiver(payments.case_paid, dispatch_uid="waste.bulky.confirm_paid")
def _on_case_paid(sender, case: Case, **kwargs) -> None:
    confirm_paid(case=case)


def _could_not_keep(bulky: BulkyBooking, why: str) -> None:
    case = bulky.case
    amount = refund(case, paid_net(case), reason="Paid after the collection date was given back")
    text = " ".join(
        [
            _("We could not keep your collection date because it was not paid for in time: %(why)s") % {"why": why},
            _("We have refunded %(amount)s to your card. Please book again.") % {"amount": format_pence(amount)},
        ]
    )
    case_services.change_status(case=case, status=case.service.withdrawn_state, by=None, public_text=text)
    audit.record(actor=None, action="bulky.not_kept", target=bulky, data={"case": case.reference, "refunded": amount})


def release_if_unpaid(bulky: BulkyBooking, *, now: dt.datetime | None = None) -> bool:
    """A booking nobody paid for before its hold ran out: the payment in progress is
    stopped, the request withdrawn and the place given back. False when it was paid at the
    last moment (its confirmation follows), is not due yet, or the provider cannot be reached."""
    now = now or timezone.now()
    booking, case = bulky.booking, bulky.case
    if case.status != AWAITING_PAYMENT["key"] or booking.status not in (BookingStatus.HELD, BookingStatus.RELEASED):
        return False
    if booking.expires_at is None or booking.expires_at > now:
        return False
    try:
        payments.cancel_unpaid_request(
            case=case, reason="The collection date was not paid for in time, so it was given back.", by=None
        )
    except payments.PaymentUnavailable:
        logger.warning("Provider unavailable; %s stays held until the next run", case.reference)
        raise
    except (payments.PaymentError, CaseError):
        return False  # just paid: `case_paid` confirms it
    with transaction.atomic():
        bookings.cancel(booking, by=None, reason="Not paid for in time", now=now)
        audit.record(actor=None, action="bulky.released_unpaid", target=bulky, data={"case": case.reference})
    return True


def release_unpaid(*, now: dt.datetime | None = None) -> int:
    """The scheduled clear-out of bookings not paid for in time; how many were released."""
    now = now or timezone.now()
    stale = (
        BulkyBooking.objects.filter(
            case__status=AWAITING_PAYMENT["key"],
            booking__status__in=[BookingStatus.HELD, BookingStatus.RELEASED],
            booking__expires_at__lte=now,
        )
        .select_related("case__service", "booking__calendar", "booking__slot")
        .order_by("booking__expires_at", "pk")[:BATCH]
    )
    released = 0
    for bulky in stale:
        try:
            released += release_if_unpaid(bulky, now=now)
        except payments.PaymentUnavailable:
            break
    return released


# Reminders


def reminder_text(bulky: BulkyBooking) -> str:
    day = bulky.booking.slot.day
    return "\n\n".join(
        [
            _("Dear %(name)s,") % {"name": bulky.case.requester_name or _("resident")},
            _("Your bulky waste collection (%(reference)s) is tomorrow, %(day)s.")
            % {"reference": bulky.case.reference, "day": day_text(day)},
            _("We will collect: %(items)s.") % {"items": describe_items(bulky.items)},
            _("Please put the items out by %(time)s: %(where)s")
            % {"time": time_text(collection_time()), "where": bulky.location},
            _("We can only collect the items you booked."),
            settings.COUNCIL_NAME,
        ]
    )


def send_reminders(*, today: dt.date | None = None) -> int:
    """Email everyone whose collection is tomorrow, once each, through the outbox."""
    today = today or timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    due = (
        BulkyBooking.objects.filter(
            booking__slot__day=tomorrow, booking__status=BookingStatus.CONFIRMED, reminded_at__isnull=True
        )
        .select_related("case__service", "case__customer", "booking__slot")
        .order_by("pk")
    )
    sent = 0
    for bulky in due:
        with transaction.atomic():
            if not BulkyBooking.objects.filter(pk=bulky.pk, reminded_at__isnull=True).update(
                reminded_at=timezone.now()
            ):
                continue  # another run got there first
            recipient = bulky.case.requester_email or (bulky.case.customer.email if bulky.case.customer else "")
            if recipient:
                notifications.queue_email(
                    to=recipient,
                    subject=_("Reminder: your bulky waste collection is tomorrow"),
                    body=reminder_text(bulky),
                    case=bulky.case,
                    event="bulky_reminder",
                )
                sent += 1
            audit.record(actor=None, action="bulky.reminded", target=bulky, data={"emailed": bool(recipient)})
    return sent


def assisted_channel(user: Any) -> str:
    """Staff booking for a caller record the phone; residents, the web."""
    return Channel.PHONE if getattr(user, "is_authenticated", False) and user.is_council_staff else Channel.WEB
