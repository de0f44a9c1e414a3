"""A calendar's rules of time, without the database: how far ahead people may book, the
cut-off before each day, and which days are not working days.

Times are London's (`Europe/London`, the project's TIME_ZONE): a cut-off of 14:00 is
14:00 on the clocks in the council's offices, in British Summer Time or not.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from townhall.bookings.models import Calendar
from townhall.core.calendar import is_working_day, non_working_days


def london() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_day(now: dt.datetime) -> dt.date:
    return timezone.localdate(now, timezone=london())


def window(calendar: Calendar, now: dt.datetime) -> tuple[dt.date, dt.date]:
    """The first and last day anyone could book at `now` (the cut-off then decides the first days)."""
    today = local_day(now)
    return today, today + dt.timedelta(days=calendar.window_days)


def cutoff_day(calendar: Calendar, day: dt.date, holidays: frozenset[dt.date] | None = None) -> dt.date:
    """The day on which `day` closes: `cutoff_days` before it, counting working days only when
    the calendar does (a Tuesday after Easter Monday closes on the Thursday before)."""
    if calendar.cutoff_days == 0:
        return day
    if not calendar.working_days_only:
        return day - dt.timedelta(days=calendar.cutoff_days)
    holidays = non_working_days() if holidays is None else holidays
    counted, cut = 0, day
    while counted < calendar.cutoff_days:
        cut -= dt.timedelta(days=1)
        if is_working_day(cut, holidays):
            counted += 1
    return cut


def cutoff_at(calendar: Calendar, day: dt.date, holidays: frozenset[dt.date] | None = None) -> dt.datetime:
    """When `day` stops taking bookings, changes and cancellations, as an aware datetime."""
    return dt.datetime.combine(cutoff_day(calendar, day, holidays), calendar.cutoff_time, tzinfo=london())


def is_past_cutoff(
    calendar: Calendar, day: dt.date, now: dt.datetime, holidays: frozenset[dt.date] | None = None
) -> bool:
    return now >= cutoff_at(calendar, day, holidays)


def closed_reason(calendar: Calendar, day: dt.date, holidays: frozenset[dt.date]) -> str:
    """Why the calendar's rules close `day` ("" when they do not)."""
    if not calendar.working_days_only:
        return ""
    if day.weekday() >= 5:
        return _("Weekend")
    if day in holidays:
        return _("Bank holiday or closure day")
    return ""
