"""The staff case page as an officer meets it: the customer's alerts first, a plain word that
the resident has written, and the people following the case, one of whom finds it in My
Account; and a phone contact that a reload does not start twice. Every page on the way is
scanned with axe."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, screenshot
from tests.e2e.test_journeys import sign_in
from townhall.accounts.models import Role
from townhall.accounts.tests.factories import StaffFactory, TeamFactory, UserFactory
from townhall.cases.models import WatchReason
from townhall.cases.services import Requester, add_watcher, receive_message, submit_case
from townhall.catalogue.models import Channel
from townhall.catalogue.tests.factories import ServiceFactory
from townhall.console.contacts import SESSION_KEY
from townhall.customers.models import AlertKind
from townhall.customers.services import link_account, set_alert
from townhall.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _staff(email: str, role: Role, *teams):
    user = StaffFactory(email=email, role=role)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    for team in teams:
        team.members.add(user)
    return user


@pytest.fixture
def case():
    team = TeamFactory(name="Street care", slug="street-care")
    officer = _staff("officer@wexmoor.example", Role.OFFICER, team)
    customer = CustomerFactory(name="Rosa Resident", email="rosa@example.com", phone="07700 900123")
    case = submit_case(
        service=ServiceFactory(name="Report a blocked drain", slug="blocked-drain", team=team),
        answers={"details": "Water pooling by number 4", "urgent": "no"},
        channel=Channel.WEB,
        customer=customer,
        requester=Requester(name="Rosa Resident", email="rosa@example.com"),
    )
    set_alert(customer=customer, kind=AlertKind.TWO_OFFICERS, text="Dog on site", by=officer)
    neighbour = CustomerFactory(name="Ben Neighbour", email="ben@example.com")
    add_watcher(case=case, customer=neighbour, reason=WatchReason.DUPLICATE_REPORT, by=officer)
    add_watcher(case=case, email="cy@example.com", reason=WatchReason.SUPPORTER, by=officer)
    receive_message(case=case, text="The water is now up to the kerb.")
    return case


def test_an_officer_sees_the_alert_the_new_message_and_who_follows_the_case(page: Page, case):
    sign_in(page, "officer@wexmoor.example")
    page.goto(f"/staff/cases/{case.reference}/")

    expect(page.locator(".govuk-warning-text")).to_contain_text("Two officers must visit: Dog on site")
    banner = page.get_by_role("region", name="New message")
    expect(banner).to_contain_text("The resident sent a new message")
    followers = page.get_by_role("table", name="People following this case")
    expect(followers).to_contain_text("Ben Neighbour")
    expect(followers).to_contain_text("cy@example.com")
    assert_accessible(page)
    screenshot(page, "officer-case-alert-message-followers")

    message = case.events.get(kind="message_in")
    banner.get_by_role("link", name="Read their message").click()
    expect(page).to_have_url(re.compile(f"#event-{message.pk}$"))
    expect(page.locator(f"#event-{message.pk}")).to_contain_text("The water is now up to the kerb.")

    followers.get_by_role("button", name="Stop updates (cy@example.com)").click()
    expect(page.get_by_text("They no longer follow this case")).to_be_visible()
    expect(page.get_by_role("table", name="People following this case")).not_to_contain_text("cy@example.com")
    # Read by the officer who answers it: the next visit has no banner.
    expect(page.get_by_role("region", name="New message")).to_have_count(0)
    assert_accessible(page)


def test_reloading_the_telephony_link_keeps_one_contact(page: Page):
    _staff("agent@wexmoor.example", Role.AGENT)
    CustomerFactory(name="Rosa Resident", phone="07700 900123")
    sign_in(page, "agent@wexmoor.example")

    page.goto("/staff/contacts/new/?phone=07700900123")
    contact_url = page.url
    page.reload()
    page.go_back()
    page.goto("/staff/contacts/new/?phone=07700900123")

    expect(page).to_have_url(contact_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rosa Resident")
    (session_key,) = [cookie["value"] for cookie in page.context.cookies() if cookie["name"] == "sessionid"]
    assert len(SessionStore(session_key=session_key).load()[SESSION_KEY]) == 1
    assert_accessible(page)


def test_a_resident_sees_the_request_they_follow_in_my_account(page: Page, case):
    resident = UserFactory(email="ben@example.com", full_name="Ben Neighbour")
    EmailAddress.objects.create(user=resident, email=resident.email, verified=True, primary=True)
    link_account(user=resident)
    sign_in(page, "ben@example.com")

    page.goto("/account/requests/")

    following = page.get_by_role("table", name="Requests you follow, newest first")
    expect(following).to_contain_text(case.reference)
    expect(following).to_contain_text("Report a blocked drain")
    assert_accessible(page)
    screenshot(page, "resident-following")
