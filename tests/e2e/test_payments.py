"""Paying for a service in Chromium with the sandbox card page: success, a declined card
tried again, a payer who abandons and comes back, and an agent taking a card on the phone."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, screenshot
from tests.e2e.test_journeys import borough, sign_in  # noqa: F401 - the shared fixture
from townhall.cases.models import Case
from townhall.catalogue.models import AWAITING_PAYMENT, FeeKind
from townhall.payments.models import LedgerEntry, Payment

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def paid_service(borough):  # noqa: F811
    service = borough["service"]
    service.fee_kind = FeeKind.FIXED
    service.fee_pence = 3550
    service.fund_code = "ENV-DRAINS"
    service.save()
    return service


def fill_in_the_form(page: Page) -> None:
    page.goto("/services/blocked-drain/")
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("What is the problem?").fill("Blocked drain outside number 9")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("No").check()
    page.get_by_role("button", name="Continue").click()


def choose_on_the_card_page(page: Page, outcome: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_contain_text("Enter card details")
    page.get_by_label(outcome).check()
    page.get_by_role("button", name="Continue").click()


def test_a_resident_pays_and_gets_a_receipt(page: Page, paid_service):
    sign_in(page, "rosa@example.com")
    fill_in_the_form(page)

    expect(page.get_by_text("£35.50").first).to_be_visible()
    assert_accessible(page)
    screenshot(page, "pay-check-answers")
    page.get_by_role("button", name="Accept and pay").click()
    assert_accessible(page)
    screenshot(page, "pay-sandbox-card-page")
    choose_on_the_card_page(page, "The payment succeeds")

    expect(page.locator(".govuk-panel")).to_contain_text("Request received")
    expect(page.get_by_text("Payment received")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "pay-confirmation-receipt")
    case = Case.objects.get()
    assert case.status == paid_service.initial_state
    assert LedgerEntry.objects.get().amount == 3550

    page.goto("/account/payments/")
    expect(page.get_by_role("link", name=case.reference, exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=f"Receipt for {case.reference}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Receipt")
    assert_accessible(page)
    screenshot(page, "pay-my-account-receipt")


def test_a_declined_card_keeps_the_answers_and_the_second_try_pays(page: Page, paid_service):
    sign_in(page, "rosa@example.com")
    fill_in_the_form(page)
    page.get_by_role("button", name="Accept and pay").click()

    choose_on_the_card_page(page, "The card is declined")

    expect(page.get_by_role("heading", level=1)).to_have_text("Your payment was not taken")
    expect(page.get_by_text("The card was declined")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "pay-declined")
    page.get_by_role("button", name="Try the payment again").click()
    choose_on_the_card_page(page, "The payment succeeds")

    expect(page.locator(".govuk-panel")).to_contain_text("Request received")
    assert Payment.objects.count() == 2
    assert LedgerEntry.objects.count() == 1


def test_a_resident_who_abandons_the_card_page_pays_later_from_my_account(page: Page, paid_service):
    sign_in(page, "rosa@example.com")
    fill_in_the_form(page)
    page.get_by_role("button", name="Accept and pay").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Enter card details")
    page.goto("/")  # closed the tab, came back another day

    case = Case.objects.get()
    assert case.status == AWAITING_PAYMENT["key"]
    page.goto(f"/account/requests/{case.reference}/")
    expect(page.get_by_text("waiting for a payment of £35.50")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "pay-waiting-in-my-account")
    page.get_by_role("link", name="Pay now").click()
    page.get_by_role("button", name="Continue to payment").click()
    choose_on_the_card_page(page, "The payment succeeds")

    expect(page.locator(".govuk-panel")).to_contain_text("Request received")
    # The abandoned card page's payment was cancelled at the provider: one charge, not two.
    assert sorted(Payment.objects.values_list("status", flat=True)) == ["cancelled", "success"]
    assert LedgerEntry.objects.count() == 1


def test_an_agent_takes_a_card_payment_on_the_phone(page: Page, paid_service):
    sign_in(page, "agent@wexmoor.example")
    page.goto("/staff/contacts/new/?phone=07700900123")
    page.get_by_label("Postcode").fill("wx1 2ab")
    page.get_by_label("Email address").fill("rosa@example.com")
    page.get_by_role("button", name="Check the answers").click()
    page.get_by_role("button", name="Raise a request").click()
    page.get_by_label("Report a blocked drain").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("What is the problem?").fill("Drain blocked outside number 4")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("No").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Raise the request and take payment").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Take the payment of £35.50")
    assert_accessible(page)
    screenshot(page, "agent-take-payment")
    page.get_by_role("button", name="Take £35.50 by card").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Take a card payment by phone")
    page.get_by_label("The payment succeeds").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.locator(".govuk-panel")).to_contain_text("Request raised")
    expect(page.get_by_text("£35.50 has been paid")).to_be_visible()
    screenshot(page, "agent-payment-taken")
    payment = Payment.objects.get()
    assert payment.moto and payment.channel == "phone" and payment.is_paid
