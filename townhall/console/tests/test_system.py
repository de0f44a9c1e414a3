"""The outbox page and the demo's sent mail."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from townhall.console.tests.conftest import once
from townhall.core.models import AuditEvent, OutboxMessage, OutboxStatus
from townhall.notifications.models import DemoMailboxMessage

pytestmark = pytest.mark.django_db


def _message(key: str, status: str, **fields) -> OutboxMessage:
    return OutboxMessage.objects.create(key=key, topic="email", status=status, **fields)


def test_the_outbox_counts_by_status_and_lists_what_needs_attention(login):
    dead = _message("dead", OutboxStatus.DEAD, attempts=12, last_error="SMTPServerDisconnected: gone")
    failing = _message("failing", OutboxStatus.FAILED, attempts=2)
    overdue = _message("overdue", OutboxStatus.PENDING, next_attempt_at=timezone.now() - dt.timedelta(hours=1))
    _message("due-now", OutboxStatus.PENDING)
    _message("sent", OutboxStatus.SENT)

    response = login("manager").get(reverse("console:outbox"))

    counts = {status.value: count for status, count in response.context["counts"]}
    assert counts == {"pending": 2, "sent": 1, "failed": 1, "dead": 1}
    assert set(response.context["page"].object_list) == {dead, failing, overdue}
    assert "SMTPServerDisconnected: gone" in response.content.decode()


def test_retrying_a_stuck_message_queues_it_now_and_is_audited(login, manager):
    dead = _message("dead", OutboxStatus.DEAD, attempts=12, next_attempt_at=timezone.now() + dt.timedelta(hours=6))

    response = login("manager").post(reverse("console:outbox_retry", args=[dead.pk]), {"once": once()})

    assert response.url == reverse("console:outbox")
    dead.refresh_from_db()
    assert dead.status == OutboxStatus.PENDING
    assert dead.next_attempt_at <= timezone.now()
    assert AuditEvent.objects.filter(action="outbox.retried", actor=manager, target_id=str(dead.pk)).exists()


def test_retrying_a_sent_message_changes_nothing(login):
    sent = _message("sent", OutboxStatus.SENT)

    login("admin").post(reverse("console:outbox_retry", args=[sent.pk]), {"once": once()})

    sent.refresh_from_db()
    assert sent.status == OutboxStatus.SENT
    assert not AuditEvent.objects.filter(action="outbox.retried").exists()


@pytest.mark.parametrize("who", ["agent", "officer", "auditor"])
def test_retrying_is_refused_to_staff_who_do_not_run_the_outbox(who, login):
    dead = _message("dead", OutboxStatus.DEAD)

    response = login(who).post(reverse("console:outbox_retry", args=[dead.pk]), {"once": once()})

    assert response.status_code == 403
    dead.refresh_from_db()
    assert dead.status == OutboxStatus.DEAD


@pytest.mark.parametrize("rows", [3, 30])
def test_the_outbox_takes_the_same_queries_however_many_rows(rows, login, django_assert_max_num_queries):
    for number in range(rows):
        _message(f"dead-{number}", OutboxStatus.DEAD)
    client = login("manager")

    with django_assert_max_num_queries(5):
        response = client.get(reverse("console:outbox"))

    assert len(response.context["page"].object_list) == rows


def test_the_sent_mail_lists_messages_newest_first(login):
    older = DemoMailboxMessage.objects.create(
        from_email="a@b", to="x@example.com", subject="Older", body="", sent_at=timezone.now() - dt.timedelta(hours=1)
    )
    newer = DemoMailboxMessage.objects.create(from_email="a@b", to="x@example.com", subject="Newer", body="")

    response = login("agent").get(reverse("console:mailbox"))

    assert list(response.context["page"].object_list) == [newer, older]


def test_a_sent_message_shows_its_links_as_links(login):
    message = DemoMailboxMessage.objects.create(
        from_email="a@b",
        to="x@example.com",
        subject="Confirm your email",
        body="Confirm here: http://127.0.0.1:8000/account/auth/confirm-email/abc/\n\nThanks",
    )

    response = login("auditor").get(reverse("console:mailbox_message", args=[message.pk]))

    assert '<a href="http://127.0.0.1:8000/account/auth/confirm-email/abc/"' in response.content.decode()


@pytest.mark.parametrize("rows", [3, 30])
def test_the_sent_mail_takes_the_same_queries_however_many_rows(rows, login, django_assert_max_num_queries):
    for number in range(rows):
        DemoMailboxMessage.objects.create(from_email="a@b", to="x@example.com", subject=f"Mail {number}", body="")
    client = login("officer")

    with django_assert_max_num_queries(4):
        response = client.get(reverse("console:mailbox"))

    assert len(response.context["page"].object_list) == rows
