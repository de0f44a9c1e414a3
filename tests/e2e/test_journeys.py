"""The core journeys of issue 2, as a resident and as staff would take them, in Chromium.

A resident asks for a service online and finds it in My Account; an agent takes a phone
call and raises a request with the same form; an officer resolves it; the resident sees
the update. Every page on the way is scanned with axe.
"""

import datetime as dt
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, screenshot
from townhall.accounts.models import Role
from townhall.accounts.tests.factories import StaffFactory, TeamFactory, UserFactory
from townhall.cases.models import Case
from townhall.cases.services import Requester, submit_case
from townhall.catalogue.models import Channel
from townhall.catalogue.tests.factories import ServiceFactory
from townhall.customers.tests.factories import CustomerFactory
from townhall.gazetteer.tests.factories import PropertyFactory, StreetFactory, WardFactory

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct-horse-battery"


@pytest.fixture
def borough():
    team = TeamFactory(name="Street care", slug="street-care")
    service = ServiceFactory(name="Report a blocked drain", slug="blocked-drain", team=team)
    officer = StaffFactory(email="officer@wexmoor.example", full_name="Olu Officer", role=Role.OFFICER)
    team.members.add(officer)
    agent = StaffFactory(email="agent@wexmoor.example", full_name="Amir Agent", role=Role.AGENT)
    resident = UserFactory(email="rosa@example.com", full_name="Rosa Resident")
    for user in (officer, agent, resident):
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    customer = CustomerFactory(
        name="Rosa Resident",
        email=resident.email,
        phone="07700 900123",
        postcode="WX1 2AB",
        date_of_birth=dt.date(1980, 4, 1),
        user=resident,
    )
    return {"service": service, "officer": officer, "agent": agent, "resident": resident, "customer": customer}


def sign_in(page: Page, email: str) -> None:
    page.goto("/account/auth/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page: Page) -> None:
    page.context.clear_cookies()


def test_resident_requests_online_and_sees_it_in_my_account(page: Page, borough):
    sign_in(page, "rosa@example.com")

    page.goto("/")
    assert_accessible(page)
    page.goto("/services/blocked-drain/")
    assert_accessible(page)
    page.get_by_role("button", name="Start now").click()

    page.get_by_label("What is the problem?").fill("Water is pooling at the corner of Mill Lane")
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue").click()  # no answer: the error summary
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Tell us about the danger").fill("Cars swerve round it")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Check your answers")
    assert_accessible(page)
    screenshot(page, "resident-check-answers")
    page.get_by_role("button", name="Accept and send").click()

    expect(page.locator(".govuk-panel")).to_contain_text("WX-")
    assert_accessible(page)
    screenshot(page, "resident-confirmation")
    case = Case.objects.get()
    assert case.channel == Channel.WEB and case.customer == borough["customer"]

    page.goto("/account/requests/")
    expect(page.get_by_role("link", name=case.reference)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=case.reference).click()
    expect(page.get_by_text("Cars swerve round it")).to_be_visible()
    assert_accessible(page)


def test_agent_raises_a_phone_request_the_officer_resolves_and_the_resident_sees_it(page: Page, borough):
    # The agent answers a call; the telephony system opens the console with the number.
    sign_in(page, "agent@wexmoor.example")
    page.goto("/staff/contacts/new/?phone=07700900123")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rosa Resident")
    screenshot(page, "agent-contact")
    page.get_by_label("Postcode").fill("wx1 2ab")
    page.get_by_label("Email address").fill("rosa@example.com")
    page.get_by_role("button", name="Check the answers").click()
    expect(page.get_by_text("Not verified")).to_have_count(0)

    page.get_by_role("button", name="Raise a request").click()
    page.get_by_label("Report a blocked drain").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("What is the problem?").fill("Drain blocked outside number 4")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("No").check()
    page.get_by_role("button", name="Continue").click()
    screenshot(page, "agent-check-answers")
    page.get_by_role("button", name="Raise the request").click()
    case = Case.objects.get()
    assert case.channel == Channel.PHONE
    assert case.customer == borough["customer"]
    assert case.created_by == borough["agent"]

    # The officer resolves it with a message to the resident.
    sign_out(page)
    sign_in(page, "officer@wexmoor.example")
    page.goto(f"/staff/cases/{case.reference}/")
    screenshot(page, "officer-case")
    page.locator("summary", has_text="Change status").click()
    page.get_by_label("New status").select_option("resolved")
    page.get_by_label("Reason").fill("Jetted by the drainage crew")
    page.get_by_label("Message to the resident (optional)").fill("We cleared the drain this morning.")
    page.get_by_role("button", name="Change status").click()
    case.refresh_from_db()
    assert case.is_closed

    # The resident sees the update in My Account.
    sign_out(page)
    sign_in(page, "rosa@example.com")
    page.goto(f"/account/requests/{case.reference}/")
    expect(page.get_by_text("We cleared the drain this morning.")).to_be_visible()
    screenshot(page, "resident-sees-update")
    assert_accessible(page)


