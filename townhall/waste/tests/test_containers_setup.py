"""What the containers, assisted-collection and back-office tests share (no tests here):
the two catalogue services made from their specs, a home on its rounds, people, and a
URLconf with the module's pages for as long as townhall/urls.py does not include them."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.urls import include, path

from townhall import urls as root_urls
from townhall.accounts.models import Role
from townhall.accounts.tests.factories import StaffFactory, TeamFactory, UserFactory
from townhall.catalogue.tests.factories import DepartmentFactory, ServiceFactory
from townhall.customers.tests.factories import CustomerFactory
from townhall.gazetteer.tests.factories import PropertyFactory, StreetFactory
from townhall.waste import containers_urls
from townhall.waste.containers import ASSISTED_SERVICE_SPEC, CONTAINERS_SERVICE_SPEC
from townhall.waste.models import PropertyRound, Stream
from townhall.waste.tests.factories import RoundFactory

PASSWORD = "correct-horse-battery"


def _with_module_urls() -> list:
    namespaces = {getattr(pattern, "namespace", None) for pattern in root_urls.urlpatterns}
    extra = []
    if "containers" not in namespaces:
        extra.append(path("bins/", include((containers_urls.urlpatterns, "containers"))))
    if "containers_staff" not in namespaces:
        extra.append(path("staff/waste/", include((containers_urls.staff_urlpatterns, "containers_staff"))))
    return [*extra, *root_urls.urlpatterns]


# Used as a URLconf: pytest.mark.urls("townhall.waste.tests.test_containers_setup").
urlpatterns = _with_module_urls()
URLS = pytest.mark.urls(__name__)


def make_service(spec: dict, team=None):
    """A published service made from a module's catalogue spec, as the demo makes it."""
    team = team or TeamFactory(slug=spec["team"], name="Waste services")
    department = DepartmentFactory(slug=spec["department"], name="Environment and streets")
    return ServiceFactory(
        slug=spec["slug"],
        name=spec["name"],
        department=department,
        team=team,
        summary=spec["summary"],
        deadline_working_days=spec["deadline"],
        questions=spec["questions"],
        **spec.get("fee", {}),
    )


def make_home(**kwargs):
    """12 Alder Road, WX1 2AB: rubbish and food on Tuesdays, recycling every other Thursday."""
    place = PropertyFactory(
        street=kwargs.pop("street", None) or StreetFactory(name="Alder Road"),
        building_number=kwargs.pop("building_number", "12"),
        postcode="WX1 2AB",
        **kwargs,
    )
    for stream, weekday, weeks in [(Stream.REFUSE, 1, 1), (Stream.RECYCLING, 3, 2), (Stream.FOOD, 1, 1)]:
        PropertyRound.objects.create(
            property=place, round=RoundFactory(stream=stream, weekday=weekday, frequency_weeks=weeks)
        )
    return place


@pytest.fixture
def waste_team():
    return TeamFactory(slug="waste", name="Waste services")


@pytest.fixture
def containers_service(waste_team):
    return make_service(CONTAINERS_SERVICE_SPEC, team=waste_team)


@pytest.fixture
def assisted_service(waste_team):
    return make_service(ASSISTED_SERVICE_SPEC, team=waste_team)


@pytest.fixture
def home():
    return make_home()


@pytest.fixture
def people(waste_team, home):
    """Everyone a permission test needs: Rosa lives at the home and has an account."""
    officer = StaffFactory(role=Role.OFFICER, full_name="Olu Officer", email="officer@wexmoor.example")
    manager = StaffFactory(role=Role.TEAM_MANAGER, full_name="Mo Manager")
    waste_team.members.add(officer, manager)
    rosa = UserFactory(email="rosa@example.com", full_name="Rosa Resident")
    CustomerFactory(name="Rosa Resident", email=rosa.email, user=rosa, address=home, postcode=home.postcode)
    for user in (officer, rosa):
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    admin = StaffFactory(role=Role.COUNCIL_ADMIN, full_name="Ada Admin")
    # Council administrators must have an authenticator app to reach /staff/.
    Authenticator.objects.create(user=admin, type=Authenticator.Type.TOTP, data={"secret": "not-used-in-tests"})
    return {
        "anonymous": None,
        "resident": rosa,
        "other resident": UserFactory(email="sam@example.com", full_name="Sam Other"),
        "agent": StaffFactory(role=Role.AGENT),
        "auditor": StaffFactory(role=Role.AUDITOR),
        "officer of another team": StaffFactory(role=Role.OFFICER),
        "officer": officer,
        "manager": manager,
        "admin": admin,
    }
