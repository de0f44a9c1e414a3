import pytest

from townhall.accounts.models import Role
from townhall.accounts.tests.factories import StaffFactory, TeamFactory, UserFactory
from townhall.catalogue.tests.factories import ServiceFactory


@pytest.fixture
def team():
    return TeamFactory(name="Street care", slug="street-care", email="streetcare@wexmoor.example")


@pytest.fixture
def service(team):
    return ServiceFactory(team=team, name="Report a blocked drain", deadline_working_days=10)


@pytest.fixture
def officer(team):
    user = StaffFactory(role=Role.OFFICER)
    team.members.add(user)
    return user


@pytest.fixture
def resident():
    return UserFactory(email="ada@example.com", full_name="Ada Resident")


ANSWERS = {"details": "The drain on the corner is blocked", "urgent": "no"}


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded files go to a fresh folder, removed with the test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
