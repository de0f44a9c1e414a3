"""Public street reports in Chromium: browsing the map and list, filtering it (with and
without JavaScript), reading a report and following it, signing up for alerts of an area,
and answering "is it fixed?". Tile requests are blocked: the map works without them.
Every page is scanned with axe and photographed."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, Route, expect

from tests.e2e.conftest import assert_accessible, screenshot
from townhall.accounts.models import Role
from townhall.accounts.tests.factories import StaffFactory, TeamFactory
from townhall.cases import services as case_services
from townhall.cases.models import Case, CaseWatcher, EventKind
from townhall.gazetteer.tests.factories import PropertyFactory, StreetFactory, WardFactory
from townhall.notifications.models import Notification
from townhall.streetcare import alerts, questionnaire
from townhall.streetcare.models import AreaAlert
from townhall.streetcare.tests.factories import CategoryFactory, ReportPhotoFactory, StreetReportFactory

pytestmark = pytest.mark.django_db(transaction=True)
TILES = "https://tiles.invalid/{z}/{x}/{y}.png"


@pytest.fixture
def blocked_tiles(page: Page, settings) -> list[str]:
    """The map's tile server, with every request to it refused (and noted)."""
    settings.MAP_TILE_URL = TILES
    asked: list[str] = []

    def refuse(route: Route) -> None:
        asked.append(route.request.url)
        route.abort()

    page.route("https://tiles.invalid/**", refuse)
    return asked


