"""What the garden waste tests share (no tests here): the service made from the module's
spec, a house on a garden round, paying a case, a clock, and a URL conf with the garden
pages in it until townhall/urls.py includes them."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock
from zoneinfo import ZoneInfo

from django.urls import include, path
from django.utils import timezone

from townhall import urls as project_urls
from townhall.accounts.models import Team
from townhall.accounts.tests.factories import TeamFactory
from townhall.cases.models import Case
from townhall.catalogue.models import Department, FormDefinition, Service, ServiceStatus
from townhall.gazetteer.models import Property
from townhall.gazetteer.tests.factories import PropertyFactory, StreetFactory
from townhall.payments import services as payments
from townhall.payments.models import Method, Payment
from townhall.waste import garden_urls
from townhall.waste.garden import services as garden_services
from townhall.waste.models import PropertyRound, Stream
from townhall.waste.tests.factories import RoundFactory

LONDON = ZoneInfo("Europe/London")
# A Wednesday far from bank holidays; the garden round collects every other Friday.
TODAY = dt.date(2026, 6, 10)

payments.case_paid.connect(garden_services.on_case_paid, dispatch_uid="waste.garden.case_paid")


def _has_namespace(patterns, namespace: str) -> bool:
    return any(getattr(pattern, "namespace", None) == namespace for pattern in patterns)


# townhall/urls.py, plus the garden pages where it does not mount them yet.
urlpatterns = list(project_urls.urlpatterns)
if not _has_namespace(urlpatterns, "garden"):
    urlpatterns.insert(0, path("bins/", include((garden_urls.urlpatterns, "garden"))))
if not _has_namespace(urlpatterns, "garden_staff"):
    urlpatterns.insert(0, path("staff/garden/", include((garden_urls.staff_urlpatterns, "garden_staff"))))
URLCONF = __name__


@contextmanager
def clock(day: dt.date, hour: int = 12) -> Iterator[None]:
    """`timezone.now()` (and so `localdate()`) is noon, London time, on `day`."""
    when = dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON)
    with mock.patch("django.utils.timezone.now", return_value=when.astimezone(dt.UTC)):
        yield


def waste_team() -> Team:
    return Team.objects.filter(slug="waste").first() or TeamFactory(
        name="Waste services", slug="waste", email="waste@wexmoor.example"
    )


def make_service() -> Service:
    """The garden waste service from `garden_services.SERVICE_SPEC`, as the demo catalogue makes it."""
    spec = garden_services.SERVICE_SPEC
    department, _created = Department.objects.get_or_create(slug=spec["department"], defaults={"name": "Environment"})
    service = Service.objects.create(
        slug=spec["slug"],
        name=spec["name"],
        department=department,
        summary=spec["summary"],
        description=spec["description"],
        eligibility=spec["eligibility"],
        keywords=spec["keywords"],
        status=ServiceStatus.PUBLISHED,
        deadline_working_days=spec["deadline"],
        team=waste_team(),
        **spec["fee"],
    )
    form = FormDefinition.objects.create(
        service=service, version=1, questions=spec["questions"], published_at=timezone.now()
    )
    service.current_form = form
    service.save(update_fields=["current_form"])
    return service


def garden_home(*, number: str = "12", classification: str = "RD04", garden_round: bool = True) -> Property:
    """A house on Alder Road: rubbish every Tuesday and, when `garden_round`, garden waste
    every other Friday (shown only while subscribed)."""
    place = PropertyFactory(
        street=StreetFactory(name="Alder Road"),
        building_number=number,
        postcode="WX1 2AB",
        classification=classification,
    )
    PropertyRound.objects.create(property=place, round=RoundFactory(stream=Stream.REFUSE, weekday=1))
    if garden_round:
        PropertyRound.objects.create(
            property=place, round=RoundFactory(stream=Stream.GARDEN, weekday=4, frequency_weeks=2)
        )
    return place


def pay(case: Case, *, by=None) -> Payment:
    """Pay what is due at the counter: the case is paid in full, as a card payment would."""
    return payments.record_counter_payment(case=case, method=Method.CASH, receipt_number="T1", by=by)
