"""A resident looks up their bin days by postcode and address, in Chromium, with
JavaScript on (every page scanned with axe) and off."""

import datetime as dt

import icalendar
import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, screenshot
from townhall.gazetteer.tests.factories import PropertyFactory, StreetFactory
from townhall.waste.models import PropertyRound, ScheduleChange, Stream
from townhall.waste.tests.factories import RoundFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def street_of_homes():
    """12 Alder Road (rubbish and food waste every week, recycling every other week, all on
    one weekday), a neighbour, and a shop on no round; the council has cancelled the next
    rubbish collection."""
    cache.clear()  # bin days are cached by UPRN, and other tests' factories reuse UPRNs
    today = timezone.localdate()
    street = StreetFactory(name="Alder Road")
    home = PropertyFactory(street=street, building_number="12", postcode="WX1 2AB")
    PropertyFactory(street=street, building_number="14", postcode="WX1 2AB")
    shop = PropertyFactory(street=street, building_number="1", postcode="WX1 2AB", classification="CR08")
    # The first collection two to four days ahead on a weekday: the one the council cancelled.
    day = today + dt.timedelta(days=2)
    while day.weekday() > 4:
        day += dt.timedelta(days=1)
    rounds = {
        Stream.REFUSE: RoundFactory(stream=Stream.REFUSE, weekday=day.weekday(), anchor_date=day),
        # Recycling on the same day, the other week.
        Stream.RECYCLING: RoundFactory(
            stream=Stream.RECYCLING, weekday=day.weekday(), frequency_weeks=2, anchor_date=day + dt.timedelta(weeks=1)
        ),
        Stream.FOOD: RoundFactory(stream=Stream.FOOD, weekday=day.weekday(), anchor_date=day),
    }
    for round_ in rounds.values():
        PropertyRound.objects.create(property=home, round=round_)
    ScheduleChange.objects.create(
        round=rounds[Stream.REFUSE], original_date=day, new_date=None, reason="Industrial action"
    )
    return {"home": home, "shop": shop, "cancelled": day}


def test_a_resident_finds_their_bin_days_by_postcode_and_address(page: Page, street_of_homes):
    home, cancelled = street_of_homes["home"], street_of_homes["cancelled"]

    page.goto("/bins/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Find your bin collection days")
    assert_accessible(page)
    screenshot(page, "bins-1-postcode")

    # A postcode that is not one is refused, with the error summary.
    page.get_by_label("Postcode").fill("bins please")
    page.get_by_role("button", name="Find address").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a real postcode")
    assert page.title().startswith("Error:")
    assert_accessible(page)
    screenshot(page, "bins-2-postcode-error")

    page.get_by_label("Postcode").fill("wx1 2ab")
    page.get_by_role("button", name="Find address").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose your address")
    expect(page.locator("main")).to_contain_text("3 addresses found for WX1 2AB")
    assert_accessible(page)
    screenshot(page, "bins-3-addresses")

    page.get_by_role("link", name=home.single_line).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(home.single_line)
    expect(page.get_by_role("heading", level=2, name="Rubbish")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Recycling")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Food waste")).to_be_visible()
    cancelled_words = f"{cancelled:%A} {cancelled.day} {cancelled:%B}"
    expect(page.locator(".govuk-warning-text")).to_contain_text(
        f"Rubbish collection on {cancelled_words} is cancelled. Industrial action."
    )
    expect(page.locator(".th-bins-days")).to_contain_text("Collections in the next 8 weeks")
    assert_accessible(page)
    screenshot(page, "bins-4-property")

    # The calendar and the JSON behind the page's links.
    calendar_url = page.get_by_role("link", name="Add your collections to your calendar").get_attribute("href")
    feed = page.request.get(calendar_url)
    assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
    events = list(icalendar.Calendar.from_ical(feed.body()).walk("VEVENT"))
    assert events and cancelled not in [
        event.decoded("DTSTART") for event in events if event["SUMMARY"] == "Rubbish collection"
    ]
    json_url = page.get_by_role("link", name="Your collection days as JSON, for developers").get_attribute("href")
    data = page.request.get(json_url).json()
    assert [collection["stream"] for collection in data["collections"]] == ["refuse", "recycling", "food"]

    page.get_by_role("link", name="Print your collection days").click()
    expect(page.get_by_role("table")).to_contain_text("Collections for 3 months from")
    assert_accessible(page)
    screenshot(page, "bins-5-print")
    page.emulate_media(media="print")
    expect(page.locator(".govuk-service-navigation")).to_be_hidden()
    expect(page.locator(".govuk-footer")).to_be_hidden()
    screenshot(page, "bins-6-print-media")


def test_a_business_address_says_we_do_not_collect_there(page: Page, street_of_homes):
    page.goto(f"/bins/{street_of_homes['shop'].uprn}/")

    expect(page.locator("main")).to_contain_text("We do not collect household waste from this address.")
    assert_accessible(page)
    screenshot(page, "bins-7-no-rounds")


def test_bin_days_work_without_javascript(no_js_page: Page, street_of_homes):
    page, home = no_js_page, street_of_homes["home"]

    page.goto("/bins/")
    page.get_by_role("button", name="Find address").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a postcode")

    page.get_by_label("Postcode").fill("WX1 2AB")
    page.get_by_role("button", name="Find address").click()
    page.get_by_role("link", name=home.single_line).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(home.single_line)
    expect(page.locator("main")).to_contain_text("Next collection")
    page.get_by_role("link", name="Print your collection days").click()
    expect(page.get_by_role("table")).to_contain_text("Collections for 3 months from")
