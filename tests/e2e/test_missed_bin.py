"""Missed bins in Chromium: a resident reports a missed collection (getting the form wrong
first), a neighbour's report of the same collection is merged into it, it works without
JavaScript, and a crew records its round on a phone-sized screen, seeing the assisted
collections and missed bins on it, as its in-cab API does. Every page is scanned with axe
and photographed."""

import datetime as dt
from collections.abc import Iterator

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import assert_accessible, screenshot
from townhall.bookings.tests.factories import make_case
from townhall.cases.models import Case, CaseEvent, EventKind
from townhall.gazetteer.tests.factories import PropertyFactory
from townhall.waste import missed
from townhall.waste.models import (
    AssistedCollection,
    CrewOutcome,
    CrewRecord,
    MissedCollection,
    PropertyRound,
    RoundDay,
    Stream,
)
from townhall.waste.tests.factories import RoundFactory
from townhall.waste.tests.missed_helpers import crew_staff, home_on_round, missed_bin_service

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct-horse-battery"


@pytest.fixture
def home():
    """12 Alder Road, whose rubbish round came today and has finished; its recycling the
    crew recorded as not put out."""
    missed_bin_service()
    today = timezone.localdate()
    place, refuse = home_on_round(weekday=today.weekday(), anchor_date=today)
    recycling = RoundFactory(stream=Stream.RECYCLING, weekday=today.weekday(), anchor_date=today)
    PropertyRound.objects.create(property=place, round=recycling)
    now = timezone.now()
    RoundDay.objects.create(round=refuse, date=today, started_at=now - dt.timedelta(hours=3), completed_at=now)
    CrewRecord.objects.create(
        round=recycling, date=today, property=place, street=place.street, outcome=CrewOutcome.NOT_PRESENTED
    )
    if not missed.can_report(place, Stream.REFUSE).allowed:  # today is a bank holiday: the round moved
        pytest.skip("Today's collections moved for a bank holiday")
    return place


def test_a_resident_reports_a_missed_bin_and_a_neighbours_report_is_merged(page: Page, browser: Browser, home):
    page.goto(f"/bins/{home.uprn}/missed/")
    expect(page.get_by_role("heading", level=1)).to_have_text(home.single_line)
    expect(page.locator(".govuk-summary-list")).to_contain_text("Our crew recorded that your recycling bin was not out")
    assert_accessible(page)
    screenshot(page, "missed-1-collections")

    # Nothing chosen: the error summary says what to do.
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the collection that was missed")
    assert page.title().startswith("Error:")
    assert_accessible(page)
    screenshot(page, "missed-2-error")

    page.get_by_label("Rubbish").check()
    page.get_by_role("group", name="Was the bin out by 6am on collection day?").get_by_label("Yes").check()
    page.get_by_label("Tell us anything else that will help").fill("It is by the front gate.")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your details")
    page.get_by_label("Full name").fill("Ada Resident")
    page.get_by_label("Email address").fill("ada@example.com")
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your report")
    expect(page.locator(".govuk-summary-list")).to_contain_text("It is by the front gate.")
    assert_accessible(page)
    screenshot(page, "missed-3-check")
    page.get_by_role("button", name="Send report").click()

    expect(page.locator(".govuk-panel__title")).to_have_text("Missed collection reported")
    case = Case.objects.get()
    expect(page.locator(".govuk-panel__body")).to_contain_text(case.reference)
    assert case.team.slug == "waste"
    assert_accessible(page)
    screenshot(page, "missed-4-reported")

    # A neighbour in the same house reports it too, from another browser.
    other = browser.new_context(base_url=page.url.split("/bins/")[0], locale="en-GB")
    second = other.new_page()
    second.goto(f"/bins/{home.uprn}/missed/")
    expect(second.locator("main")).to_contain_text(f"Already reported ({case.reference})")
    assert_accessible(second)
    screenshot(second, "missed-5-already-reported")
    second.get_by_label("Rubbish").check()
    second.get_by_role("group", name="Was the bin out by 6am on collection day?").get_by_label("No").check()
    second.get_by_role("button", name="Continue").click()
    second.get_by_label("Full name").fill("Ben Neighbour")
    second.get_by_label("Email address").fill("ben@example.com")
    second.get_by_role("button", name="Continue").click()
    expect(second.locator(".govuk-inset-text")).to_contain_text("Sending this adds your details to that report")
    second.get_by_role("button", name="Send report").click()

    expect(second.locator(".govuk-panel__title")).to_have_text("Already reported")
    expect(second.locator(".govuk-panel__body")).to_contain_text(case.reference)
    assert_accessible(second)
    screenshot(second, "missed-6-merged")
    other.close()
    assert Case.objects.count() == 1
    assert CaseEvent.objects.filter(case=case, kind=EventKind.NOTE, text__contains="ben@example.com").exists()


