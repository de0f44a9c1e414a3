import datetime as dt
from zoneinfo import ZoneInfo

import factory

from townhall.bookings.models import Calendar, Slot, WeeklyCapacity
from townhall.cases.services import Requester, submit_case
from townhall.catalogue.models import Channel
from townhall.catalogue.tests.factories import ServiceFactory

TUESDAY, THURSDAY = 1, 3
LONDON = ZoneInfo("Europe/London")


def london(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    """A moment on London's clocks (GMT in winter, BST in summer)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


class CalendarFactory(factory.django.DjangoModelFactory):
    """Bulky waste's rules: 56 days ahead, 2pm the working day before, held for 30 minutes."""

    class Meta:
        model = Calendar
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Collections {n}")
    slug = factory.Sequence(lambda n: f"collections-{n}")
    window_days = 56
    cutoff_days = 1
    cutoff_time = dt.time(14, 0)
    hold_minutes = 30
    working_days_only = True


class WeeklyCapacityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WeeklyCapacity

    calendar = factory.SubFactory(CalendarFactory)
    zone = "N1"
    weekday = TUESDAY
    places = 20


class SlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Slot

    calendar = factory.SubFactory(CalendarFactory)
    zone = "N1"
    day = dt.date(2025, 12, 2)
    places = 20


def bulky_calendar(**kwargs) -> Calendar:
    """Bulky waste collections: areas N1 and S1, 20 places each on Tuesdays and Thursdays."""
    calendar = CalendarFactory(name="Bulky waste collections", slug="bulky-waste", **kwargs)
    for zone in ("N1", "S1"):
        for weekday in (TUESDAY, THURSDAY):
            WeeklyCapacityFactory(calendar=calendar, zone=zone, weekday=weekday, places=20)
    return calendar


def make_case(name: str = "Ada Resident", *, address=None, service=None):
    """A request, as every booking's owner is."""
    service = service or ServiceFactory(name="Book a bulky waste collection")
    return submit_case(
        address=address,
        service=service,
        answers={"details": "A sofa and two chairs", "urgent": "no"},
        channel=Channel.WEB,
        requester=Requester(name=name, email="ada@example.com"),
    )
