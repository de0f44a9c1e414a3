"""Collection days: from a round's pattern, moved by bank holidays and the council's changes.

A bank holiday slips the rest of its week: a round that collects on or after the holiday
collects one day later for each holiday so far that week (Easter Monday's rubbish goes
on Tuesday, Friday's on Saturday), landing on the next day that is not a holiday
itself, and on the Saturday at the latest. A `ScheduleChange` (Christmas, a strike, snow) overrides that, moving or
cancelling one collection of one round, or of every round on that day.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from townhall.core import calendar
from townhall.waste.models import Round, ScheduleChange

BANK_HOLIDAY_REASON = "Bank holiday: collections are a day later that week"


@dataclass(frozen=True)
class Collection:
    date: dt.date  # when the crew comes
    scheduled: dt.date  # the round's usual day
    reason: str = ""  # why it is not on the usual day
    cancelled: bool = False

    @property
    def moved(self) -> bool:
        return self.cancelled or self.date != self.scheduled


Changes = dict[tuple[int | None, dt.date], ScheduleChange]


def regular_dates(round_: Round, start: dt.date, end: dt.date) -> list[dt.date]:
    """The round's usual days from `start` to `end`, both included."""
    period = 7 * round_.frequency_weeks
    offset = (start - round_.anchor_date).days % period
    day = start if offset == 0 else start + dt.timedelta(days=period - offset)
    days = []
    while day <= end:
        days.append(day)
        day += dt.timedelta(days=period)
    return days


def changes_between(start: dt.date, end: dt.date, rounds: list[Round]) -> Changes:
    """The council's changes that could touch these rounds' collections in the window."""
    rows = ScheduleChange.objects.filter(
        Q(round__in=rounds) | Q(round__isnull=True),
        original_date__range=(start - dt.timedelta(days=14), end + dt.timedelta(days=14)),
    )
    return {(row.round_id, row.original_date): row for row in rows}


def _after_bank_holidays(day: dt.date, holidays: frozenset[dt.date]) -> dt.date:
    monday = day - dt.timedelta(days=day.weekday())
    slip = sum(1 for n in range(day.weekday() + 1) if monday + dt.timedelta(days=n) in holidays)
    moved = day + dt.timedelta(days=slip)
    while slip and moved in holidays:
        moved += dt.timedelta(days=1)
    # Crews work Saturdays to catch up, never Sundays: a week with two holidays ends there.
    saturday = monday + dt.timedelta(days=5)
    return min(moved, max(saturday, day))


def collections(
    round_: Round,
    start: dt.date,
    end: dt.date,
    *,
    changes: Changes | None = None,
    holidays: frozenset[dt.date] | None = None,
) -> list[Collection]:
    """The round's collections that fall from `start` to `end`, as they will happen."""
    holidays = calendar.non_working_days() if holidays is None else holidays
    changes = changes_between(start, end, [round_]) if changes is None else changes
    found = []
    # A collection moved by up to a week can cross into (or out of) the window.
    for usual in regular_dates(round_, start - dt.timedelta(days=7), end):
        change = changes.get((round_.pk, usual)) or changes.get((None, usual))
        if change is not None and change.new_date is None:
            collection = Collection(date=usual, scheduled=usual, reason=change.reason, cancelled=True)
        elif change is not None:
            collection = Collection(date=change.new_date, scheduled=usual, reason=change.reason)
        else:
            when = _after_bank_holidays(usual, holidays)
            collection = Collection(date=when, scheduled=usual, reason=BANK_HOLIDAY_REASON if when != usual else "")
        if start <= collection.date <= end:
            found.append(collection)
    return sorted(found, key=lambda collection: collection.date)
