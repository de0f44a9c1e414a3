"""API keys in Chromium: a council administrator signs in with their two-factor code, issues
an Open311 key (seeing its secret once), and revokes it. Every page is scanned with axe."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value, yield_hotp_counters_from_time
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, screenshot
from townhall.accounts.models import Role
from townhall.accounts.tests.factories import StaffFactory
from townhall.integrations import selectors
from townhall.integrations.models import ApiKey

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct-horse-battery"
TOTP_SECRET = "JBSWY3DPEHPK3PXPAPIKEYSPAGETESTS"


@pytest.fixture
def admin():
    user = StaffFactory(email="ada@wexmoor.example", full_name="Ada Admin", role=Role.COUNCIL_ADMIN)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    TOTP.activate(user, TOTP_SECRET)
    return user


def sign_in_with_code(page: Page, email: str) -> None:
    page.goto("/account/auth/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    counters = list(yield_hotp_counters_from_time())
    page.locator("#id_code").fill(format_hotp_value(hotp_value(TOTP_SECRET, counters[len(counters) // 2])))
    page.get_by_role("button", name="Continue").click()


def test_an_admin_issues_an_open311_key_then_revokes_it(page: Page, admin):
    sign_in_with_code(page, "ada@wexmoor.example")
    page.goto("/staff/")

    page.get_by_role("link", name="Integrations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Integrations")
    assert_accessible(page)
    screenshot(page, "integrations-index")
    page.get_by_role("link", name="API keys").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API keys")
    expect(page.get_by_role("table")).to_contain_text("No keys have been issued yet.")
    assert_accessible(page)

    page.get_by_role("button", name="Issue a key").click()
    page.get_by_role("button", name="Issue the key").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the client name")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select what the key may do")
    assert_accessible(page)
    screenshot(page, "api-keys-issue-errors")

    page.get_by_label("Client name").fill("Street reporting app")
    page.get_by_label("Open311: report problems and read reports").check()
    page.get_by_role("button", name="Issue the key").click()
    expect(page.locator(".govuk-panel")).to_contain_text("The key is issued")
    secret = page.locator("#api-key-secret").inner_text()
    assert selectors.api_key_for(secret).client_name == "Street reporting app"
    assert_accessible(page)
    screenshot(page, "api-keys-issued")

    page.get_by_role("link", name="I have copied the key").click()
    expect(page.get_by_role("table")).to_contain_text("Street reporting app")
    expect(page.get_by_role("table")).not_to_contain_text(secret)
    page.get_by_role("link", name="Revoke the key for Street reporting app").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revoke the key for Street reporting app?")
    assert_accessible(page)
    page.get_by_role("button", name="Revoke the key").click()

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("is revoked")
    expect(page.get_by_role("table")).to_contain_text("Revoked")
    assert_accessible(page)
    screenshot(page, "api-keys-list")
    assert not ApiKey.objects.get().is_active
