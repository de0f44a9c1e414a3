"""Fixtures of the integrations tests: the people of the console's permission tests, a fake
Open311 back office, an endpoint and a service routed to it, and a resident's report."""

import pytest

from townhall.accounts.tests.factories import TeamFactory
from townhall.cases import services as case_services
from townhall.cases.services import Requester
from townhall.catalogue.models import Channel
from townhall.catalogue.tests.factories import ServiceFactory
from townhall.console.tests.conftest import (  # noqa: F401 - the console's people, for the page tests
    admin,
    agent,
    auditor,
    fast_passwords,
    login,
    manager,
    officer,
    people,
    team,
)
from townhall.integrations.models import BackOfficeEndpoint, ServiceRoute
from townhall.integrations.tests.fake_georeport import API_KEY, FakeGeoReport

ANSWERS = {"details": "A deep pothole outside number 4", "urgent": "no"}


@pytest.fixture
def fake_backoffice():
    fake = FakeGeoReport().start()
    yield fake
    fake.stop()


@pytest.fixture
def endpoint(fake_backoffice):
    return BackOfficeEndpoint.objects.create(
        name="Highways asset system", base_url=fake_backoffice.url, api_key=API_KEY
    )


@pytest.fixture
def potholes():
    return ServiceFactory(name="Report a pothole", slug="pothole", team=TeamFactory(name="Highways", slug="highways"))


@pytest.fixture
def route(potholes, endpoint):
    return ServiceRoute.objects.create(service=potholes, endpoint=endpoint, service_code="POT")


@pytest.fixture
def report(potholes):
    """`report()` submits a pothole report, as a resident would; pass `on` for another service."""

    def submit(on=None, **changes):
        return case_services.submit_case(
            service=on or potholes,
            answers=changes.pop("answers", ANSWERS),
            channel=Channel.WEB,
            requester=Requester(name="Rosa Mae Resident", email="rosa@example.com", phone="07700 900123"),
            latitude=changes.pop("latitude", None),
            longitude=changes.pop("longitude", None),
        )

    return submit
