"""The calendar's rules of time: the booking window, the cut-off at 2pm London time the
working day before, bank holidays, and what `available_dates` offers."""

import datetime as dt

import pytest

from townhall.bookings import rules, services
from townhall.bookings.models import Slot
from townhall.bookings.selectors import available_dates, available_slots, capacity
from townhall.bookings.tests.factories import (
    THURSDAY,
    TUESDAY,
    CalendarFactory,
    SlotFactory,
    WeeklyCapacityFactory,
    london,
)
from townhall.core.calendar import forget_cached_holidays
from townhall.core.models import Holiday

pytestmark = pytest.mark.django_db

MONDAY_1_DEC = dt.date(2025, 12, 1)
TUESDAY_2_DEC = dt.date(2025, 12, 2)
THURSDAY_4_DEC = dt.date(2025, 12, 4)


def _days(availability) -> list[dt.date]:
    return [a.day for a in availability]


# The cut-off


def test_the_cut_off_is_2pm_london_time_the_day_before_in_winter(bulky):
    cutoff = rules.cutoff_at(bulky, TUESDAY_2_DEC)

    assert cutoff == london(2025, 12, 1, 14, 0)
    assert cutoff.utcoffset() == dt.timedelta(0)  # GMT


def test_the_cut_off_is_2pm_london_time_the_day_before_in_summer(bulky):
    cutoff = rules.cutoff_at(bulky, dt.date(2025, 7, 1))

    assert cutoff == dt.datetime(2025, 6, 30, 13, 0, tzinfo=dt.UTC)  # 2pm British Summer Time


@pytest.mark.parametrize(
    ("now", "bookable"),
    [
        (london(2025, 12, 1, 13, 59), True),
        (london(2025, 12, 1, 14, 0), False),
        (london(2025, 12, 1, 16, 30), False),
    ],
)
def test_a_day_is_offered_until_2pm_the_day_before_in_winter(bulky, now, bookable):
    assert (TUESDAY_2_DEC in _days(available_dates(bulky, "N1", now=now))) is bookable


@pytest.mark.parametrize(
    ("utc_time", "bookable"),
    [(dt.time(12, 59), True), (dt.time(13, 0), False)],  # 1:59pm and 2pm in London
)
def test_a_day_is_offered_until_2pm_london_time_the_day_before_in_summer(bulky, utc_time, bookable):
    now = dt.datetime.combine(dt.date(2025, 6, 30), utc_time, tzinfo=dt.UTC)

    assert (dt.date(2025, 7, 1) in _days(available_dates(bulky, "N1", now=now))) is bookable


def test_the_cut_off_for_a_monday_is_the_friday_before_when_only_working_days_count():
    calendar = CalendarFactory(working_days_only=True)

    assert rules.cutoff_day(calendar, dt.date(2025, 12, 8)) == dt.date(2025, 12, 5)


def test_the_cut_off_for_a_monday_is_the_sunday_before_when_every_day_counts():
    calendar = CalendarFactory(working_days_only=False)

    assert rules.cutoff_day(calendar, dt.date(2025, 12, 8)) == dt.date(2025, 12, 7)


def test_the_cut_off_skips_the_easter_bank_holidays():
    calendar = CalendarFactory(working_days_only=True)

    # Tuesday after Easter Monday 2026: Good Friday and Easter Monday are not working days.
    assert rules.cutoff_at(calendar, dt.date(2026, 4, 7)) == london(2026, 4, 2, 14, 0)


def test_the_cut_off_counts_a_council_closure_day():
    Holiday.objects.create(date=dt.date(2025, 12, 1), title="Council closure")
    calendar = CalendarFactory(working_days_only=True)

    assert rules.cutoff_day(calendar, TUESDAY_2_DEC) == dt.date(2025, 11, 28)


def test_a_cut_off_of_0_days_closes_the_day_itself():
    calendar = CalendarFactory(cutoff_days=0, cutoff_time=dt.time(9, 0))

    assert rules.cutoff_at(calendar, TUESDAY_2_DEC) == london(2025, 12, 2, 9, 0)


def test_the_cut_off_is_described_for_staff(bulky):
    assert services.describe_cutoff_rule(bulky) == "2pm, 1 working day before"
    assert services.describe_cutoff(bulky, TUESDAY_2_DEC) == "2pm on Monday 1 December 2025"


# The window


def test_days_are_offered_up_to_the_window_and_not_beyond(bulky):
    WeeklyCapacityFactory(calendar=bulky, zone="N1", weekday=0)  # Mondays too
    now = london(2025, 12, 1, 9, 0)

    days = _days(available_dates(bulky, "N1", now=now))

    assert days[0] == TUESDAY_2_DEC  # Monday 1 December is today
    assert days[-1] == dt.date(2026, 1, 26)  # 56 days on
    assert dt.date(2026, 1, 27) not in days
    assert all(day.weekday() in (0, TUESDAY, THURSDAY) for day in days)


def test_a_calendar_may_take_bookings_for_today_until_its_cut_off():
    calendar = CalendarFactory(cutoff_days=0, cutoff_time=dt.time(23, 0))
    WeeklyCapacityFactory(calendar=calendar, weekday=0)

    days = _days(available_dates(calendar, "N1", now=london(2025, 12, 1, 8, 0)))

    assert days[0] == MONDAY_1_DEC  # same-day booking until 11pm when the calendar says so
    assert _days(available_dates(calendar, "N1", now=london(2025, 12, 1, 23, 0)))[0] == dt.date(2025, 12, 8)


def test_today_argument_judges_from_the_start_of_that_day(bulky):
    days = _days(available_dates(bulky, "N1", today=MONDAY_1_DEC))

    assert days[0] == TUESDAY_2_DEC


