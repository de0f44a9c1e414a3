"""The service builder's checks in Chromium: an email using a placeholder its event cannot
fill, a question others depend on, the version history's changes, a department with
services; then a resident sees a paid service's cost and types a 2-digit year. Every page
is scanned with axe."""

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, screenshot
from townhall.accounts.models import Role
from townhall.accounts.tests.factories import StaffFactory
from townhall.catalogue import services
from townhall.catalogue.models import FeeKind
from townhall.catalogue.tests.factories import DepartmentFactory, ServiceFactory

pytestmark = pytest.mark.django_db(transaction=True)

BIN = {
    "key": "bin",
    "type": "single_choice",
    "label": "Which bin was missed?",
    "options": [{"value": "refuse", "label": "Refuse"}, {"value": "garden", "label": "Garden waste"}],
}
GARDEN = {
    "key": "subscribed",
    "type": "yes_no",
    "label": "Do you pay for garden waste?",
    "show_if": {"question": "bin", "equals": "garden"},
}


@pytest.fixture
def admin_page(page: Page, live_server) -> Page:
    """The page signed in as a council administrator with 2-step verification."""
    admin = StaffFactory(role=Role.COUNCIL_ADMIN, email="ada@wexmoor.example", full_name="Ada Admin")
    Authenticator.objects.create(user=admin, type=Authenticator.Type.TOTP, data={"secret": "not-used-in-tests"})
    client = Client()
    client.force_login(admin)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    page.admin = admin
    return page


@pytest.fixture
def missed_bin():
    department = DepartmentFactory(name="Environment", slug="environment")
    return ServiceFactory(name="Report a missed bin", slug="missed-bin", department=department, questions=[BIN])


def test_an_email_may_only_use_the_placeholders_its_event_fills_in(admin_page: Page, missed_bin):
    page = admin_page
    page.goto(f"/staff/catalogue/services/{missed_bin.pk}/emails/submitted/")
    placeholders = page.get_by_role("list", name="Placeholders this email can use")
    expect(placeholders).to_contain_text("((deadline_sentence))")
    expect(placeholders).not_to_contain_text("((amount))")
    assert_accessible(page)

    page.get_by_label("Text of the email").fill("Thank you, we took ((amount)) for ((reference")
    page.get_by_role("button", name="Save email").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("This email cannot use ((amount)).")
    expect(summary).to_contain_text("Close “((reference” with two closing brackets.")
    expect(summary).to_contain_text("It can use ((name)), ((reference))")
    expect(page.locator("#id_body-error")).to_contain_text("This email cannot use ((amount)).")
    assert_accessible(page)
    screenshot(page, "builder-email-placeholder-refused")


def test_a_question_others_depend_on_keeps_its_type_and_the_history_shows_changes(admin_page: Page, missed_bin):
    page = admin_page
    services.save_draft_questions(
        service=missed_bin, questions=[{**BIN, "label": "Which bin did we miss?"}, GARDEN], by=page.admin
    )

    page.goto(f"/staff/catalogue/services/{missed_bin.pk}/questions/bin/type/")
    expect(page.locator(".govuk-inset-text")).to_contain_text("Do you pay for garden waste?")
    assert_accessible(page)
    page.get_by_label("Short text").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Save question").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "“Do you pay for garden waste?” depends on the answer to “Which bin did we miss?”, "
        "so that must be a choice or yes-or-no question"
    )
    assert_accessible(page)
    screenshot(page, "builder-question-type-refused")

    page.goto(f"/staff/catalogue/services/{missed_bin.pk}/versions/")
    version_2, version_1 = page.locator(".govuk-summary-card").all()  # newest first
    expect(version_2).to_contain_text("Question: was “Which bin was missed?”, now “Which bin did we miss?”")
    expect(version_2).to_contain_text("Do you pay for garden waste?")  # added
    expect(version_1).to_contain_text("The first version.")
    assert_accessible(page)
    screenshot(page, "builder-version-history")


def test_a_department_with_services_is_not_deleted(admin_page: Page, missed_bin):
    page = admin_page
    page.goto("/staff/catalogue/departments/")
    page.get_by_role("link", name="Change Environment").click()
    expect(page.get_by_text("This department cannot be deleted while it has a service.")).to_be_visible()
    expect(page.get_by_role("link", name="Delete this department")).to_have_count(0)
    assert_accessible(page)
    # Should the page be out of date, deleting is still refused.
    page.goto(f"/staff/catalogue/departments/{missed_bin.department_id}/delete/")
    page.get_by_role("button", name="Delete department").click()

    expect(page.locator(".govuk-error-summary")).to_contain_text("Environment has 1 service, so it cannot be deleted.")
    assert_accessible(page)
    screenshot(page, "builder-department-not-deleted")


def test_a_resident_sees_the_cost_and_gives_the_year_in_4_numbers(page: Page):
    ServiceFactory(
        name="Ask for a tree inspection",
        slug="tree-inspection",
        questions=[{"key": "when", "type": "date", "label": "When did you notice the damage?"}],
        fee_kind=FeeKind.FIXED,
        fee_pence=2500,
        fund_code="ENV",
    )

    page.goto("/services/tree-inspection/")
    expect(page.get_by_text("This costs £25.")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "resident-start-page-cost")
    page.get_by_role("button", name="Start now").click()

    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("26")
    page.get_by_role("button", name="Continue").click()

    expect(page.locator(".govuk-error-summary")).to_contain_text("Year must include 4 numbers")
    assert_accessible(page)
    screenshot(page, "resident-date-2-digit-year")
