"""Reads of capacity and bookings that the services, the staff pages and modules share.

Capacity is worked out from two queries whatever the range: the calendar's usual week
and the slots that exist in the range (days booked or changed by staff). A day nobody has
booked or changed has no row; its capacity is the usual week's.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from townhall.bookings import rules
from townhall.bookings.models import LIVE_STATUSES, Booking, BookingStatus, Calendar, Slot, WeeklyCapacity
from townhall.core.calendar import non_working_days

WEEKDAY_PLURALS = [
    _("Mondays"),
    _("Tuesdays"),
    _("Wednesdays"),
    _("Thursdays"),
    _("Fridays"),
    _("Saturdays"),
    _("Sundays"),
]


@dataclass(frozen=True)
class DayCapacity:
    """One day's capacity in a zone (or one time of that day) as the rules make it."""

    day: dt.date
    zone: str
    start: dt.time | None
    end: dt.time | None
    places: int
    used: int
    closed: bool
    # Why it is closed, or the staff's note on a changed day.
    reason: str = ""
    overridden: bool = False
    slot_id: int | None = None

    @property
    def left(self) -> int:
        return 0 if self.closed else max(self.places - self.used, 0)

    @property
    def full(self) -> bool:
        return not self.closed and self.left == 0


@dataclass(frozen=True)
class Availability:
    """A day people can book: `places_left` across the day (across its times, for a calendar with times)."""

    day: dt.date
    places_left: int


@dataclass(frozen=True)
class SlotAvailability:
    start: dt.time | None
    end: dt.time | None
    places_left: int


def _days(start: dt.date, end: dt.date) -> Iterable[dt.date]:
    for n in range((end - start).days + 1):
        yield start + dt.timedelta(days=n)


def slot_is_open(calendar: Calendar, slot: Slot, holidays: frozenset[dt.date]) -> bool:
    """A slot takes bookings unless staff closed it, or the rules close its day and staff did
    not open it by hand."""
    if slot.closed:
        return False
    return slot.overridden or not rules.closed_reason(calendar, slot.day, holidays)


def _from_slot(calendar: Calendar, slot: Slot, holidays: frozenset[dt.date]) -> DayCapacity:
    rule_reason = "" if slot.overridden else rules.closed_reason(calendar, slot.day, holidays)
    return DayCapacity(
        day=slot.day,
        zone=slot.zone,
        start=slot.start_time,
        end=slot.end_time,
        places=slot.places,
        used=slot.used,
        closed=slot.closed or bool(rule_reason),
        reason=slot.note or rule_reason,
        overridden=slot.overridden,
        slot_id=slot.pk,
    )


def capacity(
    calendar: Calendar,
    *,
    start: dt.date,
    end: dt.date,
    zones: Iterable[str] | None = None,
    holidays: frozenset[dt.date] | None = None,
) -> list[DayCapacity]:
    """Every day (and time) with capacity from `start` to `end` inclusive, in `zones` (all when
    None), ordered by day, zone and time; closed days included. Two queries."""
    holidays = non_working_days() if holidays is None else holidays
    weekly = WeeklyCapacity.objects.filter(calendar=calendar)
    slots = Slot.objects.filter(calendar=calendar, day__range=(start, end))
    if zones is not None:
        zones = list(zones)
        weekly, slots = weekly.filter(zone__in=zones), slots.filter(zone__in=zones)
    by_weekday: dict[int, list[WeeklyCapacity]] = {}
    for usual in weekly:
        by_weekday.setdefault(usual.weekday, []).append(usual)
    found: dict[tuple, DayCapacity] = {}
    for day in _days(start, end):
        usuals = by_weekday.get(day.weekday(), [])
        reason = rules.closed_reason(calendar, day, holidays) if usuals else ""
        for usual in usuals:
            found[(day, usual.zone, usual.start_time)] = DayCapacity(
                day=day,
                zone=usual.zone,
                start=usual.start_time,
                end=usual.end_time,
                places=usual.places,
                used=0,
                closed=bool(reason),
                reason=reason,
            )
    for slot in slots:
        found[(slot.day, slot.zone, slot.start_time)] = _from_slot(calendar, slot, holidays)
    return sorted(found.values(), key=lambda row: (row.day, row.zone, row.start or dt.time.min))


class DayState:
    """Where a day stands for people booking it, for the staff's table."""

    CLOSED = "closed"
    PAST_CUTOFF = "past_cutoff"
    FULL = "full"
    NOT_YET = "not_yet"
    OPEN = "open"


def with_states(
    calendar: Calendar, rows: list[DayCapacity], *, now: dt.datetime, holidays: frozenset[dt.date] | None = None
) -> list[tuple[DayCapacity, str]]:
    """Each row with its `DayState` at `now`: closed, past its cut-off, full, not yet in the
    booking window, or open."""
    holidays = non_working_days() if holidays is None else holidays
    first, last = rules.window(calendar, now)
    past: dict[dt.date, bool] = {}
    states = []
    for row in rows:
        if row.day not in past:
            past[row.day] = row.day < first or rules.is_past_cutoff(calendar, row.day, now, holidays)
        if row.closed:
            state = DayState.CLOSED
        elif past[row.day]:
            state = DayState.PAST_CUTOFF
        elif row.full:
            state = DayState.FULL
        elif row.day > last:
            state = DayState.NOT_YET
        else:
            state = DayState.OPEN
        states.append((row, state))
    return states


