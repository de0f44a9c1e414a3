import pytest
from django.core.cache import cache
from django.urls import reverse

from townhall.accounts.models import Role
from townhall.accounts.tests.factories import StaffFactory, TeamFactory, UserFactory
from townhall.cases.services import Requester, submit_case
from townhall.catalogue.models import Channel
from townhall.catalogue.tests.factories import ServiceFactory
from townhall.gazetteer.tests.factories import StreetFactory, homes_on

ANSWERS = {"details": "The drain on the corner is blocked", "urgent": "no"}
DETAILS = {"full_name": "Ada Resident", "email": "ada@example.com", "phone": ""}


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    # Uploaded files go to a fresh folder; cached counts do not leak between tests.
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def team(db):
    return TeamFactory(name="Street care", slug="street-care", email="streetcare@wexmoor.example")


@pytest.fixture
def service(team):
    return ServiceFactory(team=team, slug="blocked-drain", name="Report a blocked drain", deadline_working_days=10)


@pytest.fixture
def resident(db):
    return UserFactory(email="ada@example.com", full_name="Ada Resident")


@pytest.fixture
def other_resident(db):
    return UserFactory(email="bob@example.com", full_name="Bob Other")


@pytest.fixture
def officer(team):
    user = StaffFactory(role=Role.OFFICER, email="officer@wexmoor.example")
    team.members.add(user)
    return user


@pytest.fixture
def street(db):
    return StreetFactory(name="Alder Road", town="Wexmoor")


@pytest.fixture
def homes(street):
    """Three houses on Alder Road, WX1 2AB."""
    return homes_on(street)


def make_case(service, *, email="ada@example.com", by=None, channel=Channel.WEB, answers=ANSWERS):
    return submit_case(
        service=service,
        answers=answers,
        channel=channel,
        by=by,
        requester=Requester(name="Ada Resident", email=email),
    )


def start(client, service):
    """Starts the service's form; returns the first page's address."""
    response = client.post(reverse("portal:start", args=[service.slug]))
    assert response.status_code == 302, response
    return response["Location"]


def question_url(service, key, **query):
    url = reverse("portal:question", args=[service.slug, key])
    return f"{url}?return=check" if query.get("returning") else url
