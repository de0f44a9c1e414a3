import uuid

import pytest
from allauth.mfa.models import Authenticator

from townhall.accounts.models import Role
from townhall.accounts.tests.factories import StaffFactory, TeamFactory, UserFactory
from townhall.cases import services as case_services
from townhall.cases.services import Requester
from townhall.catalogue.models import Channel
from townhall.catalogue.tests.factories import ServiceFactory
from townhall.customers.tests.factories import CustomerFactory

ANSWERS = {"details": "The drain on the corner is blocked", "urgent": "no"}
# Who the permission tests try, from nobody to staff with the role.
ANONYMOUS, RESIDENT, OTHER_RESIDENT = "anonymous", "resident", "other_resident"


@pytest.fixture
def team():
    return TeamFactory(name="Street care", slug="street-care", email="streetcare@wexmoor.example")


@pytest.fixture
def private_team():
    return TeamFactory(name="Safeguarding", slug="safeguarding")


@pytest.fixture
def service(team):
    return ServiceFactory(team=team, name="Report a blocked drain", slug="blocked-drain")


@pytest.fixture
def restricted_service(private_team):
    return ServiceFactory(team=private_team, name="Report a safeguarding concern", slug="safeguarding", restricted=True)


def _staff(role: Role, *teams, **kwargs):
    user = StaffFactory(role=role, **kwargs)
    for team in teams:
        team.members.add(user)
    return user


@pytest.fixture
def officer(team):
    return _staff(Role.OFFICER, team, full_name="Olu Officer")


@pytest.fixture
def agent():
    return _staff(Role.AGENT, TeamFactory(name="Contact centre", slug="contact-centre"), full_name="Amir Agent")


@pytest.fixture
def manager(team):
    return _staff(Role.TEAM_MANAGER, team, full_name="Maggie Manager")


@pytest.fixture
def admin():
    user = _staff(Role.COUNCIL_ADMIN, full_name="Ada Admin")
    # Council admins must have an authenticator app to reach /staff/.
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "not-used-in-tests"})
    return user


@pytest.fixture
def auditor():
    return _staff(Role.AUDITOR, full_name="Aude Auditor")


@pytest.fixture
def people(officer, agent, manager, admin, auditor):
    """Everyone the permission tests try, by name."""
    return {
        ANONYMOUS: None,
        RESIDENT: UserFactory(),
        OTHER_RESIDENT: UserFactory(),
        "agent": agent,
        "officer": officer,
        "manager": manager,
        "admin": admin,
        "auditor": auditor,
    }


@pytest.fixture
def login(client, people):
    """`login("officer")` signs the test client in as that person (or out, for anonymous)."""

    def sign_in(name: str):
        client.logout()
        if people[name] is not None:
            client.force_login(people[name])
        return client

    return sign_in


@pytest.fixture
def customer():
    return CustomerFactory(name="Rosa Resident", email="rosa@example.com", phone="07700 900123", postcode="WX1 1AA")


@pytest.fixture
def make_case(service, customer):
    def make(on=None, *, channel=Channel.WEB, **changes):
        case = case_services.submit_case(
            service=on or service,
            answers=ANSWERS,
            channel=channel,
            customer=changes.pop("customer", customer),
            requester=Requester(name="Rosa Resident", email="rosa@example.com"),
        )
        if changes:
            for name, value in changes.items():
                setattr(case, name, value)
            case.save()
        return case

    return make


def once() -> str:
    """A fresh one-time form key, as every console form that changes something carries."""
    return str(uuid.uuid4())


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Factories set a password on every user; hashing it properly is slow and tests nothing here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
