"""The finance pages in Chromium: a team manager reads the income report, then resolves
what the reconciliation found. Every page is scanned with axe and photographed."""

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, screenshot
from townhall.accounts.models import Role
from townhall.accounts.tests.factories import StaffFactory, TeamFactory
from townhall.catalogue.models import Channel
from townhall.payments import services
from townhall.payments.models import Method, Mismatch, MismatchKind, PaymentStatus
from townhall.payments.providers.sandbox import SandboxProvider
from townhall.payments.reconciliation import reconcile
from townhall.payments.tests.factories import awaiting_case, paid_service, return_url_for

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct-horse-battery"


def _pay_online(case, channel=Channel.WEB):
    payment = services.start_payment(
        case=case, channel=channel, by=None, return_url_for=return_url_for, after_url="/after/"
    )
    SandboxProvider().complete(payment.provider_id, "success")
    return services.refresh_payment(payment)


@pytest.fixture
def money():
    """Today: payments into two funds by three channels, a refund, and what reconciliation found."""
    manager = StaffFactory(email="maggie@wexmoor.example", full_name="Maggie Manager", role=Role.TEAM_MANAGER)
    EmailAddress.objects.create(user=manager, email=manager.email, verified=True, primary=True)
    waste = paid_service(fee_pence=3500, fund_code="WASTE-BULKY")
    permits = paid_service(
        fee_pence=5000, fund_code="PARKING", name="Apply for a parking permit", team=TeamFactory(slug="parking")
    )
    _pay_online(awaiting_case(waste))
    _pay_online(awaiting_case(permits, channel=Channel.PHONE), channel=Channel.PHONE)
    cash = services.record_counter_payment(
        case=awaiting_case(waste, channel=Channel.FACE_TO_FACE), method=Method.CASH, receipt_number="T-1", by=manager
    )
    services.request_refund(payment=cash, amount=1250, reason="One item not collected", by=manager)
    # The provider took money Townhall never heard of, and a payment's status disagrees.
    provider = SandboxProvider()
    lost = provider.create_payment(amount=2000, reference="WX-LOST", description="Lost", return_url="http://t/")
    provider.complete(lost.provider_id, "success")
    disputed = _pay_online(awaiting_case(waste))
    type(disputed).objects.filter(pk=disputed.pk).update(status=PaymentStatus.FAILED)
    reconcile(timezone.localdate())
    return {"manager": manager, "disputed": disputed}


def sign_in(page: Page, email: str) -> None:
    page.goto("/account/auth/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _fill_date(page: Page, field: str, day) -> None:
    for number, part in enumerate((day.day, day.month, day.year)):
        page.locator(f"#id_{field}_{number}").fill(str(part))


def test_a_manager_reads_the_income_report_and_resolves_a_mismatch(page: Page, money):
    today = timezone.localdate()
    sign_in(page, "maggie@wexmoor.example")

    page.get_by_role("link", name="Payments").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Income report")
    _fill_date(page, "start", today)
    _fill_date(page, "end", today.replace(year=today.year - 2))
    page.get_by_role("button", name="Show the report").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("same as or after the start date")
    assert_accessible(page)

    _fill_date(page, "end", today)
    page.get_by_role("button", name="Show the report").click()
    expect(page.get_by_role("table", name="By fund code")).to_contain_text("WASTE-BULKY")
    expect(page.get_by_role("table", name="By channel and payment method")).to_contain_text("Face to face: Cash")
    # £35 online, £50 by phone, £35 cash, and the disputed £35 (the ledger keeps what was posted); £12.50 back.
    expect(page.locator(".govuk-summary-list")).to_contain_text("£155 from 4 payments")
    expect(page.locator(".govuk-summary-list")).to_contain_text("£142.50")
    assert_accessible(page)
    screenshot(page, "finance-income-report")

    page.get_by_role("link", name="Reconciliation").click()
    expect(page.get_by_role("table")).to_contain_text("Taken by the provider, not recorded here")
    expect(page.get_by_role("link", name=money["disputed"].case.reference, exact=True)).to_be_visible()
    assert_accessible(page)
    screenshot(page, "finance-reconciliation")

    page.get_by_role("link", name="Mark as resolved Taken by the provider").click()
    page.get_by_role("button", name="Mark as resolved").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter what was done to resolve it")
    assert_accessible(page)
    screenshot(page, "finance-resolve-error")
    page.get_by_label("What was done to resolve it").fill("Refunded through the provider's admin pages")
    page.get_by_role("button", name="Mark as resolved").click()

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Mismatch marked as resolved")
    assert Mismatch.objects.get(kind=MismatchKind.UNKNOWN_TO_TOWNHALL).resolved_by == money["manager"]
    _fill_date(page, "day", today)
    page.get_by_role("button", name="Check this day").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("0 new mismatches found")
    assert_accessible(page)