def test_reporting_a_missed_bin_works_without_javascript(no_js_page: Page, home):
    page = no_js_page

    page.goto(f"/bins/{home.uprn}/missed/")
    page.get_by_label("Rubbish").check()
    page.get_by_role("group", name="Was the bin out by 6am on collection day?").get_by_label("Yes").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Full name").fill("Ada Resident")
    page.get_by_label("Email address").fill("ada@example.com")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Send report").click()

    expect(page.locator(".govuk-panel__title")).to_have_text("Missed collection reported")
    assert Case.objects.count() == 1


@pytest.fixture
def phone(browser: Browser, live_server) -> Iterator[Page]:
    """A phone in the cab: 390 by 844, touch."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="en-GB"
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_a_crew_records_its_round_on_a_phone(phone: Page):
    page = phone
    today = timezone.localdate()
    officer = crew_staff()
    officer.email, officer.full_name = "will.waste@wexmoor.example", "Will Waste"
    officer.save()
    EmailAddress.objects.create(user=officer, email=officer.email, verified=True, primary=True)
    home, round_ = home_on_round(weekday=today.weekday(), anchor_date=today)
    round_.name = "Ashby Green rubbish"
    round_.save()
    neighbour = PropertyFactory(street=home.street, building_number="14", postcode="WX1 2AB")
    PropertyRound.objects.create(property=neighbour, round=round_)
    AssistedCollection.objects.create(property=neighbour, starts=today, location_note="the side gate, behind the shed")
    last_week = MissedCollection.objects.create(
        case=make_case(address=home), property=home, stream=Stream.REFUSE, collection_date=today - dt.timedelta(days=7)
    )

    page.goto("/account/auth/login/")
    page.get_by_label("Email address").fill(officer.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/staff/crews/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Today")
    assert_accessible(page)
    screenshot(page, "crews-1-today-phone")

    page.get_by_role("link", name="Ashby Green rubbish").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ashby Green rubbish")
    page.get_by_role("button", name="Start round").click()
    # The crew fetches the neighbour's bins, and goes back for the one missed last week.
    expect(page.locator(f"#p-{neighbour.uprn}")).to_contain_text(
        "Assisted Collect from: the side gate, behind the shed"
    )
    expect(page.locator(f"#p-{home.uprn}")).to_contain_text(
        f"Missed bin from {(today - dt.timedelta(days=7)):%A %-d %B}"
    )
    expect(page.locator(f"#p-{home.uprn}")).to_contain_text(last_week.case.reference)
    assert_accessible(page)
    screenshot(page, "crews-2-round-phone")

    page.get_by_role("button", name=f"Bin not put out at {neighbour.single_line}").click()
    expect(page.locator(f"#p-{neighbour.uprn}")).to_contain_text("Bin not put out")
    button = page.get_by_role("button", name=f"Collected at {home.single_line}")
    box = button.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 120  # big enough to hit on the move
    page.get_by_role("button", name="All of Alder Road collected").click()
    expect(page.locator(f"#p-{home.uprn}")).to_contain_text("whole street")
    expect(page.locator(f"#p-{neighbour.uprn}")).to_contain_text("Bin not put out")

    page.get_by_role("link", name=f"Blocked, contaminated, note or photo for {home.single_line}").click()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select what you found")
    assert_accessible(page)
    page.get_by_label("Wrong things in the bin").check()
    page.get_by_label("Note (optional)").fill("Black bags in the recycling")
    assert_accessible(page)
    screenshot(page, "crews-3-place-phone")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(f"#p-{home.uprn}")).to_contain_text("Wrong things in the bin")

    page.get_by_role("button", name="Round finished").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Finished at")
    assert_accessible(page)
    screenshot(page, "crews-4-finished-phone")
    assert RoundDay.objects.get(round=round_, date=today).completed_at is not None
    assert CrewRecord.objects.filter(round=round_).count() == 3

    # The in-cab device reads the same worklist, signed in as the same crew member.
    worklist = page.request.get(f"/staff/crews/api/{round_.code}/{today.isoformat()}/").json()
    [street] = worklist["streets"]
    by_uprn = {stop["uprn"]: stop for stop in street["properties"]}
    assert by_uprn[neighbour.uprn]["assisted"]["location"] == "the side gate, behind the shed"
    assert by_uprn[home.uprn]["recorded"]["outcome"] == "contaminated"
    assert by_uprn[home.uprn]["missed"][0]["reference"] == last_week.case.reference
    assert worklist["finished_at"] is not None
