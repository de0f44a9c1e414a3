import json

import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache

from townhall.accounts.models import Role
from townhall.accounts.tests.factories import StaffFactory, TeamFactory
from townhall.cases import services as case_services
from townhall.cases.services import Requester
from townhall.catalogue.models import Channel
from townhall.catalogue.tests.factories import ServiceFactory
from townhall.customers.tests.factories import CustomerFactory
from townhall.integrations import services as key_services
from townhall.integrations.models import Scope

ANSWERS = {"details": "The drain on the corner is blocked", "urgent": "no"}
API_CHANNELS = [Channel.WEB, Channel.PHONE, Channel.API]
# Every scope a staff key can have.
STAFF_SCOPES = [scope for scope in Scope.values if scope != Scope.OPEN311]


@pytest.fixture(autouse=True)
def _fresh_rate_counters():
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Factories set a password on every user; hashing it properly is slow and tests nothing here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def team():
    return TeamFactory(name="Street care", slug="street-care")


@pytest.fixture
def private_team():
    return TeamFactory(name="Safeguarding", slug="safeguarding")


@pytest.fixture
def service(team):
    return ServiceFactory(team=team, name="Report a blocked drain", slug="blocked-drain", channels=API_CHANNELS)


@pytest.fixture
def restricted_service(private_team):
    return ServiceFactory(
        team=private_team,
        name="Report a safeguarding concern",
        slug="safeguarding",
        restricted=True,
        channels=API_CHANNELS,
    )


def staff(role: str = Role.OFFICER, *teams, **kwargs):
    user = StaffFactory(role=role, **kwargs)
    for team in teams:
        team.members.add(user)
    return user


@pytest.fixture
def officer(team):
    return staff(Role.OFFICER, team, full_name="Olu Officer")


@pytest.fixture
def admin_user():
    user = staff(Role.COUNCIL_ADMIN, full_name="Ada Admin")
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "not-used-in-tests"})
    return user


@pytest.fixture
def issue_key(admin_user):
    """`issue_key(user, scopes)`: a new key's secret; no user for an Open311 key."""

    def issue(user=None, scopes=STAFF_SCOPES, **kwargs) -> str:
        return key_services.issue_api_key(
            client_name="Test client", scopes=list(scopes), user=user, by=admin_user, **kwargs
        ).secret

    return issue


@pytest.fixture
def officer_key(issue_key, officer):
    return issue_key(officer)


@pytest.fixture
def api(client):
    """`api(key, "get", path, body)`: a JSON request with the key as a bearer token."""

    def call(key: str | None, method: str, path: str, body: dict | None = None, **headers):
        if key is not None:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
        if body is not None:
            headers.update(data=json.dumps(body), content_type="application/json")
        return getattr(client, method.lower())(path, **headers)

    return call


@pytest.fixture
def customer():
    return CustomerFactory(name="Rosa Resident", email="rosa@example.com", phone="07700 900123", postcode="WX1 1AA")


@pytest.fixture
def make_case(service, customer):
    def make(on=None, **kwargs):
        return case_services.submit_case(
            service=on or service,
            answers=ANSWERS,
            channel=kwargs.pop("channel", Channel.WEB),
            customer=kwargs.pop("customer", customer),
            requester=Requester(name="Rosa Resident", email="rosa@example.com"),
            **kwargs,
        )

    return make