def zones(calendar: Calendar) -> list[str]:
    """The zones the calendar's usual week has places in."""
    return sorted(set(WeeklyCapacity.objects.filter(calendar=calendar).values_list("zone", flat=True)))


@dataclass
class UsualWeek:
    """An area's usual week: places per weekday (0 is Monday), across the day's times if it has them."""

    zone: str
    places: dict[int, int]
    # Booked by time of day (appointments): set up in the admin, not the week form.
    timed: bool = False

    def items(self):
        return sorted(self.places.items())

    def describe(self) -> str:
        """For example, "Tuesdays: 20, Thursdays: 20"."""
        return ", ".join(f"{WEEKDAY_PLURALS[day]}: {places}" for day, places in self.items() if places)


def usual_week(calendar: Calendar) -> dict[str, UsualWeek]:
    """Every zone's usual week, by zone, in one query."""
    weeks: dict[str, UsualWeek] = {}
    for usual in WeeklyCapacity.objects.filter(calendar=calendar).order_by("zone", "weekday", "start_time"):
        week = weeks.setdefault(usual.zone, UsualWeek(zone=usual.zone, places={}))
        week.places[usual.weekday] = week.places.get(usual.weekday, 0) + usual.places
        week.timed = week.timed or usual.start_time is not None
    return dict(sorted(weeks.items()))


def usual_places(calendar: Calendar, zone: str, day: dt.date, start: dt.time | None = None) -> int:
    """The places the usual week gives `day` in `zone` (0 when it gives none)."""
    usual = WeeklyCapacity.objects.filter(calendar=calendar, zone=zone, weekday=day.weekday(), start_time=start)
    return usual.values_list("places", flat=True).first() or 0


def _now(today: dt.date | None, now: dt.datetime | None) -> dt.datetime:
    if now is not None:
        return now
    if today is not None:
        return dt.datetime.combine(today, dt.time.min, tzinfo=rules.london())
    return timezone.now()


def _bookable(
    calendar: Calendar, zone: str, now: dt.datetime, holidays: frozenset[dt.date], *, on: dt.date | None = None
) -> list[DayCapacity]:
    first, last = rules.window(calendar, now)
    if on is not None:
        if not first <= on <= last:
            return []
        first = last = on
    cutoffs: dict[dt.date, bool] = {}
    open_rows = []
    for row in capacity(calendar, start=first, end=last, zones=[zone], holidays=holidays):
        if row.closed:
            continue
        if row.day not in cutoffs:
            cutoffs[row.day] = rules.is_past_cutoff(calendar, row.day, now, holidays)
        if not cutoffs[row.day]:
            open_rows.append(row)
    return open_rows


def available_dates(
    calendar: Calendar,
    zone: str,
    *,
    units: int = 1,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> list[Availability]:
    """The days in the booking window, before their cut-off and open, with room for `units` in
    `zone`, earliest first. `now` is the moment to judge from (by default, now); `today`, for
    previews and tests, judges from the start of that London day. Two queries (three
    when the council's closure days are not cached)."""
    if not calendar.active:
        return []
    holidays = non_working_days()
    left_by_day: dict[dt.date, list[int]] = {}
    for row in _bookable(calendar, zone, _now(today, now), holidays):
        left_by_day.setdefault(row.day, []).append(row.left)
    return [
        Availability(day=day, places_left=sum(lefts))
        for day, lefts in left_by_day.items()
        if any(left >= units for left in lefts)
    ]


def available_slots(
    calendar: Calendar, zone: str, day: dt.date, *, units: int = 1, now: dt.datetime | None = None
) -> list[SlotAvailability]:
    """The times on `day` with room for `units`, for calendars with times of day (one entry,
    with no times, for a calendar booked by the day)."""
    if not calendar.active:
        return []
    holidays = non_working_days()
    rows = _bookable(calendar, zone, _now(None, now), holidays, on=day)
    return [SlotAvailability(start=row.start, end=row.end, places_left=row.left) for row in rows if row.left >= units]


def day_list(calendar: Calendar, zone: str | None, day: dt.date) -> QuerySet[Booking]:
    """The day's bookings, for staff and crews: confirmed and completed ones, and those held
    but not yet confirmed, by zone and time; in one query with their slot, case and address."""
    bookings = Booking.objects.filter(
        calendar=calendar,
        slot__day=day,
        status__in=[*LIVE_STATUSES, BookingStatus.COMPLETED],
    ).select_related("slot", "case__address")
    if zone is not None:
        bookings = bookings.filter(slot__zone=zone)
    return bookings.order_by("slot__zone", "slot__start_time", "created_at", "pk")


def live_booking(calendar: Calendar, case) -> Booking | None:
    """The case's booking that holds a place in `calendar`, if it has one."""
    return Booking.objects.filter(calendar=calendar, case=case, status__in=LIVE_STATUSES).select_related("slot").first()
