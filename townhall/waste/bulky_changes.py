"""Changing a bulky waste collection up to its cut-off: other items, another day, or
cancelling, with the money following automatically (see `townhall.waste.bulky`).

Fewer items, or cancelling, refunds the difference through the payment provider at once,
as the service's refund rule allows. More items take their places at once and wait for
the difference to be paid (a pending change) for the calendar's hold minutes; paid, the
change is made (`apply_paid_change`), else the places go back (`settle_changes`). Each
change made, and a cancellation, is an event for the waste back office in its transaction.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from townhall.bookings import rules as booking_rules
from townhall.bookings import services as bookings
from townhall.bookings.models import Booking, BookingStatus
from townhall.cases import services as case_services
from townhall.cases.models import Case
from townhall.cases.services import CaseError
from townhall.catalogue.fees import Price, refund_refusal
from townhall.catalogue.models import AWAITING_PAYMENT
from townhall.core import audit
from townhall.core.money import format_pence
from townhall.payments import services as payments
from townhall.payments.models import LIVE_STATUSES, PaymentStatus
from townhall.waste import backoffice
from townhall.waste.bulky import (
    BATCH,
    backoffice_data,
    change_deadline,
    paid_net,
    refund,
    refunded,
    summary_for,
    update_case,
)
from townhall.waste.bulky_pricing import (
    BulkyError,
    check_quantity,
    day_text,
    describe_items,
    item_lines,
    items_answer,
    price_of,
    quantity_of,
)
from townhall.waste.models import BulkyBooking


@dataclass(frozen=True)
class Quote:
    """What a change costs: the new `price`, what has been paid, and either what is `due` or
    what is refunded (`refund`), unless the refund rule refuses it (`refund_refused`)."""

    price: Price
    paid: int
    refund_refused: str = ""

    @property
    def due(self) -> int:
        return max(self.price.amount - self.paid, 0)

    @property
    def difference(self) -> int:
        return max(self.paid - self.price.amount, 0)

    @property
    def refund(self) -> int:
        return 0 if self.refund_refused else self.difference


def _tell_backoffice_changed(bulky: BulkyBooking) -> None:
    """The back office hears of each change made to a booked collection; the case's
    version, bumped by the change, tells one change from the next."""
    backoffice.send_waste_event(
        backoffice.WasteTopic.BULKY_CHANGED, backoffice_data(bulky), case=bulky.case, key=f"v{bulky.case.version}"
    )


def _refusal(case: Case, amount: int) -> str:
    """Why the service's refund rule refuses giving back `amount` now ("" when it allows it)."""
    if amount <= 0:
        return ""
    for payment in case.payments.filter(status=PaymentStatus.SUCCESS).order_by("-paid_at", "-pk"):
        if payment.refundable_amount > 0:
            return refund_refusal(case.service, payment, min(amount, payment.refundable_amount)) or ""
    return ""


def quote(bulky: BulkyBooking, selection: dict[str, int] | None = None) -> Quote:
    """The price of the collection with `selection` instead of its items (None: cancelling it)."""
    case = bulky.case
    paid = paid_net(case)
    if selection is None:
        price = Price()
    else:
        lines = item_lines(selection)
        check_quantity(lines)
        price = price_of(lines)
    return Quote(price=price, paid=paid, refund_refused=_refusal(case, paid - price.amount))


def _answers(bulky: BulkyBooking, lines: list[dict], day: dt.date) -> dict:
    return {**bulky.case.answers, "items": items_answer(lines), "collection_date": day.isoformat()}


def _locked(bulky: BulkyBooking) -> BulkyBooking:
    """The case, then its booking row, under lock (the order payments takes them in)."""
    Case.objects.select_for_update().filter(pk=bulky.case_id).first()
    locked = BulkyBooking.objects.select_for_update().get(pk=bulky.pk)
    locked.case = Case.objects.select_related("service").get(pk=bulky.case_id)
    locked.booking = Booking.objects.select_related("calendar", "slot").get(pk=locked.booking_id)
    locked.property = bulky.property
    return locked


def _check_changeable(
    bulky: BulkyBooking, now: dt.datetime, *, override_cutoff: bool, cancelling: bool = False
) -> None:
    booking = bulky.booking
    if bulky.case.is_closed or booking.status != BookingStatus.CONFIRMED:
        raise BulkyError(
            _("This collection has been cancelled or has taken place, so it cannot be changed"), code="not_live"
        )
    if not override_cutoff and booking_rules.is_past_cutoff(booking.calendar, booking.slot.day, now):
        if cancelling:
            message = _("It is too late to cancel this collection: the cut-off was %(cutoff)s")
        else:
            message = _("It is too late to change this collection: the cut-off was %(cutoff)s")
        raise BulkyError(message % {"cutoff": change_deadline(bulky)}, code="past_cutoff")


