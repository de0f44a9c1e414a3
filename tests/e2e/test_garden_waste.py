"""Garden waste in Chromium: a resident subscribes from their bin days page, pays on the
sandbox card page and sees garden waste on their bin days; changes and cancels; an agent
sees the property's subscriptions. Every page is scanned with axe."""

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, screenshot
from tests.e2e.test_journeys import sign_in
from townhall.accounts.models import Role
from townhall.accounts.tests.factories import StaffFactory, UserFactory
from townhall.payments.models import Refund
from townhall.waste.garden_models import GardenStatus, GardenSubscription
from townhall.waste.tests.test_garden_helpers import URLCONF, garden_home, make_service

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls(URLCONF)]


@pytest.fixture
def garden_street():
    cache.clear()  # bin days are cached by UPRN, and other tests' factories reuse UPRNs
    make_service()
    home = garden_home()
    resident = UserFactory(email="rosa@example.com", full_name="Rosa Resident")
    agent = StaffFactory(email="agent@wexmoor.example", full_name="Amir Agent", role=Role.AGENT)
    for user in (resident, agent):
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return {"home": home}


def test_a_resident_subscribes_pays_and_sees_garden_waste_on_their_bin_days(page: Page, garden_street):
    home = garden_street["home"]
    sign_in(page, "rosa@example.com")

    page.goto(f"/bins/{home.uprn}/")
    expect(page.get_by_role("heading", level=2, name="Garden waste")).to_have_count(0)
    page.get_by_role("link", name="Garden waste collections: subscribe or renew").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Garden waste collections")
    expect(page.get_by_role("table")).to_contain_text("Prices for a year")
    assert_accessible(page)
    screenshot(page, "garden-1-overview")
    page.get_by_role("button", name="Subscribe").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Subscribe to garden waste collections")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select how many bins you want")
    assert page.title().startswith("Error:")
    assert_accessible(page)
    screenshot(page, "garden-2-subscribe-errors")
    page.get_by_label("2 bins (£110 a year)").check()
    page.get_by_label("No").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your subscription")
    expect(page.locator("main")).to_contain_text("£110")
    assert_accessible(page)
    screenshot(page, "garden-3-check")
    page.get_by_role("button", name="Accept and pay").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Enter card details")
    page.get_by_label("The payment succeeds").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.locator(".govuk-panel")).to_contain_text("Subscription confirmed")
    expect(page.get_by_text("Payment received")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "garden-4-confirmed")
    assert GardenSubscription.objects.get().status == GardenStatus.ACTIVE

    page.get_by_role("link", name="Your bin collection days").click()
    expect(page.get_by_role("heading", level=2, name="Garden waste")).to_be_visible()
    expect(page.locator(".th-bins-days")).to_contain_text("Garden waste")
    assert_accessible(page)
    screenshot(page, "garden-5-bin-days-with-garden")

    # Give up a bin: refunded to the card at once, through the provider.
    page.get_by_role("link", name="Renew, change or cancel your garden waste subscription").click()
    expect(page.get_by_role("heading", level=2, name="Your subscription")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "garden-6-your-subscription")
    page.get_by_role("link", name="Change the number of bins").click()
    assert_accessible(page)
    screenshot(page, "garden-7-change")
    page.get_by_label("1 bin (£65 a year)").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your change")
    assert_accessible(page)
    screenshot(page, "garden-8-check-change")
    page.get_by_role("button", name="Confirm the change").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Change made")
    assert_accessible(page)
    screenshot(page, "garden-9-change-made")

    # Cancel: collections stop.
    page.get_by_role("link", name="Your garden waste subscription").click()
    page.get_by_role("link", name="Cancel your subscription").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel your garden waste subscription")
    assert_accessible(page)
    screenshot(page, "garden-10-cancel")
    page.get_by_role("button", name="Cancel the subscription").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Subscription cancelled")
    assert_accessible(page)
    screenshot(page, "garden-11-cancelled")
    assert GardenSubscription.objects.get().status == GardenStatus.CANCELLED
    assert Refund.objects.count() >= 1
    page.get_by_role("link", name="Your bin collection days").click()
    expect(page.get_by_role("heading", level=2, name="Garden waste")).to_have_count(0)


def test_an_agent_sets_up_a_subscription_for_a_caller_and_sees_the_propertys_subscriptions(page: Page, garden_street):
    home = garden_street["home"]
    sign_in(page, "agent@wexmoor.example")

    page.goto("/staff/garden/")
    page.get_by_label("Postcode").fill("wx1 2ab")
    page.get_by_role("button", name="Find address").click()
    assert_accessible(page)
    screenshot(page, "garden-staff-1-find")
    page.get_by_role("link", name=home.single_line).click()
    expect(page.locator("main")).to_contain_text("This address has never had a garden waste subscription.")
    page.get_by_role("link", name="Set up a subscription for a caller").click()

    page.get_by_label("1 bin (£65 a year)").check()
    page.get_by_label("Yes").check()
    page.get_by_label("Caller's full name").fill("Cal Caller")
    page.get_by_label("Caller's email address").fill("cal@example.com")
    assert_accessible(page)
    screenshot(page, "garden-staff-2-for-a-caller")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("main")).to_contain_text("Cal Caller")
    page.get_by_role("button", name="Accept and pay").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Take a card payment by phone")
    page.get_by_label("The payment succeeds").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Subscription confirmed")

    page.goto(f"/staff/garden/{home.uprn}/")
    expect(page.get_by_role("table")).to_contain_text("Cal Caller")
    assert_accessible(page)
    screenshot(page, "garden-staff-3-property")
