"""Back offices and webhooks in Chromium: a council administrator adds an Open311 back office,
routes a service to it and adds a webhook subscriber; the outbox shows a report that cannot
be sent. Every page is scanned with axe."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, screenshot
from tests.e2e.test_api_keys import TOTP_SECRET, sign_in_with_code
from townhall.accounts.models import Role
from townhall.accounts.tests.factories import StaffFactory
from townhall.catalogue.tests.factories import ServiceFactory
from townhall.core.models import OutboxMessage, OutboxStatus
from townhall.integrations.models import WebhookSubscriber

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def council_admin():
    user = StaffFactory(email="ada@wexmoor.example", full_name="Ada Admin", role=Role.COUNCIL_ADMIN)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    TOTP.activate(user, TOTP_SECRET)
    return user


def test_an_admin_routes_potholes_to_a_back_office_and_adds_a_webhook(page: Page, council_admin):
    ServiceFactory(name="Report a pothole")
    sign_in_with_code(page, "ada@wexmoor.example")
    page.goto("/staff/")

    page.get_by_role("link", name="Integrations").click()
    page.get_by_role("link", name="Back offices").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Back offices")
    assert_accessible(page)

    page.get_by_role("button", name="Add a back office").click()
    page.get_by_role("button", name="Save the back office").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a name for the back office")
    assert_accessible(page)
    screenshot(page, "backoffice-endpoint-errors")

    page.get_by_label("Name").fill("Highways asset system")
    page.get_by_label("GeoReport v2 address").fill("https://highways.example.org/open311/v2")
    page.get_by_label("API key").fill("key-from-the-supplier")
    page.get_by_role("button", name="Save the back office").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Highways asset system is saved")

    page.get_by_role("button", name="Route a service").click()
    page.get_by_label("Service", exact=True).select_option(label="Report a pothole")
    page.get_by_label("Back office", exact=True).select_option(label="Highways asset system")
    page.get_by_label("Service code in the back office").fill("POT")
    assert_accessible(page)
    page.get_by_role("button", name="Save the route").click()
    expect(page.get_by_role("table").nth(1)).to_contain_text("Report a pothole")
    screenshot(page, "backoffice-endpoints")

    page.get_by_role("link", name="webhooks", exact=True).click()
    assert_accessible(page)
    page.get_by_role("button", name="Add a subscriber").click()
    page.get_by_label("Name").fill("Highways dashboard")
    page.get_by_label("Address").fill("https://dash.example.org/townhall-events")
    page.get_by_label("Status changed").check()
    page.get_by_role("button", name="Save the subscriber").click()
    secret = page.locator("#signing-secret").inner_text()
    assert secret == WebhookSubscriber.objects.get().secret
    assert_accessible(page)
    screenshot(page, "webhook-subscriber")


def test_the_outbox_names_a_stuck_report_and_its_back_office(page: Page, council_admin):
    OutboxMessage.objects.create(
        key="backoffice-send:1",
        topic="backoffice_send",
        status=OutboxStatus.DEAD,
        attempts=12,
        last_error="Open311Error: Could not reach Highways asset system: connection refused",
        next_attempt_at=timezone.now(),
        payload={"external_request_id": 1, "case_reference": "WX-TEST-0001", "receiver": "Highways asset system"},
    )
    sign_in_with_code(page, "ada@wexmoor.example")

    page.goto("/staff/outbox/")

    expect(page.get_by_role("table").nth(1)).to_contain_text("Case WX-TEST-0001, to Highways asset system")
    expect(page.get_by_role("table").first).to_contain_text("Reports to a back office")
    assert_accessible(page)
    screenshot(page, "outbox-backoffice")