def change_items(bulky: BulkyBooking, *, selection: dict[str, int], by: Any, now: dt.datetime | None = None) -> Quote:
    """Collect these items instead, on the same day, before its cut-off. Fewer (or cheaper)
    items: the difference is refunded at once (unless the refund rule refuses it, when the
    price stays what was paid). More: their places are taken now and the change waits for
    the difference to be paid (see `apply_paid_change`) for the calendar's hold minutes."""
    now = now or timezone.now()
    lines = item_lines(selection)
    check_quantity(lines)
    with transaction.atomic():
        bulky = _locked(bulky)
        _check_changeable(bulky, now, override_cutoff=False)
        if bulky.has_pending_change:
            _drop_pending(bulky, by=by, now=now)
        change = quote(bulky, selection)
        booking, case = bulky.booking, bulky.case
        more_to_pay = change.due > 0
        try:
            bookings.hold(
                booking.calendar,
                booking.slot.zone,
                booking.slot.day,
                units=quantity_of(lines),
                case=case,
                by=by,
                summary="" if more_to_pay else summary_for(lines, bulky.location),
                now=now,
            )
        except bookings.BookingError as error:
            if error.code == "full":
                raise BulkyError(
                    _("There is not enough room on your collection day for more items. Change the day first."),
                    code="full",
                ) from error
            raise BulkyError(error.message, code=error.code) from error
        before = describe_items(bulky.items)
        if more_to_pay:
            bulky.pending_items = lines
            bulky.pending_price = change.price.amount
            bulky.pending_expires_at = now + dt.timedelta(minutes=booking.calendar.hold_minutes)
            bulky.save(update_fields=["pending_items", "pending_price", "pending_expires_at", "updated_at"])
            update_case(case, by=by, fee=change.price.amount + refunded(case))
        else:
            given_back = refund(case, change.refund, reason="Fewer items collected") if change.refund else 0
            bulky.items = lines
            bulky.price = change.price.amount if not change.refund_refused else change.paid
            bulky.save(update_fields=["items", "price", "updated_at"])
            update_case(case, by=by, answers=_answers(bulky, lines, booking.slot.day))
            text = _("Your collection has been changed. We will now collect: %(items)s.") % {
                "items": describe_items(lines)
            }
            if given_back:
                text += " " + _("We are refunding %(amount)s to your card.") % {"amount": format_pence(given_back)}
            case_services.add_public_update(case=case, text=text, by=by)
            _tell_backoffice_changed(bulky)
        audit.record(
            actor=by,
            action="bulky.items_changed" if not more_to_pay else "bulky.items_change_pending",
            target=bulky,
            data={"case": case.reference, "from": before, "to": describe_items(lines), "price": change.price.amount},
        )
        return change


def apply_paid_change(bulky: BulkyBooking, *, by: Any = None) -> bool:
    """A pending change whose difference is paid becomes the collection. False if there is
    none, or it is not paid yet."""
    with transaction.atomic():
        bulky = _locked(bulky)
        if not bulky.has_pending_change or payments.amount_due(bulky.case) > 0:
            return False
        lines, booking, case = bulky.pending_items, bulky.booking, bulky.case
        if booking.is_live:
            bookings.hold(
                booking.calendar,
                booking.slot.zone,
                booking.slot.day,
                units=quantity_of(lines),
                case=case,
                by=by,
                summary=summary_for(lines, bulky.location),
                override_cutoff=True,  # the places were taken before the cut-off; only the summary changes
            )
        bulky.items, bulky.price = lines, bulky.pending_price
        bulky.pending_items = bulky.pending_price = bulky.pending_expires_at = None
        bulky.save(
            update_fields=["items", "price", "pending_items", "pending_price", "pending_expires_at", "updated_at"]
        )
        update_case(case, by=by, answers=_answers(bulky, lines, booking.slot.day))
        case_services.add_public_update(
            case=case,
            text=_("Your collection has been changed. We will now collect: %(items)s.")
            % {"items": describe_items(lines)},
            by=None,
        )
        _tell_backoffice_changed(bulky)
        audit.record(actor=by, action="bulky.items_changed", target=bulky, data={"case": case.reference, "paid": True})
        return True


def _drop_pending(bulky: BulkyBooking, *, by: Any, now: dt.datetime) -> None:
    """Give back the places of a change nobody paid for; the collection stays as it was.
    Called with the rows locked."""
    booking, case = bulky.booking, bulky.case
    if booking.is_live:
        bookings.hold(
            booking.calendar,
            booking.slot.zone,
            booking.slot.day,
            units=bulky.quantity,
            case=case,
            by=by,
            override_cutoff=True,  # fewer places always fit
            now=now,
        )
        booking.refresh_from_db()
    bulky.pending_items = bulky.pending_price = bulky.pending_expires_at = None
    bulky.save(update_fields=["pending_items", "pending_price", "pending_expires_at", "updated_at"])
    update_case(case, by=by, fee=bulky.price + refunded(case))
    audit.record(actor=by, action="bulky.change_dropped", target=bulky, data={"case": case.reference})


