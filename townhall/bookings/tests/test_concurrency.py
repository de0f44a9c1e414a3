"""Many people booking the last places at the same moment, on PostgreSQL: each booker is a
thread with its own database connection, all released together by a barrier."""

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.db.models import Sum

from townhall.bookings import services
from townhall.bookings.models import Booking, BookingStatus, Slot
from townhall.bookings.tests.factories import SlotFactory, bulky_calendar, london, make_case

pytestmark = pytest.mark.django_db(transaction=True)

TUESDAY = dt.date(2025, 12, 2)
THURSDAY = dt.date(2025, 12, 4)
NOW = london(2025, 12, 1, 9, 0)
BOOKERS = 24


def race(count: int, attempt: Callable[[int], object]) -> Counter:
    """Run `attempt(n)` in `count` threads at once; what each got: "booked" or the refusal's code."""
    barrier = threading.Barrier(count, timeout=30)

    def one(n: int) -> str:
        try:
            barrier.wait()
            attempt(n)
            return "booked"
        except services.BookingError as refused:
            return refused.code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return Counter(pool.map(one, range(count)))


def used_is_true(slot: Slot) -> int:
    slot.refresh_from_db()
    live = Booking.objects.filter(slot=slot, status__in=[BookingStatus.HELD, BookingStatus.CONFIRMED])
    assert slot.used == (live.aggregate(units=Sum("units"))["units"] or 0)
    assert slot.used <= slot.places
    return slot.used


def test_parallel_bookers_for_the_last_places_get_exactly_those_places():
    calendar = bulky_calendar()
    slot = SlotFactory(calendar=calendar, zone="N1", day=TUESDAY, places=20, used=15)
    Booking.objects.create(calendar=calendar, slot=slot, units=15, status=BookingStatus.CONFIRMED)

    outcome = race(BOOKERS, lambda n: services.hold(calendar, "N1", TUESDAY, units=1, now=NOW))

    assert outcome == Counter({"booked": 5, "full": BOOKERS - 5})
    assert used_is_true(slot) == 20


def test_parallel_first_bookers_of_a_day_make_one_slot_and_never_overbook():
    calendar = bulky_calendar()
    calendar.weekly.filter(zone="N1", weekday=1).update(places=7)

    outcome = race(BOOKERS, lambda n: services.hold(calendar, "N1", TUESDAY, units=1 + n % 2, now=NOW))

    slot = Slot.objects.get(calendar=calendar, zone="N1", day=TUESDAY)
    assert outcome["booked"] >= 4  # seven places: at least 4 bookers of 1 or 2 fit
    assert set(outcome) <= {"booked", "full"}
    assert used_is_true(slot) == 7  # twelve bookers wanted 1 place: the last place never stays empty
    assert Booking.objects.count() == outcome["booked"]


def test_parallel_moves_into_the_last_place_move_one_booking():
    calendar = bulky_calendar()
    full = SlotFactory(calendar=calendar, zone="N1", day=THURSDAY, places=1)
    bookings = [services.confirm(services.hold(calendar, "N1", TUESDAY, units=1, now=NOW), now=NOW) for _ in range(8)]
    assert full.used == 0

    outcome = race(len(bookings), lambda n: services.move(bookings[n], THURSDAY, by=None, now=NOW))

    assert outcome == Counter({"booked": 1, "full": 7})
    assert used_is_true(full) == 1
    assert used_is_true(Slot.objects.get(calendar=calendar, day=TUESDAY)) == 7


def test_parallel_holds_for_one_case_make_one_booking():
    calendar = bulky_calendar()
    case = make_case()
    days = [TUESDAY, THURSDAY]

    outcome = race(10, lambda n: services.hold(calendar, "N1", days[n % 2], units=1, case=case, now=NOW))

    assert outcome == Counter({"booked": 10})
    booking = Booking.objects.get(case=case)
    assert booking.status == BookingStatus.HELD
    assert Slot.objects.aggregate(used=Sum("used"))["used"] == 1
    assert used_is_true(booking.slot) == 1
