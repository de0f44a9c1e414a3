"""Working days in England and Wales, for every deadline Townhall keeps.

Bank holidays ship with the code (GOV.UK's list as bundled by `govuk-bank-holidays`),
so deadlines work offline; `manage.py refresh_bank_holidays` adds one-off holidays
announced since, and councils add their own closure days, both as `Holiday` rows.
"""

import datetime as dt
from functools import cache

from django.core.cache import cache as django_cache
from govuk_bank_holidays.bank_holidays import BankHolidays

_CACHE_KEY = "core:calendar:extra-holidays"


@cache
def _bundled_holidays() -> frozenset[dt.date]:
    bank_holidays = BankHolidays(use_cached_holidays=True)
    return frozenset(h["date"] for h in bank_holidays.get_holidays(division=BankHolidays.ENGLAND_AND_WALES))


def _extra_holidays() -> frozenset[dt.date]:
    extra = django_cache.get(_CACHE_KEY)
    if extra is None:
        from townhall.core.models import Holiday

        extra = frozenset(Holiday.objects.values_list("date", flat=True))
        django_cache.set(_CACHE_KEY, extra, 600)
    return extra


def forget_cached_holidays() -> None:
    """Called by whatever changes `Holiday` rows."""
    django_cache.delete(_CACHE_KEY)


def non_working_days() -> frozenset[dt.date]:
    return _bundled_holidays() | _extra_holidays()


def is_working_day(day: dt.date, holidays: frozenset[dt.date] | None = None) -> bool:
    holidays = non_working_days() if holidays is None else holidays
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The `days`-th working day after `start` (day 1 is the first working day after it)."""
    if days < 0:
        raise ValueError("days must not be negative")
    holidays = non_working_days()
    day = start
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day, holidays):
            counted += 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end`; negative when `end` is earlier."""
    if end < start:
        return -working_days_between(end, start)
    holidays = non_working_days()
    return sum(1 for n in range(1, (end - start).days + 1) if is_working_day(start + dt.timedelta(days=n), holidays))
