"""The bookings pages in Chromium: a team manager reads a calendar's places for the coming
weeks, changes a day (getting it wrong first) and opens the day's list for the crew.
Every page is scanned with axe and photographed."""

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, screenshot
from townhall.accounts.models import Role
from townhall.accounts.tests.factories import StaffFactory
from townhall.bookings import services
from townhall.bookings.models import Slot
from townhall.bookings.tests.factories import bulky_calendar, make_case
from townhall.gazetteer.tests.factories import PropertyFactory

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct-horse-battery"


@pytest.fixture
def calendar():
    """Bulky waste with a few bookings on the first day people can book, and a closed day."""
    manager = StaffFactory(email="maggie@wexmoor.example", full_name="Maggie Manager", role=Role.TEAM_MANAGER)
    EmailAddress.objects.create(user=manager, email=manager.email, verified=True, primary=True)
    calendar = bulky_calendar()
    first, second = services.available_dates(calendar, "N1")[:2]
    for n, items in enumerate(["Sofa", "Fridge, mattress", "Wardrobe"]):
        case = make_case(f"Resident {n}", address=PropertyFactory())
        services.confirm(services.hold(calendar, "N1", first.day, units=n + 1, case=case, summary=items))
    services.set_day_capacity(calendar, "S1", second.day, places=20, closed=True, note="Crew training", by=manager)
    return {"calendar": calendar, "day": first.day}


def sign_in(page: Page, email: str) -> None:
    page.goto("/account/auth/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_manager_reads_the_capacity_changes_a_day_and_prints_its_list(page: Page, calendar):
    day = calendar["day"]
    sign_in(page, "maggie@wexmoor.example")

    page.goto("/staff/bookings/")
    page.get_by_role("link", name="Bulky waste collections").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bulky waste collections")
    table = page.locator("#capacity")
    expect(table).to_contain_text("Crew training")
    expect(table.locator("tbody tr", has_text=f"{day:%a %-d %b}").first).to_contain_text("Open")
    assert_accessible(page)
    screenshot(page, "bookings-capacity")

    page.get_by_role("link", name=f"Change {day:%-d %B} in area N1").click()
    page.get_by_label("Places", exact=True).fill("4")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Places must be 6 or more, as 6 are already booked")
    assert_accessible(page)
    screenshot(page, "bookings-change-day-error")

    page.get_by_label("Places", exact=True).fill("8")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("in area N1 changed")
    assert Slot.objects.get(calendar=calendar["calendar"], zone="N1", day=day).places == 8
    assert_accessible(page)

    page.get_by_role("link", name=f"Bookings on {day:%-d %B} in area N1").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bookings on")
    expect(page.get_by_role("table")).to_contain_text("Fridge, mattress")
    expect(page.get_by_text("3 bookings, 6 places used")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "bookings-day-list")
    page.emulate_media(media="print")
    expect(page.locator(".govuk-service-navigation")).to_be_hidden()
    screenshot(page, "bookings-day-list-print")
