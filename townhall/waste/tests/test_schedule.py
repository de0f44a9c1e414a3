"""Collection days from a round's pattern, bank holidays and the council's changes."""

import datetime as dt

import pytest

from townhall.waste import schedule
from townhall.waste.models import ScheduleChange
from townhall.waste.tests.factories import RoundFactory

pytestmark = pytest.mark.django_db
NO_HOLIDAYS: frozenset[dt.date] = frozenset()
EASTER_MONDAY_2026 = dt.date(2026, 4, 6)


def dates(collections):
    return [c.date for c in collections]


def test_a_weekly_round_collects_on_its_weekday():
    tuesday = RoundFactory(weekday=1)

    found = schedule.collections(tuesday, dt.date(2026, 6, 1), dt.date(2026, 6, 21), holidays=NO_HOLIDAYS)

    assert dates(found) == [dt.date(2026, 6, 2), dt.date(2026, 6, 9), dt.date(2026, 6, 16)]


def test_a_fortnightly_round_keeps_to_its_weeks_whatever_the_window():
    fortnightly = RoundFactory(weekday=3, frequency_weeks=2, anchor_date=dt.date(2026, 6, 4))

    found = schedule.collections(fortnightly, dt.date(2026, 6, 10), dt.date(2026, 7, 10), holidays=NO_HOLIDAYS)

    assert dates(found) == [dt.date(2026, 6, 18), dt.date(2026, 7, 2)]


def test_a_bank_holiday_moves_the_rest_of_its_week_a_day_later():
    monday = RoundFactory(weekday=0, anchor_date=dt.date(2026, 3, 30))
    friday = RoundFactory(weekday=4, anchor_date=dt.date(2026, 4, 3))
    week = (dt.date(2026, 4, 6), dt.date(2026, 4, 12))

    (on_monday,) = schedule.collections(monday, *week)
    (on_friday,) = schedule.collections(friday, *week)

    assert on_monday.date == dt.date(2026, 4, 7) and on_monday.scheduled == EASTER_MONDAY_2026
    assert on_friday.date == dt.date(2026, 4, 11)  # Saturday
    assert on_monday.moved and "Bank holiday" in on_monday.reason


def test_collections_before_the_holiday_in_its_week_do_not_move():
    thursday = RoundFactory(weekday=3, anchor_date=dt.date(2026, 4, 2))

    # Good Friday is 3 April 2026: Thursday's collection that week is before it.
    (before,) = schedule.collections(thursday, dt.date(2026, 3, 30), dt.date(2026, 4, 5))

    assert before.date == dt.date(2026, 4, 2) and not before.moved


def test_a_moved_collection_never_lands_on_another_holiday():
    thursday = RoundFactory(weekday=3, anchor_date=dt.date(2026, 12, 24))
    christmas = frozenset({dt.date(2026, 12, 25), dt.date(2026, 12, 28)})
    friday = RoundFactory(weekday=4, anchor_date=dt.date(2026, 12, 25))

    (moved,) = schedule.collections(friday, dt.date(2026, 12, 21), dt.date(2026, 12, 31), holidays=christmas)
    (unmoved,) = schedule.collections(thursday, dt.date(2026, 12, 21), dt.date(2026, 12, 27), holidays=christmas)

    assert moved.date == dt.date(2026, 12, 26)
    assert unmoved.date == dt.date(2026, 12, 24)


def test_the_councils_change_overrides_the_usual_day_and_the_holiday_rule():
    tuesday = RoundFactory(weekday=1)
    ScheduleChange.objects.create(
        round=tuesday, original_date=dt.date(2026, 6, 9), new_date=dt.date(2026, 6, 13), reason="Crew training"
    )
    ScheduleChange.objects.create(round=None, original_date=dt.date(2026, 6, 16), new_date=None, reason="Strike")

    found = schedule.collections(tuesday, dt.date(2026, 6, 1), dt.date(2026, 6, 21), holidays=NO_HOLIDAYS)

    assert [(c.date, c.reason, c.cancelled) for c in found] == [
        (dt.date(2026, 6, 2), "", False),
        (dt.date(2026, 6, 13), "Crew training", False),
        (dt.date(2026, 6, 16), "Strike", True),
    ]


def test_a_collection_moved_into_the_window_from_before_it_is_found():
    friday = RoundFactory(weekday=4, anchor_date=dt.date(2026, 6, 5))
    ScheduleChange.objects.create(
        round=friday, original_date=dt.date(2026, 6, 5), new_date=dt.date(2026, 6, 8), reason="Vehicle breakdown"
    )

    found = schedule.collections(friday, dt.date(2026, 6, 8), dt.date(2026, 6, 10), holidays=NO_HOLIDAYS)

    assert dates(found) == [dt.date(2026, 6, 8)]


def test_a_week_with_two_holidays_catches_up_on_saturday_never_sunday():
    friday = RoundFactory(weekday=4, anchor_date=dt.date(2027, 1, 1))
    holidays = frozenset({dt.date(2026, 12, 28), dt.date(2027, 1, 1)})

    (new_year,) = schedule.collections(friday, dt.date(2026, 12, 28), dt.date(2027, 1, 3), holidays=holidays)

    assert new_year.date == dt.date(2027, 1, 2)
