"""Holding, confirming, moving, resizing, cancelling, completing and releasing bookings."""

import datetime as dt
from collections import Counter
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from townhall.bookings import rules
from townhall.bookings.models import LIVE_STATUSES, Booking, BookingStatus, Calendar
from townhall.bookings.services.common import (
    BookingError,
    LostRace,
    acting_user,
    add_used,
    audit_booking,
    check_bookable_day,
    check_can_change,
    check_room,
    check_units,
    check_zone,
    ensure_slot,
    lock_booking,
    lock_slots,
)
from townhall.core.calendar import non_working_days

# How many expired holds one call of `release_expired` gives back.
RELEASE_BATCH = 500


def hold(
    calendar: Calendar,
    zone: str,
    day: dt.date,
    *,
    units: int,
    case: models.Model | None = None,
    by: Any = None,
    start: dt.time | None = None,
    summary: str = "",
    override_cutoff: bool = False,
    now: dt.datetime | None = None,
) -> Booking:
    """Keep `units` of the day's places in `zone` for `calendar.hold_minutes`, until the
    booking is confirmed. `start` picks a time of day on calendars that have them.

    With `case`, a case that already has a booking here gets that booking back, moved
    to this day and number of units if they differ (its hold renewed while unconfirmed):
    never a second booking. Raises BookingError when the day is full, closed, outside the
    window or past its cut-off (staff may book past the cut-off with `override_cutoff`).
    """
    check_units(units)
    check_zone(zone)
    now = now or timezone.now()
    arguments = {
        "units": units,
        "case": case,
        "by": by,
        "start": start,
        "summary": summary,
        "override_cutoff": override_cutoff,
        "now": now,
    }
    try:
        return _hold_once(calendar, zone, day, **arguments)
    except LostRace:
        # The other transaction has committed its booking for this case: this time we find and move it.
        return _hold_once(calendar, zone, day, **arguments)


def _hold_once(
    calendar: Calendar,
    zone: str,
    day: dt.date,
    *,
    units: int,
    case: models.Model | None,
    by: Any,
    start: dt.time | None,
    summary: str,
    override_cutoff: bool,
    now: dt.datetime,
) -> Booking:
    holidays = non_working_days()
    with transaction.atomic():
        if case is not None:
            existing = (
                Booking.objects.select_for_update()
                .filter(calendar=calendar, case=case, status__in=LIVE_STATUSES)
                .first()
            )
            if existing is not None:
                return _rebook(
                    lock_booking(existing),
                    zone=zone,
                    day=day,
                    start=start,
                    units=units,
                    summary=summary,
                    by=by,
                    now=now,
                    holidays=holidays,
                    override_cutoff=override_cutoff,
                )
        check_bookable_day(calendar, day, now, holidays, override_cutoff=override_cutoff)
        slot_pk = ensure_slot(calendar, zone, day, start)
        slot = lock_slots(slot_pk)[slot_pk]
        check_room(calendar, slot, units, holidays)
        try:
            with transaction.atomic():
                booking = Booking.objects.create(
                    calendar=calendar,
                    slot=slot,
                    case=case,
                    units=units,
                    summary=summary,
                    status=BookingStatus.HELD,
                    expires_at=now + dt.timedelta(minutes=calendar.hold_minutes),
                    created_by=acting_user(by),
                    created_at=now,
                )
        except IntegrityError as error:
            if case is None:
                raise
            raise LostRace from error
        add_used(slot.pk, units)
        slot.used += units
        audit_booking(booking, "held", by, expires_at=booking.expires_at.isoformat())
        return booking


def _rebook(
    booking: Booking,
    *,
    zone: str,
    day: dt.date,
    start: dt.time | None,
    units: int,
    summary: str,
    by: Any,
    now: dt.datetime,
    holidays: frozenset[dt.date],
    override_cutoff: bool,
) -> Booking:
    """A second hold for the case: the same booking, moved or resized as asked, its hold renewed."""
    slot = booking.slot
    if (slot.zone, slot.day, slot.start_time, booking.units) != (zone, day, start, units):
        _relocate(
            booking,
            zone=zone,
            day=day,
            start=start,
            units=units,
            by=by,
            now=now,
            holidays=holidays,
            override_cutoff=override_cutoff,
            action="moved",
        )
    fields = ["updated_at"]
    if booking.status == BookingStatus.HELD:
        booking.expires_at = now + dt.timedelta(minutes=booking.calendar.hold_minutes)
        fields.append("expires_at")
    if summary and summary != booking.summary:
        booking.summary = summary
        fields.append("summary")
    booking.save(update_fields=fields)
    return booking


