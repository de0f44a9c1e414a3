"""What the booking and capacity services share: the error, the rules' checks, and the
slot's row lock and counter."""

import datetime as dt
from typing import Any

from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from townhall.bookings import rules
from townhall.bookings.models import ZONE_MAX_LENGTH, Booking, Calendar, Slot, WeeklyCapacity
from townhall.bookings.selectors import slot_is_open
from townhall.core import audit


class BookingError(Exception):
    """A booking or change that cannot be made, in words for the person who tried.

    `code` says which rule refused it: "full", "closed", "no_capacity", "outside_window",
    "past_cutoff", "not_live", "invalid" or "below_used".
    """

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class LostRace(Exception):
    """Another transaction booked for the same case at the same moment: try once more."""


def acting_user(by: Any) -> Any:
    return by if by is not None and getattr(by, "is_authenticated", False) else None


def _clock(moment: dt.datetime) -> str:
    """2pm, 2:30pm: GOV.UK's style for times."""
    local = timezone.localtime(moment, timezone=rules.london())
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    if local.hour == 12 and local.minute == 0:
        return _("midday")
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def describe_cutoff(calendar: Calendar, day: dt.date) -> str:
    """For example, "2pm on Monday 3 March 2025"."""
    cutoff = rules.cutoff_at(calendar, day)
    return _("%(time)s on %(day)s") % {"time": _clock(cutoff), "day": date_format(cutoff.date(), "l j F Y")}


def describe_cutoff_rule(calendar: Calendar) -> str:
    """The calendar's cut-off in words, for staff: "2pm, 1 working day before"."""
    time = _clock(dt.datetime.combine(dt.date(2001, 1, 1), calendar.cutoff_time, tzinfo=rules.london()))
    days = calendar.cutoff_days
    if days == 0:
        return _("%(time)s on the day") % {"time": time}
    if calendar.working_days_only:
        text = ngettext("%(time)s, %(days)s working day before", "%(time)s, %(days)s working days before", days)
    else:
        text = ngettext("%(time)s, %(days)s day before", "%(time)s, %(days)s days before", days)
    return text % {"time": time, "days": days}


def check_units(units: int) -> None:
    if not isinstance(units, int) or isinstance(units, bool) or units < 1:
        raise BookingError(_("Choose at least 1 place"), code="invalid")


def check_zone(zone: str) -> None:
    if not zone or not zone.strip() or "/" in zone or len(zone) > ZONE_MAX_LENGTH:
        raise BookingError(_("The area must be 1 to 40 characters, without a slash"), code="invalid")


def check_bookable_day(
    calendar: Calendar, day: dt.date, now: dt.datetime, holidays: frozenset[dt.date], *, override_cutoff: bool
) -> None:
    """The window and the cut-off, for a day someone books or moves to."""
    if not calendar.active:
        raise BookingError(_("Bookings are not being taken at the moment"), code="closed")
    first, last = rules.window(calendar, now)
    if day < first:
        raise BookingError(_("That day has passed, choose another"), code="outside_window")
    if day > last:
        raise BookingError(
            ngettext(
                "That day is too far ahead: choose a day in the next %(days)s day",
                "That day is too far ahead: choose a day in the next %(days)s days",
                calendar.window_days,
            )
            % {"days": calendar.window_days},
            code="outside_window",
        )
    if not override_cutoff and rules.is_past_cutoff(calendar, day, now, holidays):
        raise BookingError(_("It is too late to book that day, choose another"), code="past_cutoff")


def check_can_change(
    booking: Booking, now: dt.datetime, holidays: frozenset[dt.date], *, override_cutoff: bool, too_late: str
) -> None:
    """`too_late` says what was refused, with the cut-off as %(cutoff)s."""
    if not booking.is_live:
        raise BookingError(_("This booking has ended, so it cannot be changed"), code="not_live")
    if not override_cutoff and rules.is_past_cutoff(booking.calendar, booking.slot.day, now, holidays):
        raise BookingError(
            too_late % {"cutoff": describe_cutoff(booking.calendar, booking.slot.day)}, code="past_cutoff"
        )


def check_room(calendar: Calendar, slot: Slot, units: int, holidays: frozenset[dt.date]) -> None:
    if not slot_is_open(calendar, slot, holidays):
        raise BookingError(_("That day is not available, choose another"), code="closed")
    if slot.left < units:
        raise BookingError(_("That day is now full, choose another"), code="full")


def slot_lookup(calendar: Calendar, zone: str, day: dt.date, start: dt.time | None) -> dict:
    return {"calendar": calendar, "zone": zone, "day": day, "start_time": start}


def ensure_slot(
    calendar: Calendar, zone: str, day: dt.date, start: dt.time | None, *, places: int | None = None
) -> int:
    """The id of the day's slot, made from the usual week (or with `places`) if nobody has
    booked it yet. Two bookers making it at once make one row (INSERT ... ON CONFLICT DO NOTHING)."""
    lookup = slot_lookup(calendar, zone, day, start)
    found = Slot.objects.filter(**lookup).values_list("pk", flat=True).first()
    if found is not None:
        return found
    usual = WeeklyCapacity.objects.filter(calendar=calendar, zone=zone, weekday=day.weekday(), start_time=start).first()
    if places is None:
        if usual is None:
            raise BookingError(_("That day is not available, choose another"), code="no_capacity")
        places = usual.places
    row = Slot(**lookup, end_time=usual.end_time if usual else None, places=places)
    Slot.objects.bulk_create([row], ignore_conflicts=True)
    return Slot.objects.filter(**lookup).values_list("pk", flat=True).get()


def lock_slots(*pks: int) -> dict[int, Slot]:
    """Row locks on the slots, taken in the order of their ids."""
    return {slot.pk: slot for slot in Slot.objects.select_for_update().filter(pk__in=set(pks)).order_by("pk")}


def lock_booking(booking: Booking) -> Booking:
    """The booking as it is now, under its row lock, with its slot read after the lock.

    No join in the locking query: PostgreSQL rechecks a row another transaction changed
    meanwhile against the rows it was first joined to, so a booking just moved to another
    slot would seem to vanish."""
    locked = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.calendar_id == locked.calendar_id:
        locked.calendar = booking.calendar
    locked.slot = Slot.objects.get(pk=locked.slot_id)
    return locked


def add_used(slot_pk: int, units: int) -> None:
    if units:
        Slot.objects.filter(pk=slot_pk).update(used=F("used") + units, updated_at=timezone.now())


def audit_booking(booking: Booking, action: str, by: Any, **data: Any) -> None:
    slot = booking.slot
    audit.record(
        actor=by,
        action=f"booking.{action}",
        target=booking,
        data={
            "calendar": booking.calendar.slug,
            "zone": slot.zone,
            "day": slot.day.isoformat(),
            "start": slot.start_time.isoformat() if slot.start_time else None,
            "units": booking.units,
            "status": booking.status,
            "case_id": booking.case_id,
            **data,
        },
    )