def test_a_resident_without_an_account_tracks_and_reopens_a_request_without_javascript(no_js_page: Page, borough):
    from townhall.cases import services

    case = services.submit_case(
        service=borough["service"],
        answers={"details": "Drain blocked", "urgent": "no"},
        channel=Channel.WEB,
        requester=services.Requester(name="Sam Visitor", email="sam@example.com"),
    )
    services.change_status(case=case, status="resolved", by=borough["officer"], public_text="Cleared.")
    page = no_js_page

    page.goto("/track/")
    page.get_by_label("Reference").fill(case.reference.lower().replace("-", " "))
    page.get_by_label("Email address").fill("someone.else@example.com")
    page.get_by_role("button", name="Find request").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("could not find")

    page.get_by_label("Email address").fill("SAM@example.com")
    page.get_by_role("button", name="Find request").click()
    expect(page.get_by_text("Cleared.")).to_be_visible()
    page.get_by_label("Send us a message").fill("It is blocked again.")
    page.get_by_role("button", name="Send message").click()
    screenshot(page, "tracked-reply-reopened")

    case.refresh_from_db()
    assert not case.is_closed
    assert case.has_new_message


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/services/",
        "/search/?q=drain",
        "/services/blocked-drain/",
        "/track/",
        "/accessibility/",
        "/privacy/",
        "/account/auth/signup/",
        "/account/auth/password/reset/",
    ],
)
def test_public_pages_have_no_serious_accessibility_failures(page: Page, borough, path):
    page.goto(path)

    assert page.locator("h1").count() == 1
    assert_accessible(page)


@pytest.mark.parametrize("path", ["/account/", "/account/requests/", "/account/profile/"])
def test_account_pages_have_no_serious_accessibility_failures(page: Page, borough, path):
    sign_in(page, "rosa@example.com")
    page.goto(path)

    assert page.locator("h1").count() == 1
    assert_accessible(page)


def test_a_location_is_marked_by_clicking_the_map(page: Page, borough, settings):
    settings.MAP_TILE_URL = ""  # no tile downloads in tests: the map still takes clicks
    ServiceFactory(
        name="Report graffiti",
        slug="graffiti",
        questions=[{"key": "where", "type": "location", "label": "Where is it?", "required": True}],
    )
    page.goto("/services/graffiti/")
    page.get_by_role("button", name="Start now").click()

    page.locator(".th-location-map__map").click()
    expect(page.get_by_label("Latitude")).not_to_have_value("")
    assert_accessible(page)
    screenshot(page, "location-map")
    page.get_by_role("button", name="Find").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Your details")


def test_an_officer_sees_a_map_point_case_in_words_and_on_a_small_map(page: Page, borough, settings):
    settings.MAP_TILE_URL = ""  # no tile downloads in tests: the marker shows all the same
    street = StreetFactory(name="Pipit Way", locality="", town="Wexmoor")
    PropertyFactory(
        street=street, ward=WardFactory(name="Brindle Heath"), latitude=Decimal("51.420000"), longitude=Decimal("-0.19")
    )
    case = submit_case(
        service=borough["service"],
        answers={"details": "Pothole by the bus stop", "urgent": "no"},
        channel=Channel.WEB,
        requester=Requester(name="Rosa Resident", email="rosa@example.com"),
    )
    Case.objects.filter(pk=case.pk).update(address=None, latitude=Decimal("51.420100"), longitude=Decimal("-0.190000"))

    sign_in(page, "officer@wexmoor.example")
    page.goto(f"/staff/cases/{case.reference}/")

    expect(page.get_by_text("Near Pipit Way, Wexmoor")).to_be_visible()
    expect(page.get_by_text("Latitude, longitude: 51.420100, -0.190000")).to_be_visible()
    expect(page.locator(".th-location-map--point .leaflet-marker-icon")).to_have_count(1)
    assert_accessible(page)
    screenshot(page, "officer-map-point-case")


def test_the_browser_finds_the_site_icon(page: Page, borough):
    page.goto("/")

    icon = page.request.get("/favicon.ico")

    assert icon.ok
    assert icon.headers["content-type"] in {"image/vnd.microsoft.icon", "image/x-icon"}
    svg = page.locator('link[rel="icon"][type="image/svg+xml"]').get_attribute("href")
    assert page.request.get(svg).ok