@pytest.fixture
def borough(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    team = TeamFactory(name="Street care", slug="street-care", email="streetcare@wexmoor.example")
    officer = StaffFactory(role=Role.OFFICER, full_name="Olu Officer")
    team.members.add(officer)
    potholes = CategoryFactory(service__team=team, service__name="Potholes", service__slug="potholes").service
    graffiti = CategoryFactory(service__team=team, service__name="Graffiti", service__slug="graffiti").service
    ashby = WardFactory(code="WXM01", name="Ashby Green")
    street = StreetFactory(name="Alder Road", town="Wexmoor")
    PropertyFactory(street=street, ward=ashby, postcode="WX1 2AB", latitude=Decimal("51.41"), longitude=Decimal("-0.2"))

    def report(category, title: str, north: str, **kwargs):
        return StreetReportFactory(
            category=category.street_category,
            title=title,
            latitude=Decimal(north),
            longitude=Decimal("-0.200000"),
            ward=ashby,
            **kwargs,
        )

    school = report(potholes, "Pothole by the school gates", "51.410100")
    report(potholes, "Pothole on the bend", "51.411000", reported_at=timezone.now() - dt.timedelta(days=2))
    report(graffiti, "Graffiti on the bridge", "51.412000")
    case_services.add_public_update(case=school.case, text="We will fill it in this week.", by=officer)
    ReportPhotoFactory(report=school)
    return {"officer": officer, "school": school, "potholes": potholes}


def _link_in(email: str, path: str) -> str:
    body = Notification.objects.filter(recipient=email).latest("id").body
    return re.search(rf"http://[^/\s]+({re.escape(path)}\S+)", body).group(1)


def test_a_resident_browses_the_map_and_list_reads_a_report_and_follows_it(
    page: Page, live_server, borough, blocked_tiles
):
    page.goto("/")
    screenshot(page, "public-reports-0-home")
    page.get_by_role("main").get_by_role("link", name="Reports near you").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Street reports")
    expect(page.locator(".leaflet-marker-icon")).to_have_count(3)
    expect(page.get_by_role("heading", name="3 reports")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "public-reports-1-map-and-list")
    assert blocked_tiles, "the map asked for tiles, and was refused"

    page.get_by_label("Category").select_option(label="Graffiti")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", name="1 report")).to_be_visible()
    expect(page.locator(".leaflet-marker-icon")).to_have_count(1)
    assert_accessible(page)
    screenshot(page, "public-reports-2-filtered")

    page.get_by_role("link", name="Clear filters").click()
    page.locator(".leaflet-marker-icon[title='Pothole by the school gates']").click()
    page.locator(".leaflet-popup").get_by_role("link", name="Pothole by the school gates").click()

    school = borough["school"]
    expect(page.get_by_role("heading", level=1)).to_have_text("Pothole by the school gates")
    expect(page.get_by_text("We will fill it in this week.")).to_be_visible()
    expect(page.get_by_text("Near Alder Road")).to_be_visible()
    expect(page.get_by_role("img", name="Photo 1 of the problem")).to_be_visible()
    expect(page.get_by_text("Ada Reporter")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "public-reports-3-report")

    page.get_by_role("button", name="Get updates").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your email address")
    assert_accessible(page)
    page.get_by_label("Email address").fill("bob@example.com")
    page.get_by_role("button", name="Get updates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_accessible(page)

    page.goto(_link_in("bob@example.com", "/reports/follow/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm you want updates")
    assert_accessible(page)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("You will get an email when this report is updated.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pothole by the school gates")
    screenshot(page, "public-reports-4-following")
    assert CaseWatcher.objects.get().case == school.case


def test_the_list_and_its_filters_work_without_javascript(no_js_page: Page, live_server, borough):
    page = no_js_page
    page.goto("/reports/")
    expect(page.get_by_role("heading", name="3 reports")).to_be_visible()
    expect(page.locator(".th-reports-map")).to_be_hidden()

    page.get_by_label("Status").select_option(label="Open")
    page.get_by_label("Category").select_option(label="Potholes")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", name="2 reports")).to_be_visible()
    page.get_by_role("link", name="Pothole on the bend").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pothole on the bend")
    screenshot(page, "public-reports-5-no-javascript")


def test_a_resident_signs_up_for_alerts_of_new_reports_in_a_ward(page: Page, live_server, borough, blocked_tiles):
    page.goto(f"/reports/{borough['school'].case.reference}/")
    page.get_by_role("link", name="Email me new reports in this area").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Get emails about new reports in an area")
    assert_accessible(page)

    page.get_by_role("button", name="Get emails for this area").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a postcode")
    assert_accessible(page)
    screenshot(page, "public-alerts-1-error")

    page.locator("#id_ward-email").fill("carol@example.com")
    page.get_by_role("button", name="Get emails for this ward").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    page.goto(_link_in("carol@example.com", "/reports/alerts/"))
    expect(page.get_by_text("Ashby Green ward")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Your alerts are on")
    assert_accessible(page)
    screenshot(page, "public-alerts-2-confirmed")
    assert AreaAlert.objects.get().confirmed


def test_a_reporter_says_their_fixed_report_is_not_fixed(page: Page, live_server, borough):
    school = borough["school"]
    case_services.change_status(case=school.case, status="resolved", by=borough["officer"])
    Case.objects.filter(pk=school.case_id).update(resolved_at=timezone.now() - dt.timedelta(weeks=4, days=1))
    questionnaire.send_due_questionnaires()

    page.goto(_link_in("ada.reporter@example.com", "/reports/fixed/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Pothole by the school gates")
    page.get_by_role("button", name="Send your answer").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select yes if the problem has been fixed")
    assert_accessible(page)
    page.get_by_role("radio", name="No").check()
    page.get_by_label("If it is not fixed, tell us what is still wrong (optional)").fill("It is back after the rain.")
    screenshot(page, "public-questionnaire-1")
    page.get_by_role("button", name="Send your answer").click()

    expect(page.locator(".govuk-panel")).to_contain_text("Thank you for telling us")
    assert_accessible(page)
    case = Case.objects.get(pk=school.case_id)
    assert not case.is_closed
    assert case.events.filter(kind=EventKind.MESSAGE_IN, text__contains="back after the rain").exists()


def test_stopping_emails_by_their_links(page: Page, live_server, borough):
    alerts.follow(report=borough["school"], by=None, email="bob@example.com")
    alert = alerts.request_area_alert(email="carol@example.com", ward=borough["school"].ward)
    case_services.add_public_update(case=borough["school"].case, text="Filled in today.", by=borough["officer"])

    stop = _link_in("bob@example.com", "/following/stop/")
    page.goto(stop)
    expect(page.get_by_role("heading", level=1)).to_have_text("Stop getting updates on this request")
    assert_accessible(page)
    screenshot(page, "following-1-stop")
    page.get_by_role("button", name="Stop the emails").click()
    expect(page.locator(".govuk-panel")).to_contain_text("You will not get any more updates")
    assert_accessible(page)
    screenshot(page, "following-2-stopped")
    assert not CaseWatcher.objects.exists()
    page.goto(stop)
    expect(page.get_by_role("heading", level=1)).to_have_text("You have already stopped these emails")
    assert_accessible(page)
    page.goto("/following/stop/not-a-real-link/")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link does not work")
    assert_accessible(page)
    screenshot(page, "following-3-link-not-working")

    page.goto(f"/reports/alerts/{alert.token}/stop/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Stop alerts of new reports")
    assert_accessible(page)
    page.get_by_role("button", name="Stop the emails").click()
    expect(page.locator(".govuk-panel")).to_contain_text("You will not get any more emails")
    assert not AreaAlert.objects.exists()

    page.goto("/reports/follow/not-a-real-link/")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link does not work")
    assert_accessible(page)
    screenshot(page, "public-reports-6-link-not-working")
