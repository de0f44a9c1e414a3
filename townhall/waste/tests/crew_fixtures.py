"""What the crews' page and API tests share (no tests here): signing in one of the people
(`missed_helpers.PEOPLE`), a home on a Tuesday round, and the clock at 8am that Tuesday.

A pytest plugin (`pytest_plugins`), so its fixtures are lent to every test: their names must
not clash with other plugins' (hence `round_home`). Nothing here is autouse: a module asks for the clock
and the fast passwords with `pytest.mark.usefixtures`."""

import pytest

from townhall.accounts.models import Role
from townhall.accounts.tests.factories import UserFactory
from townhall.waste.tests.missed_helpers import PEOPLE, TUESDAY, clock, crew_staff, home_on_round, london


@pytest.fixture
def tuesday_morning():
    with clock(london(TUESDAY, 8)):
        yield


@pytest.fixture
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def round_home():
    return home_on_round()


@pytest.fixture
def login(client):
    def sign_in(who: str):
        client.logout()
        if PEOPLE[who] is not None:
            role, team = PEOPLE[who]
            client.force_login(UserFactory(role=role) if role == Role.RESIDENT else crew_staff(role, team_slug=team))
        return client

    return sign_in
