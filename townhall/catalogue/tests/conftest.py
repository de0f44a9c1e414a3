import pytest
from allauth.mfa.models import Authenticator

from townhall.accounts.models import Role
from townhall.accounts.tests.factories import StaffFactory, TeamFactory, UserFactory
from townhall.catalogue import services
from townhall.catalogue.tests.factories import DepartmentFactory

CHOICE = {
    "key": "bin",
    "type": "single_choice",
    "label": "Which bin was missed?",
    "required": True,
    "options": [{"value": "refuse", "label": "Refuse"}, {"value": "garden", "label": "Garden waste"}],
}
DETAILS = {"key": "details", "type": "long_text", "label": "What happened?", "required": True}


@pytest.fixture
def team(db):
    return TeamFactory(name="Waste", slug="waste")


@pytest.fixture
def department(db):
    return DepartmentFactory(name="Environment", slug="environment")


@pytest.fixture
def admin(db):
    user = StaffFactory(role=Role.COUNCIL_ADMIN, email="admin@wexmoor.example", full_name="Ada Admin")
    # Council administrators must have 2-step verification to reach the staff pages.
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "not-used-in-tests"})
    return user


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


@pytest.fixture
def draft_service(admin, team, department):
    """A new service, never published, with an empty draft form."""
    return services.create_service(
        by=admin,
        name="Report a missed bin",
        slug="missed-bin",
        department=department,
        summary="Tell us if we missed your bin.",
        team=team,
    )


@pytest.fixture
def live_service(admin, draft_service):
    """A published service whose version 1 asks which bin and what happened."""
    services.save_draft_questions(service=draft_service, questions=[CHOICE, DETAILS], by=admin)
    services.publish_service(service=draft_service, by=admin)
    return draft_service


@pytest.fixture
def make_user(db):
    """A user of each kind the permission tests try."""

    def make(kind: str):
        if kind == "anonymous":
            return None
        if kind in {"resident", "other_resident"}:
            return UserFactory(role=Role.RESIDENT)
        return StaffFactory(role=Role(kind))

    return make