def _relocate(
    booking: Booking,
    *,
    zone: str,
    day: dt.date,
    start: dt.time | None,
    units: int,
    by: Any,
    now: dt.datetime,
    holidays: frozenset[dt.date],
    override_cutoff: bool,
    action: str,
) -> None:
    """Move a locked, live booking to another slot and/or number of units in one step: the
    new places are taken before the old ones are given back, under both slots' locks, so a
    booking that cannot move keeps what it had."""
    calendar, old = booking.calendar, booking.slot
    check_can_change(
        booking,
        now,
        holidays,
        override_cutoff=override_cutoff,
        too_late=_("It is too late to change this booking: the cut-off was %(cutoff)s"),
    )
    same_slot = (old.zone, old.day, old.start_time) == (zone, day, start)
    if not same_slot:
        check_zone(zone)
        check_bookable_day(calendar, day, now, holidays, override_cutoff=override_cutoff)
    new_pk = old.pk if same_slot else ensure_slot(calendar, zone, day, start)
    slots = lock_slots(old.pk, new_pk)
    old_slot, new_slot = slots[old.pk], slots[new_pk]
    before = {"zone": old.zone, "day": old.day.isoformat(), "units": booking.units}
    if same_slot:
        extra = units - booking.units
        if extra > 0:
            check_room(calendar, new_slot, extra, holidays)
        add_used(new_slot.pk, extra)
    else:
        check_room(calendar, new_slot, units, holidays)
        add_used(new_slot.pk, units)
        add_used(old_slot.pk, -booking.units)
    booking.slot, booking.units = new_slot, units
    fields = ["slot", "units", "updated_at"]
    if booking.status == BookingStatus.HELD and not same_slot:
        booking.expires_at = now + dt.timedelta(minutes=calendar.hold_minutes)
        fields.append("expires_at")
    booking.save(update_fields=fields)
    audit_booking(booking, action, by, before=before)


def confirm(booking: Booking, *, by: Any = None, now: dt.datetime | None = None) -> Booking:
    """The booking is definite (paid for, say): it keeps its place until cancelled. Confirming
    twice changes nothing. A booking released because confirmation came late takes its place
    again if the day still has room and is before its cut-off; BookingError if not."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = lock_booking(booking)
        if booking.status == BookingStatus.CONFIRMED:
            return booking
        if booking.status == BookingStatus.RELEASED:
            _retake(booking, now=now)
        elif booking.status != BookingStatus.HELD:
            raise BookingError(_("This booking has ended, so it cannot be confirmed"), code="not_live")
        booking.status = BookingStatus.CONFIRMED
        booking.expires_at = None
        booking.confirmed_at = now
        booking.ended_at = None
        try:
            with transaction.atomic():
                booking.save(update_fields=["status", "expires_at", "confirmed_at", "ended_at", "updated_at"])
        except IntegrityError as error:
            # Released, then the same case booked again: that newer booking is the one to confirm.
            raise BookingError(_("This request has another booking: confirm that one"), code="not_live") from error
        audit_booking(booking, "confirmed", by)
        return booking


def _retake(booking: Booking, *, now: dt.datetime) -> None:
    calendar, day = booking.calendar, booking.slot.day
    holidays = non_working_days()
    if rules.is_past_cutoff(calendar, day, now, holidays):
        raise BookingError(
            _("The place was given back and it is now too late to book that day: choose another"),
            code="past_cutoff",
        )
    slot = lock_slots(booking.slot_id)[booking.slot_id]
    try:
        check_room(calendar, slot, booking.units, holidays)
    except BookingError as error:
        raise BookingError(
            _("The place was given back and that day is now full or closed: choose another"), code=error.code
        ) from error
    add_used(slot.pk, booking.units)


def cancel(
    booking: Booking, *, by: Any, reason: str, override_cutoff: bool = False, now: dt.datetime | None = None
) -> Booking:
    """Give the booking's places back. A confirmed booking can be cancelled until its day's
    cut-off (staff may go past it with `override_cutoff`); a held one at any time. Cancelling
    twice, or a booking already released, changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = lock_booking(booking)
        if booking.status in (BookingStatus.CANCELLED, BookingStatus.RELEASED):
            return booking
        if booking.status == BookingStatus.COMPLETED:
            raise BookingError(_("This booking has been completed, so it cannot be cancelled"), code="not_live")
        if booking.status == BookingStatus.CONFIRMED:
            check_can_change(
                booking,
                now,
                non_working_days(),
                override_cutoff=override_cutoff,
                too_late=_("It is too late to cancel this booking: the cut-off was %(cutoff)s"),
            )
        lock_slots(booking.slot_id)
        add_used(booking.slot_id, -booking.units)
        booking.status = BookingStatus.CANCELLED
        booking.ended_at = now
        booking.cancel_reason = reason[:500]
        booking.save(update_fields=["status", "ended_at", "cancel_reason", "updated_at"])
        audit_booking(booking, "cancelled", by, reason=reason[:500], override_cutoff=override_cutoff)
        return booking


