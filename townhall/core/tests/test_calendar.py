import datetime as dt

import pytest

from townhall.core import calendar
from townhall.core.models import Holiday

pytestmark = pytest.mark.django_db


def test_counts_working_days_over_a_weekend():
    friday = dt.date(2026, 11, 20)

    assert calendar.add_working_days(friday, 1) == dt.date(2026, 11, 23)
    assert calendar.add_working_days(friday, 5) == dt.date(2026, 11, 27)


def test_skips_christmas_and_boxing_day_substitute_from_the_bundled_list():
    # 25 Dec 2026 is a Friday; Boxing Day falls on Saturday, so Monday 28th is the substitute.
    christmas_eve = dt.date(2026, 12, 24)

    assert calendar.add_working_days(christmas_eve, 1) == dt.date(2026, 12, 29)


def test_council_closure_days_count_as_non_working():
    calendar.forget_cached_holidays()
    Holiday.objects.create(date=dt.date(2026, 12, 30), title="Council closure", source="council")
    calendar.forget_cached_holidays()

    assert calendar.add_working_days(dt.date(2026, 12, 24), 2) == dt.date(2026, 12, 31)
    calendar.forget_cached_holidays()


def test_working_days_between_is_signed():
    monday, next_monday = dt.date(2026, 11, 16), dt.date(2026, 11, 23)

    assert calendar.working_days_between(monday, next_monday) == 5
    assert calendar.working_days_between(next_monday, monday) == -5


def test_refuses_negative_days():
    with pytest.raises(ValueError):
        calendar.add_working_days(dt.date(2026, 1, 5), -1)
