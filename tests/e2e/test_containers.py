"""Containers and assisted collections in Chromium: a resident orders a charged wheelie bin
from their bin-day page and pays on the sandbox card page; another applies for an assisted
collection, an officer approves it, the crew sees it on the round's page and the resident
on their bin-day page. Every new page is scanned with axe and photographed."""

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, screenshot
from tests.e2e.test_journeys import sign_in
from townhall.waste.models import (
    AssistedCollection,
    ContainerRequest,
    DeliveryStatus,
    Stream,
    WasteBackOfficeEvent,
)
from townhall.waste.tests.test_containers_setup import URLS

pytestmark = [pytest.mark.django_db(transaction=True), URLS]
pytest_plugins = ["townhall.waste.tests.test_containers_setup"]


@pytest.fixture
def street(containers_service, assisted_service, home, people):
    cache.clear()  # bin days are cached by UPRN, and other tests' factories reuse UPRNs
    return {"home": home, "people": people}


def test_a_resident_orders_a_charged_bin_and_pays_on_the_card_page(page: Page, street):
    home = street["home"]

    page.goto(f"/bins/{home.uprn}/")
    page.get_by_role("link", name="Request a new, replacement, extra or larger bin, box or caddy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Request a bin, box or caddy")
    assert_accessible(page)
    screenshot(page, "containers-1-choose")

    # Nothing chosen: the error summary.
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the container you need")
    assert_accessible(page)
    screenshot(page, "containers-1-choose-errors")

    page.get_by_label("Rubbish bin (wheelie bin)").check()
    page.get_by_label("Mine is broken").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your request")
    expect(page.get_by_text("Rubbish bin delivery: 1 × £25")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "containers-2-check-and-pay")
    page.get_by_label("Full name").fill("Rosa Resident")
    page.get_by_label("Email address").fill("rosa@example.com")
    page.get_by_role("button", name="Accept and pay").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Enter card details")
    page.get_by_label("The payment succeeds").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.locator(".govuk-panel")).to_contain_text("Request received")
    expect(page.get_by_text("Payment received")).to_be_visible()
    expect(page.get_by_text("To be delivered")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "containers-3-paid")
    made = ContainerRequest.objects.get()
    assert made.delivery_status == DeliveryStatus.TO_DELIVER and made.case.status == "submitted"
    # The delivery job reached the (built-in) back office through the outbox.
    assert WasteBackOfficeEvent.objects.get().case_reference == made.case.reference


def test_a_declined_card_can_be_tried_again(page: Page, street):
    home = street["home"]
    page.goto(f"/bins/{home.uprn}/containers/")
    page.get_by_label("Recycling bin (wheelie bin)").check()
    page.get_by_label("Mine was lost or stolen").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Full name").fill("Rosa Resident")
    page.get_by_label("Email address").fill("rosa@example.com")
    page.get_by_role("button", name="Accept and pay").click()
    page.get_by_label("The card is declined").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your payment was not taken")
    assert_accessible(page)
    screenshot(page, "containers-4-declined")
    page.get_by_role("button", name="Try the payment again").click()
    page.get_by_label("The payment succeeds").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.locator(".govuk-panel")).to_contain_text("Request received")
    assert ContainerRequest.objects.get().delivery_status == DeliveryStatus.TO_DELIVER


def test_a_larger_bin_is_refused_to_a_small_household(page: Page, street):
    page.goto(f"/bins/{street['home'].uprn}/containers/")
    page.get_by_label("Rubbish bin (wheelie bin)").check()
    page.get_by_label("I need a larger one").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Who needs the larger bin")
    assert_accessible(page)
    screenshot(page, "containers-5-eligibility")
    page.get_by_label("How many people live at the address?").fill("3")
    page.locator("#id_medical_need_1").check()  # No
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot have a larger bin")
    assert_accessible(page)
    screenshot(page, "containers-6-not-eligible")
    assert not ContainerRequest.objects.exists()


def test_a_resident_applies_for_an_assisted_collection_and_sees_it_once_approved(page: Page, street):
    home, people = street["home"], street["people"]
    sign_in(page, "rosa@example.com")

    page.goto(f"/bins/{home.uprn}/")
    page.get_by_role("link", name="Apply for an assisted collection if you cannot put your bins out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Apply for an assisted collection")
    assert_accessible(page)
    page.get_by_label("Age or frailty").check()
    page.get_by_label("Where are your bins kept?").fill("Side passage, left of the house")
    page.get_by_label("From now on").check()
    page.locator("#id_someone_can_help_1").check()  # No
    screenshot(page, "assisted-1-apply")
    page.get_by_role("button", name="Send application").click()

    expect(page.locator(".govuk-panel")).to_contain_text("Application received")
    assert_accessible(page)
    screenshot(page, "assisted-2-received")

    # The officer approves it on the waste team's page.
    page.context.clear_cookies()
    sign_in(page, people["officer"].email)
    page.goto("/staff/waste/assisted/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Assisted collections")
    assert_accessible(page)
    screenshot(page, "assisted-3-staff-list")
    page.locator("table .govuk-link").first.click()
    expect(page.get_by_text("Side passage, left of the house").first).to_be_visible()
    assert_accessible(page)
    screenshot(page, "assisted-4-staff-decide")
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Assisted collection approved")).to_be_visible()

    # The crew sees it on the round's page, with where the bins are kept.
    refuse = home.waste_rounds.get(stream=Stream.REFUSE).round
    page.goto(f"/staff/crews/{refuse.code}/{timezone.localdate().isoformat()}/")
    expect(page.locator(f"#p-{home.uprn}")).to_contain_text("Assisted Collect from: Side passage, left of the house")
    assert_accessible(page)
    screenshot(page, "assisted-4-crew-round")

    # Rosa sees it on her bin-day page.
    page.context.clear_cookies()
    sign_in(page, "rosa@example.com")
    page.goto(f"/bins/{home.uprn}/")
    expect(page.get_by_text("You have an assisted collection")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "assisted-5-bin-day-page")
    assert AssistedCollection.objects.get().location_note == "Side passage, left of the house"


def test_a_free_caddy_can_be_ordered_with_javascript_off(no_js_page: Page, street):
    page = no_js_page
    page.goto(f"/bins/{street['home'].uprn}/containers/")
    page.get_by_label("Food waste caddy").check()
    page.get_by_label("I have moved into a new home and there is none").check()
    page.get_by_label("How many do you need?").fill("2")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("This is free.")).to_be_visible()
    page.get_by_label("Full name").fill("Rosa Resident")
    page.get_by_label("Email address").fill("rosa@example.com")
    page.get_by_role("button", name="Accept and send").click()

    expect(page.locator(".govuk-panel")).to_contain_text("Request received")
    made = ContainerRequest.objects.get()
    assert made.quantity == 2 and made.delivery_status == DeliveryStatus.TO_DELIVER