def settle_changes(*, now: dt.datetime | None = None) -> int:
    """The scheduled check of pending changes: paid ones are made, those past their time
    with no payment in progress are dropped (the collection stays as it was). How many were settled."""
    now = now or timezone.now()
    settled = 0
    pending = BulkyBooking.objects.filter(pending_expires_at__isnull=False).select_related("case", "booking")
    for bulky in pending.order_by("pending_expires_at", "pk")[:BATCH]:
        live = bulky.case.payments.filter(status__in=LIVE_STATUSES).first()
        if live is not None:
            live = payments.settled_quietly(live)
        if apply_paid_change(bulky):
            settled += 1
        elif bulky.pending_expires_at <= now and (live is None or not live.is_live):
            with transaction.atomic():
                locked = _locked(bulky)
                if locked.has_pending_change and payments.amount_due(locked.case) > 0:
                    _drop_pending(locked, by=None, now=now)
                    case_services.add_public_update(
                        case=locked.case,
                        text=_("Your change was not paid for, so your collection stays as it was: %(items)s.")
                        % {"items": describe_items(locked.items)},
                        by=None,
                    )
                    settled += 1
    return settled


def change_day(
    bulky: BulkyBooking, *, day: dt.date, by: Any, override_cutoff: bool = False, now: dt.datetime | None = None
) -> BulkyBooking:
    """Collect on another day with room, in the same area: both days before their cut-off."""
    now = now or timezone.now()
    with transaction.atomic():
        bulky = _locked(bulky)
        _check_changeable(bulky, now, override_cutoff=override_cutoff)
        before = bulky.booking.slot.day
        try:
            booking = bookings.move(bulky.booking, day, by=by, override_cutoff=override_cutoff, now=now)
        except bookings.BookingError as error:
            raise BulkyError(error.message, code=error.code) from error
        bulky.booking = booking
        lines = bulky.items
        update_case(bulky.case, by=by, answers=_answers(bulky, lines, day), due_date=day)
        case_services.add_public_update(
            case=bulky.case,
            text=_("Your collection has moved to %(day)s. You can change or cancel it until %(cutoff)s.")
            % {"day": day_text(day), "cutoff": change_deadline(bulky)},
            by=by,
        )
        _tell_backoffice_changed(bulky)
        audit.record(
            actor=by,
            action="bulky.day_changed",
            target=bulky,
            data={"case": bulky.case.reference, "from": before.isoformat(), "to": day.isoformat()},
        )
        return bulky


def cancel(
    bulky: BulkyBooking,
    *,
    by: Any,
    reason: str = "",
    override_cutoff: bool = False,
    now: dt.datetime | None = None,
) -> int:
    """Cancel the collection before its cut-off (staff may go past it with `override_cutoff`:
    then the council cancelled it, and the refund rules let the money go back). Its places
    go back and what was paid is refunded automatically, as the refund rule allows; how much
    was refunded. A request not paid for yet is withdrawn instead."""
    now = now or timezone.now()
    if bulky.case.status == AWAITING_PAYMENT["key"]:
        try:
            payments.cancel_unpaid_request(case=bulky.case, reason=reason or "Cancelled before it was paid for.", by=by)
        except (payments.PaymentError, CaseError) as error:
            raise BulkyError(str(error)) from error
        drop = Booking.objects.get(pk=bulky.booking_id)
        bookings.cancel(drop, by=by, reason="Cancelled before it was paid for", now=now)
        audit.record(actor=by, action="bulky.cancelled", target=bulky, data={"case": bulky.case.reference, "paid": 0})
        return 0
    with transaction.atomic():
        bulky = _locked(bulky)
        _check_changeable(bulky, now, override_cutoff=override_cutoff, cancelling=True)
        late = booking_rules.is_past_cutoff(bulky.booking.calendar, bulky.booking.slot.day, now)
        try:
            bookings.cancel(
                bulky.booking, by=by, reason=reason or "Cancelled", override_cutoff=override_cutoff, now=now
            )
        except bookings.BookingError as error:
            raise BulkyError(error.message, code=error.code) from error
        bulky.pending_items = bulky.pending_price = bulky.pending_expires_at = None
        bulky.council_cancelled = late
        bulky.save(
            update_fields=["pending_items", "pending_price", "pending_expires_at", "council_cancelled", "updated_at"]
        )
        case = bulky.case
        change = quote(bulky, None)
        given_back = refund(case, change.refund, reason="Collection cancelled") if change.refund else 0
        update_case(case, by=by, fee=paid_net(case) + refunded(case))  # a dropped change leaves nothing due
        words = {"day": day_text(bulky.booking.slot.day), "amount": format_pence(given_back)}
        text = _("Your bulky waste collection on %(day)s is cancelled.") % words
        if given_back:
            text += " " + _("We are refunding %(amount)s to your card.") % words
        elif change.refund_refused:
            text += " " + change.refund_refused
        case_services.change_status(
            case=case, status=case.service.withdrawn_state, by=by, reason=reason, public_text=text
        )
        backoffice.send_waste_event(
            backoffice.WasteTopic.BULKY_CANCELLED,
            {**backoffice_data(bulky), "refunded": given_back, "by_council": late},
            case=case,
        )
        audit.record(
            actor=by,
            action="bulky.cancelled",
            target=bulky,
            data={"case": case.reference, "refunded": given_back, "override_cutoff": override_cutoff},
        )
        return given_back
