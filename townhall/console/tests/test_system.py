"""The outbox page and the demo's sent mail."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from townhall.console.tests.conftest import once
from townhall.core.models import AuditEvent, OutboxMessage, OutboxStatus
from townhall.notifications.models import DemoMailboxMessage

pytestmark = pytest.mark.django_db


def _message(key: str, status: str, **fields) -> OutboxMessage:
    return OutboxMessage.objects.create(key=key, topic="email", status=status, **fields)


def test_the_outbox_counts_unsent_messages_and_lists_what_needs_attention(login):
    dead = _message("dead", OutboxStatus.DEAD, attempts=12, last_error="SMTPServerDisconnected: gone")
    failing = _message("failing", OutboxStatus.FAILED, attempts=2)
    overdue = _message("overdue", OutboxStatus.PENDING, next_attempt_at=timezone.now() - dt.timedelta(hours=1))
    _message("due-now", OutboxStatus.PENDING)
    _message("sent", OutboxStatus.SENT, sent_at=timezone.now())

    response = login("manager").get(reverse("console:outbox"))

    backlog = {row.label: (row.pending, row.failing, row.stuck) for row in response.context["backlog"]}
    assert backlog == {"Emails": (2, 1, 1), "All messages": (2, 1, 1)}  # sent ones are not counted
    assert set(response.context["page"].object_list) == {dead, failing, overdue}
    assert "SMTPServerDisconnected: gone" in response.content.decode()


def test_the_outbox_says_when_the_last_message_was_sent_and_how_long_sent_ones_are_kept(login, settings):
    settings.OUTBOX_KEEP_SENT_DAYS = 14
    sent_at = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 15))  # noqa: DTZ001 - made aware in London time
    _message("older", OutboxStatus.SENT, sent_at=sent_at - dt.timedelta(days=1))
    _message("newest", OutboxStatus.SENT, sent_at=sent_at)
    _message("waiting", OutboxStatus.PENDING)

    page = login("manager").get(reverse("console:outbox")).content.decode()

    assert "The last message was sent on 2 March 2026, 09:15." in page
    assert "Sent messages are deleted after 14 days." in page


def test_the_outbox_says_when_no_sent_message_is_kept(login):
    page = login("manager").get(reverse("console:outbox")).content.decode()

    assert "No sent messages are kept." in page


def test_the_outbox_page_never_reads_the_sent_messages(login):
    # Given the planner may not scan the table, each query of the page must still be
    # answerable through an index: the unsent counts and list only if their condition
    # implies the partial index's, the last sent message by walking the primary key back.
    _message("dead", OutboxStatus.DEAD)
    _message("sent", OutboxStatus.SENT, sent_at=timezone.now())
    client = login("manager")

    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("console:outbox"))

    outbox_queries = [query["sql"] for query in queries.captured_queries if "core_outboxmessage" in query["sql"]]
    assert len(outbox_queries) == 4
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            for sql in outbox_queries:
                cursor.execute(f"EXPLAIN {sql}")
                plan = "\n".join(row[0] for row in cursor.fetchall())
                latest_sent = 'ORDER BY "core_outboxmessage"."id" DESC' in sql
                assert ("core_outboxmessage_pkey" if latest_sent else "outbox_unsent_idx") in plan, plan
        finally:
            cursor.execute("RESET enable_seqscan")


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

    # session, user, unsent counts by kind, last sent, the page's count and rows
    with django_assert_max_num_queries(6):
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
