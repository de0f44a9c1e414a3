"""Fixtures for the public side of street reports: a street-care team and its categories,
a ward with a street, staff in each role, and reports on the public map."""

from decimal import Decimal

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.core.cache import cache

from townhall.accounts.models import Role
from townhall.accounts.tests.factories import StaffFactory, TeamFactory, UserFactory
from townhall.cases import services as case_services
from townhall.core import outbox
from townhall.gazetteer.tests.factories import PropertyFactory, StreetFactory, WardFactory
from townhall.streetcare.tests.factories import CategoryFactory, StreetReportFactory

# A point on Alder Road, in Ashby Green ward, and one in another ward far off.
ALDER_ROAD = (Decimal("51.410000"), Decimal("-0.200000"))
FAR_AWAY = (Decimal("51.450000"), Decimal("-0.150000"))
STAFF_ROLES = {"agent": Role.AGENT, "auditor": Role.AUDITOR, "manager": Role.TEAM_MANAGER, "admin": Role.COUNCIL_ADMIN}


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    # Photos go to a fresh folder; the map's cached answers do not leak between tests.
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def team(db):
    return TeamFactory(name="Street care", slug="street-care", email="streetcare@wexmoor.example")


@pytest.fixture
def potholes(team):
    return CategoryFactory(service__team=team, service__name="Potholes", service__slug="potholes").service


@pytest.fixture
def graffiti(team):
    return CategoryFactory(service__team=team, service__name="Graffiti", service__slug="graffiti").service


@pytest.fixture
def abandoned_vehicles(team):
    """A private category: its reports never reach the public map."""
    return CategoryFactory(
        service__team=team, service__name="Abandoned vehicles", service__slug="abandoned-vehicles", private=True
    ).service


@pytest.fixture
def ashby_green(db):
    return WardFactory(code="WXM01", name="Ashby Green")


@pytest.fixture
def brindle_heath(db):
    return WardFactory(code="WXM02", name="Brindle Heath")


@pytest.fixture
def alder_road(ashby_green):
    street = StreetFactory(name="Alder Road", town="Wexmoor")
    latitude, longitude = ALDER_ROAD
    PropertyFactory(street=street, ward=ashby_green, postcode="WX1 2AB", latitude=latitude, longitude=longitude)
    PropertyFactory(
        street=street, ward=ashby_green, postcode="WX1 2AB", latitude=latitude + Decimal("0.0002"), longitude=longitude
    )
    return street


@pytest.fixture
def make_report(potholes, ashby_green):
    """A public pothole report on Alder Road unless told otherwise."""

    def make(category=None, *, at=ALDER_ROAD, ward=ashby_green, **kwargs):
        latitude, longitude = at
        return StreetReportFactory(
            category=(category or potholes).street_category, latitude=latitude, longitude=longitude, ward=ward, **kwargs
        )

    return make


@pytest.fixture
def officer(team):
    user = StaffFactory(role=Role.OFFICER, email="officer@wexmoor.example", full_name="Olu Officer")
    team.members.add(user)
    return user


@pytest.fixture
def person(officer, team):
    """One of everyone the permission tests try, from nobody to staff with the role, by name."""

    def make(who: str):
        if who == "anonymous":
            return None
        if who == "officer":
            return officer
        if who == "resident":
            return UserFactory(email="rosa@example.com", full_name="Rosa Resident")
        user = StaffFactory(role=STAFF_ROLES[who])
        if who == "manager":
            team.members.add(user)
        if who == "admin":
            # Council admins must have an authenticator app to reach staff pages.
            Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "not-used"})
        return user

    return make


def fix(case, by):
    """The team marks the problem fixed: the workflow's first closed state."""
    return case_services.change_status(case=case, status="resolved", by=by)


def deliver_all() -> None:
    """Send every queued email, in order: some were queued before the test watched."""
    while outbox.relay():
        pass


def sent_to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]