def test_an_area_with_no_usual_week_offers_nothing(bulky):
    assert available_dates(bulky, "Z9", now=london(2025, 12, 1)) == []


# Closed and full days


def test_bank_holidays_are_closed_when_only_working_days_count(bulky):
    days = _days(available_dates(bulky, "N1", now=london(2025, 12, 1)))

    assert dt.date(2025, 12, 25) not in days  # Christmas Day, a Thursday
    assert dt.date(2025, 12, 23) in days
    rows = capacity(bulky, start=dt.date(2025, 12, 25), end=dt.date(2025, 12, 25), zones=["N1"])
    assert [(row.closed, row.reason) for row in rows] == [(True, "Bank holiday or closure day")]


def test_bank_holidays_are_open_when_every_day_counts():
    calendar = CalendarFactory(working_days_only=False)
    WeeklyCapacityFactory(calendar=calendar, weekday=THURSDAY)

    assert dt.date(2025, 12, 25) in _days(available_dates(calendar, "N1", now=london(2025, 12, 1)))


def test_staff_can_open_a_bank_holiday_by_hand(bulky):
    services.set_day_capacity(bulky, "N1", dt.date(2025, 12, 25), places=10, closed=False, by=None)

    availability = available_dates(bulky, "N1", now=london(2025, 12, 1))

    assert [a.places_left for a in availability if a.day == dt.date(2025, 12, 25)] == [10]


def test_a_day_booked_before_it_became_a_closure_day_takes_no_more_bookings(bulky):
    services.hold(bulky, "N1", THURSDAY_4_DEC, units=1, now=london(2025, 12, 1))
    Holiday.objects.create(date=THURSDAY_4_DEC, title="Flood")
    forget_cached_holidays()  # as whatever adds a closure day does

    with pytest.raises(services.BookingError) as refused:
        services.hold(bulky, "N1", THURSDAY_4_DEC, units=1, now=london(2025, 12, 1))

    assert refused.value.code == "closed"
    assert THURSDAY_4_DEC not in _days(available_dates(bulky, "N1", now=london(2025, 12, 1)))


def test_closed_and_full_days_are_not_offered_and_places_left_are_counted(bulky):
    SlotFactory(calendar=bulky, zone="N1", day=TUESDAY_2_DEC, places=3, used=3)
    SlotFactory(calendar=bulky, zone="N1", day=THURSDAY_4_DEC, places=20, closed=True, overridden=True)
    SlotFactory(calendar=bulky, zone="N1", day=dt.date(2025, 12, 9), places=20, used=18)

    availability = {a.day: a.places_left for a in available_dates(bulky, "N1", now=london(2025, 12, 1))}

    assert TUESDAY_2_DEC not in availability
    assert THURSDAY_4_DEC not in availability
    assert availability[dt.date(2025, 12, 9)] == 2
    assert availability[dt.date(2025, 12, 11)] == 20


def test_a_day_without_room_for_all_the_units_is_not_offered(bulky):
    SlotFactory(calendar=bulky, zone="N1", day=TUESDAY_2_DEC, places=20, used=18)

    assert TUESDAY_2_DEC in _days(available_dates(bulky, "N1", units=2, now=london(2025, 12, 1)))
    assert TUESDAY_2_DEC not in _days(available_dates(bulky, "N1", units=3, now=london(2025, 12, 1)))


def test_areas_have_their_own_places(bulky):
    SlotFactory(calendar=bulky, zone="N1", day=TUESDAY_2_DEC, places=20, used=20)

    assert TUESDAY_2_DEC not in _days(available_dates(bulky, "N1", now=london(2025, 12, 1)))
    assert TUESDAY_2_DEC in _days(available_dates(bulky, "S1", now=london(2025, 12, 1)))


@pytest.mark.parametrize("rows", [3, 30])
def test_available_dates_takes_the_same_queries_however_many_days_are_booked(bulky, rows, django_assert_num_queries):
    day = TUESDAY_2_DEC
    for _ in range(rows):
        SlotFactory(calendar=bulky, zone="N1", day=day, places=20, used=1)
        day += dt.timedelta(days=7 if day.weekday() == THURSDAY else 2)
    now = london(2025, 12, 1)
    available_dates(bulky, "N1", now=now)  # the council's closure days, now cached

    with django_assert_num_queries(2):
        availability = available_dates(bulky, "N1", now=now)

    assert len(availability) == 14  # 8 weeks of Tuesdays and Thursdays, but not Christmas Day or New Year's Day


# Times of day (appointments)


def test_a_calendar_with_times_offers_the_times_with_room():
    calendar = CalendarFactory(working_days_only=True)
    for start in (dt.time(9, 0), dt.time(10, 0)):
        WeeklyCapacityFactory(
            calendar=calendar,
            zone="main-room",
            weekday=TUESDAY,
            start_time=start,
            end_time=(dt.datetime.combine(TUESDAY_2_DEC, start) + dt.timedelta(hours=1)).time(),
            places=1,
        )
    services.hold(calendar, "main-room", TUESDAY_2_DEC, units=1, start=dt.time(9, 0), now=london(2025, 12, 1))

    slots = available_slots(calendar, "main-room", TUESDAY_2_DEC, now=london(2025, 12, 1))
    days = available_dates(calendar, "main-room", now=london(2025, 12, 1))

    assert [(slot.start, slot.end, slot.places_left) for slot in slots] == [(dt.time(10, 0), dt.time(11, 0), 1)]
    assert days[0].day == TUESDAY_2_DEC
    assert days[0].places_left == 1
    assert Slot.objects.get(start_time=dt.time(9, 0)).used == 1
