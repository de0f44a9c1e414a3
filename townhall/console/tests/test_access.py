"""Who may use which console page: every view refuses anonymous visitors and residents,
auditors only read, and restricted cases stay hidden outside their teams."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from townhall.accounts.models import Role
from townhall.cases.models import Attachment, Case, CaseEvent
from townhall.console.tests.conftest import ANONYMOUS, OTHER_RESIDENT, RESIDENT, once
from townhall.core.models import AuditEvent, OutboxMessage, OutboxStatus
from townhall.customers.models import Contact, Customer, CustomerAlert
from townhall.customers.tests.factories import CustomerFactory
from townhall.notifications.models import DemoMailboxMessage

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def world(make_case, customer):
    """One of everything a console page can be about."""
    case = make_case()
    attachment = Attachment.objects.create(
        case=case,
        file=SimpleUploadedFile("photo.png", PNG),
        original_name="photo.png",
        content_type="image/png",
        size=72,
    )
    duplicate = CustomerFactory(name="Rosa Resident", email="rosa@example.com")
    alert = CustomerAlert.objects.create(customer=customer, kind="vulnerable")
    message = OutboxMessage.objects.create(key="k1", topic="email", status=OutboxStatus.DEAD, attempts=12)
    mail = DemoMailboxMessage.objects.create(from_email="a@b", to="rosa@example.com", subject="Hi", body="Hello")
    return {
        "case": case,
        "attachment": attachment,
        "customer": customer,
        "duplicate": duplicate,
        "alert": alert,
        "message": message,
        "mail": mail,
    }


def _pages(world) -> dict[str, str]:
    case, customer = world["case"], world["customer"]
    return {
        "dashboard": reverse("console:dashboard"),
        "queue": reverse("console:queue"),
        "case": reverse("console:case", args=[case.reference]),
        "attachment": reverse("console:attachment", args=[case.reference, world["attachment"].public_id]),
        "customers": reverse("console:customers") + "?q=Rosa",
        "customer": reverse("console:customer", args=[customer.pk]),
        "customer_new": reverse("console:customer_new"),
        "customer_edit": reverse("console:customer_edit", args=[customer.pk]),
        "customer_merge": reverse("console:customer_merge", args=[customer.pk, world["duplicate"].pk]),
        "alert_new": reverse("console:customer_alert_new", args=[customer.pk]),
        "contact_start": reverse("console:contact_start"),
        "outbox": reverse("console:outbox"),
        "mailbox": reverse("console:mailbox"),
        "mailbox_message": reverse("console:mailbox_message", args=[world["mail"].pk]),
    }


PAGES = [
    "dashboard",
    "queue",
    "case",
    "attachment",
    "customers",
    "customer",
    "customer_new",
    "customer_edit",
    "customer_merge",
    "alert_new",
    "contact_start",
    "outbox",
    "mailbox",
    "mailbox_message",
]
# Pages only some staff may open, and who.
LIMITED = {
    "alert_new": {"officer", "manager", "admin"},
    "contact_start": {"agent", "officer", "manager", "admin"},
    "outbox": {"manager", "admin"},
}
STAFF = ["agent", "officer", "manager", "admin", "auditor"]


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in_from_every_page(page, world, login):
    response = login(ANONYMOUS).get(_pages(world)[page])

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("who", [RESIDENT, OTHER_RESIDENT])
@pytest.mark.parametrize("page", PAGES)
def test_residents_are_refused_every_page(page, who, world, login):
    assert login(who).get(_pages(world)[page]).status_code == 403


@pytest.mark.parametrize("who", STAFF)
@pytest.mark.parametrize("page", PAGES)
def test_staff_open_the_pages_their_role_allows(page, who, world, login):
    allowed = who in LIMITED.get(page, STAFF)

    response = login(who).get(_pages(world)[page])

    assert response.status_code == (200 if allowed else 403)


def _snapshot(world) -> tuple:
    case = Case.objects.get(pk=world["case"].pk)
    message = OutboxMessage.objects.get(pk=world["message"].pk)
    return (
        case.version,
        case.assignee_id,
        CaseEvent.objects.count(),
        Customer.objects.count(),
        sorted(Customer.objects.values_list("name", "merged_into_id")),
        CustomerAlert.objects.filter(cleared_at__isnull=True).count(),
        Contact.objects.count(),
        message.status,
    )


def _writes(world) -> list[tuple[str, dict]]:
    case, customer = world["case"], world["customer"]
    act = lambda name: reverse("console:case_action", args=[case.reference, name])  # noqa: E731
    return [
        (act("assign"), {"assign-assignee": "", "assign-version": case.version}),
        (act("status"), {"status-status": "resolved", "status-reason": "Done", "status-version": case.version}),
        (act("priority"), {"priority-priority": "urgent", "priority-version": case.version}),
        (act("note"), {"note-text": "A note"}),
        (act("update"), {"update-text": "An update"}),
        (act("message"), {"message-text": "A message"}),
        (reverse("console:customer_new"), {"kind": "person", "name": "New Person"}),
        (reverse("console:customer_edit", args=[customer.pk]), {"kind": "person", "name": "Renamed"}),
        (reverse("console:customer_merge", args=[customer.pk, world["duplicate"].pk]), {}),
        (reverse("console:customer_alert_new", args=[customer.pk]), {"kind": "large_print"}),
        (reverse("console:customer_alert_clear", args=[customer.pk, world["alert"].pk]), {}),
        (reverse("console:contact_start"), {"channel": "phone"}),
        (reverse("console:outbox_retry", args=[world["message"].pk]), {}),
    ]


def test_auditors_read_but_every_write_is_refused_and_changes_nothing(world, login):
    client = login("auditor")
    before = _snapshot(world)

    for url, data in _writes(world):
        response = client.post(url, {**data, "once": once()})
        assert response.status_code == 403, url

    assert _snapshot(world) == before


@pytest.mark.parametrize("who", [ANONYMOUS, RESIDENT, OTHER_RESIDENT])
def test_outsiders_cannot_write_anything(who, world, login):
    client = login(who)
    before = _snapshot(world)

    for url, data in _writes(world):
        response = client.post(url, {**data, "once": once()})
        assert response.status_code in (302, 403), url
        if who == ANONYMOUS:
            assert reverse("account_login") in response.url

    assert _snapshot(world) == before


@pytest.mark.parametrize("who", ["agent", "auditor"])
def test_staff_who_cannot_manage_alerts_can_neither_set_nor_clear_them(who, world, login):
    customer, alert = world["customer"], world["alert"]
    client = login(who)

    set_response = client.post(
        reverse("console:customer_alert_new", args=[customer.pk]), {"kind": "large_print", "once": once()}
    )
    clear_response = client.post(reverse("console:customer_alert_clear", args=[customer.pk, alert.pk]))

    assert set_response.status_code == 403
    assert clear_response.status_code == 403
    assert list(customer.alerts.filter(cleared_at__isnull=True)) == [alert]


@pytest.fixture
def restricted_case(make_case, restricted_service):
    return make_case(restricted_service)


def test_a_restricted_case_is_not_found_for_staff_outside_its_teams(restricted_case, login):
    client = login("officer")
    page = reverse("console:case", args=[restricted_case.reference])
    action = reverse("console:case_action", args=[restricted_case.reference, "note"])

    assert client.get(page).status_code == 404
    assert client.post(action, {"note-text": "Peeking", "once": once()}).status_code == 404
    assert not restricted_case.events.filter(kind="note").exists()
    assert not AuditEvent.objects.filter(action="case.viewed").exists()


def test_a_restricted_case_is_missing_from_queues_outside_its_teams(restricted_case, login):
    response = login("officer").get(reverse("console:queue"), {"team": "all"})

    assert restricted_case.reference not in response.content.decode()


def test_viewing_a_restricted_case_is_audited(restricted_case, private_team, officer, client):
    private_team.members.add(officer)
    client.force_login(officer)

    response = client.get(reverse("console:case", args=[restricted_case.reference]))

    assert response.status_code == 200
    assert AuditEvent.objects.filter(
        action="case.viewed", actor=officer, target_id=str(restricted_case.pk), target_type="cases.case"
    ).exists()


def test_viewing_an_ordinary_case_is_not_audited(world, login):
    login("officer").get(reverse("console:case", args=[world["case"].reference]))

    assert not AuditEvent.objects.filter(action="case.viewed").exists()


def test_the_sent_mail_is_not_found_outside_demo_mode(world, login, settings):
    settings.DEMO_MODE = False
    client = login("admin")

    assert client.get(reverse("console:mailbox")).status_code == 404
    assert client.get(reverse("console:mailbox_message", args=[world["mail"].pk])).status_code == 404


def test_a_council_admin_without_two_step_verification_is_sent_to_set_it_up(client, world):
    from townhall.accounts.tests.factories import StaffFactory

    client.force_login(StaffFactory(role=Role.COUNCIL_ADMIN))

    response = client.get(reverse("console:dashboard"))

    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


CONTACT_PAGES = [
    ("contact", ()),
    ("contact_caller", ()),
    ("contact_new_customer", ()),
    ("contact_verify", ()),
    ("contact_articles", ()),
    ("contact_article", (1,)),
    ("contact_case", ("WX-0000-0000",)),
    ("contact_end", ()),
    ("contact_raise", ()),
    ("contact_check", ("6f1c1d3e-0000-4000-8000-000000000000",)),
    ("contact_question", ("6f1c1d3e-0000-4000-8000-000000000000", "details")),
    ("contact_raised", ("WX-0000-0000",)),
]


@pytest.mark.parametrize(
    ("who", "expected"), [(ANONYMOUS, 302), (RESIDENT, 403), (OTHER_RESIDENT, 403), ("auditor", 403)]
)
@pytest.mark.parametrize(("name", "args"), CONTACT_PAGES)
def test_the_contact_pages_are_for_staff_who_work_cases(name, args, who, expected, login):
    url = reverse(f"console:{name}", args=["abc123def456", *args])
    client = login(who)

    assert client.get(url).status_code in (expected, 405)
    assert client.post(url, {"once": once()}).status_code == expected
    assert not Contact.objects.exists()
