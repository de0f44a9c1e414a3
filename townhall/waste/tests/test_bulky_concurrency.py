"""Two residents booking the last places of a day at the same moment, on PostgreSQL: each
is a thread with its own database connection. The bookings engine tests many more bookers;
this checks the bulky waste booking (case, hold and its record in one transaction) on top."""

import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from townhall.bookings.models import Booking, BookingStatus, Slot
from townhall.bookings.tests.factories import bulky_calendar
from townhall.cases.models import Case
from townhall.cases.services import Requester
from townhall.catalogue.models import Channel
from townhall.gazetteer.tests.factories import PropertyFactory
from townhall.waste import bulky
from townhall.waste.bulky_pricing import BulkyError
from townhall.waste.models import BulkyBooking, PropertyRound, Stream
from townhall.waste.tests.factories import RoundFactory
from townhall.waste.tests.test_bulky_services import a_day, make_catalogue, make_service

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_residents_booking_the_last_places_at_once_get_them_once():
    calendar = bulky_calendar()
    make_service()
    make_catalogue()
    round_ = RoundFactory(stream=Stream.REFUSE, area="N1")
    homes = [PropertyFactory(building_number=str(n)) for n in (3, 5)]
    for home in homes:
        PropertyRound.objects.create(property=home, round=round_)
    day = a_day(calendar)
    calendar.weekly.filter(zone="N1", weekday=day.weekday()).update(places=3)
    barrier = threading.Barrier(2, timeout=30)

    def resident(n: int) -> str:
        try:
            barrier.wait()
            bulky.book(
                place=homes[n],
                selection={"sofa": 2, "chair": 1},
                day=day,
                location="By the front door",
                requester=Requester(name=f"Resident {n}", email=f"resident{n}@example.com"),
                channel=Channel.WEB,
                by=None,
                submission_key=uuid.uuid4(),
            )
            return "booked"
        except BulkyError as refused:
            return refused.code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcome = Counter(pool.map(resident, range(2)))

    assert outcome == Counter({"booked": 1, "full": 1})
    slot = Slot.objects.get(calendar=calendar, zone="N1", day=day)
    assert slot.used == slot.places == 3
    assert Booking.objects.filter(status=BookingStatus.HELD).count() == 1
    # The refused resident's request was rolled back with their booking: nothing half made.
    assert Case.objects.count() == BulkyBooking.objects.count() == 1