def move(
    booking: Booking,
    new_day: dt.date,
    *,
    by: Any,
    zone: str | None = None,
    start: dt.time | None = None,
    override_cutoff: bool = False,
    now: dt.datetime | None = None,
) -> Booking:
    """Move the booking to `new_day` (and `zone`, `start` when given; by default the same
    area and time of day): the new place is taken before the old one is given back, in one
    transaction, so a move that fails leaves the booking where it was. Both days must be
    before their cut-off (unless `override_cutoff`)."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = lock_booking(booking)
        _relocate(
            booking,
            zone=booking.slot.zone if zone is None else zone,
            day=new_day,
            start=booking.slot.start_time if start is None else start,
            units=booking.units,
            by=by,
            now=now,
            holidays=non_working_days(),
            override_cutoff=override_cutoff,
            action="moved",
        )
        return booking


def change_units(
    booking: Booking, *, units: int, by: Any, override_cutoff: bool = False, now: dt.datetime | None = None
) -> Booking:
    """More or fewer units on the same day (more items in a collection): more only if the
    day has room. Before the day's cut-off unless `override_cutoff`."""
    check_units(units)
    now = now or timezone.now()
    with transaction.atomic():
        booking = lock_booking(booking)
        if booking.units == units and booking.is_live:
            return booking
        slot = booking.slot
        _relocate(
            booking,
            zone=slot.zone,
            day=slot.day,
            start=slot.start_time,
            units=units,
            by=by,
            now=now,
            holidays=non_working_days(),
            override_cutoff=override_cutoff,
            action="units_changed",
        )
        return booking


def complete(booking: Booking, *, by: Any, now: dt.datetime | None = None) -> Booking:
    """The booking was carried out (the collection made): from its day on. Its places stay used."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = lock_booking(booking)
        if booking.status == BookingStatus.COMPLETED:
            return booking
        if booking.status != BookingStatus.CONFIRMED:
            raise BookingError(_("Only a confirmed booking can be completed"), code="not_live")
        if booking.slot.day > rules.local_day(now):
            raise BookingError(_("A booking cannot be completed before its day"), code="invalid")
        booking.status = BookingStatus.COMPLETED
        booking.ended_at = now
        booking.save(update_fields=["status", "ended_at", "updated_at"])
        audit_booking(booking, "completed", by)
        return booking


def release_expired(now: dt.datetime | None = None, *, batch: int | None = None) -> int:
    """Held bookings past their expiry give their places back, up to `batch` of them (by
    default RELEASE_BATCH); how many were released. Holds another transaction is changing
    (being confirmed, say) are left for the next run."""
    now = now or timezone.now()
    batch = batch or RELEASE_BATCH
    with transaction.atomic():
        locked = list(
            Booking.objects.select_for_update(skip_locked=True)
            .filter(status=BookingStatus.HELD, expires_at__lte=now)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch]
        )
        # Read with their slots once locked (see `lock_booking` on why not in the locking query).
        expired = list(Booking.objects.filter(pk__in=locked).select_related("calendar", "slot").order_by("pk"))
        if not expired:
            return 0
        units_by_slot = Counter()
        for booking in expired:
            units_by_slot[booking.slot_id] += booking.units
        lock_slots(*units_by_slot)
        for slot_pk, units in sorted(units_by_slot.items()):
            add_used(slot_pk, -units)
        Booking.objects.filter(pk__in=[b.pk for b in expired]).update(
            status=BookingStatus.RELEASED, ended_at=now, updated_at=now
        )
        for booking in expired:
            booking.status = BookingStatus.RELEASED
            audit_booking(booking, "released", None, expired_at=booking.expires_at.isoformat())
        return len(expired)
