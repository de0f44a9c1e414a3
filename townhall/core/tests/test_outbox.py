import datetime as dt
import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from townhall.accounts.tests.factories import UserFactory
from townhall.core import outbox, tasks
from townhall.core.models import AuditEvent, OutboxMessage, OutboxStatus

delivered: list[tuple[dict, str]] = []


def record_delivery(payload: dict, delivery_key: str) -> None:
    delivered.append((payload, delivery_key))


def always_fail(payload: dict, delivery_key: str) -> None:
    raise ConnectionError("back office is down")


@pytest.fixture(autouse=True)
def test_handlers(settings):
    delivered.clear()
    settings.OUTBOX_HANDLERS = {
        **settings.OUTBOX_HANDLERS,
        "test.ok": f"{__name__}.record_delivery",
        "test.fail": f"{__name__}.always_fail",
    }
    settings.OUTBOX_MAX_ATTEMPTS = 3


@pytest.mark.django_db
def test_a_message_is_delivered_after_commit_with_its_key(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outbox.enqueue(topic="test.ok", payload={"n": 1}, key="k1")

    assert delivered == [({"n": 1}, "k1")]
    assert OutboxMessage.objects.get(key="k1").status == OutboxStatus.SENT


@pytest.mark.django_db
def test_enqueuing_the_same_key_twice_queues_it_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outbox.enqueue(topic="test.ok", payload={"n": 1}, key="same")
        outbox.enqueue(topic="test.ok", payload={"n": 1}, key="same")

    assert OutboxMessage.objects.count() == 1
    assert len(delivered) == 1


@pytest.mark.django_db
def test_a_sent_message_is_not_sent_again_by_a_later_relay():
    outbox.enqueue(topic="test.ok", payload={}, key="once")
    outbox.relay()
    outbox.relay()

    assert len(delivered) == 1


@pytest.mark.django_db
def test_refuses_a_topic_without_a_handler():
    with pytest.raises(ValueError):
        outbox.enqueue(topic="nobody.listens", payload={}, key="x")


@pytest.mark.django_db
def test_a_failure_is_kept_and_retried_with_back_off():
    outbox.enqueue(topic="test.fail", payload={}, key="f1")

    outbox.relay()

    message = OutboxMessage.objects.get(key="f1")
    assert message.status == OutboxStatus.FAILED
    assert message.attempts == 1
    assert "back office is down" in message.last_error
    assert message.next_attempt_at > timezone.now()
    # Not due yet: a second relay straight away does not hammer the receiver.
    outbox.relay()
    assert OutboxMessage.objects.get(key="f1").attempts == 1


@pytest.mark.django_db
def test_a_message_is_marked_stuck_after_the_last_attempt_and_can_be_retried():
    outbox.enqueue(topic="test.fail", payload={}, key="f2")
    for _ in range(3):
        OutboxMessage.objects.filter(key="f2").update(next_attempt_at=timezone.now())
        outbox.relay()

    message = OutboxMessage.objects.get(key="f2")
    assert message.status == OutboxStatus.DEAD
    assert message.attempts == 3

    outbox.retry_now(message, by=None)
    assert OutboxMessage.objects.get(key="f2").status == OutboxStatus.PENDING


@pytest.mark.django_db
def test_a_retry_queues_the_message_now_with_one_audit_event_and_a_second_click_does_nothing(
    django_capture_on_commit_callbacks,
):
    staff = UserFactory(email="manager@wexmoor.example")
    message = OutboxMessage.objects.create(
        key="d1", topic="test.ok", status=OutboxStatus.DEAD, next_attempt_at=timezone.now() + dt.timedelta(hours=6)
    )

    with django_capture_on_commit_callbacks(execute=False) as nudges:
        assert outbox.retry_now(message, by=staff)
    assert not outbox.retry_now(message, by=staff)

    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING
    assert message.next_attempt_at <= timezone.now()
    assert len(nudges) == 1
    retried = AuditEvent.objects.filter(action="outbox.retried")
    assert [(event.actor, event.target_id) for event in retried] == [(staff, str(message.pk))]


@pytest.mark.django_db(transaction=True)
def test_two_retries_at_once_queue_the_message_once_with_one_audit_event():
    message = OutboxMessage.objects.create(key="d2", topic="test.ok", status=OutboxStatus.DEAD)
    first_has_lock, second_started = threading.Event(), threading.Event()
    results = {}

    def first() -> None:
        with transaction.atomic():
            results["first"] = outbox.retry_now(message, by=None)
            first_has_lock.set()
            second_started.wait(timeout=5)
            time.sleep(0.2)  # the second is waiting on the row lock by now
        connection.close()

    def second() -> None:
        first_has_lock.wait(timeout=5)
        second_started.set()
        results["second"] = outbox.retry_now(message, by=None)  # waits for the first to commit
        connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert sorted(results.values()) == [False, True]
    assert AuditEvent.objects.filter(action="outbox.retried").count() == 1


@pytest.mark.django_db
def test_messages_with_one_ordering_key_wait_for_the_earlier_one():
    outbox.enqueue(topic="test.fail", payload={"n": 1}, key="o1", ordering_key="case:1")
    outbox.enqueue(topic="test.ok", payload={"n": 2}, key="o2", ordering_key="case:1")
    outbox.enqueue(topic="test.ok", payload={"n": 3}, key="o3", ordering_key="case:2")

    outbox.relay()

    assert [payload["n"] for payload, _ in delivered] == [3]
    assert OutboxMessage.objects.get(key="o2").status == OutboxStatus.PENDING


def test_back_off_doubles_and_is_capped():
    assert outbox.retry_delay(1) == dt.timedelta(seconds=30)
    assert outbox.retry_delay(2) == dt.timedelta(seconds=60)
    assert outbox.retry_delay(30) == dt.timedelta(hours=6)


def _stored(key: str, status: str, *, days_ago: float) -> OutboxMessage:
    at = timezone.now() - dt.timedelta(days=days_ago)
    return OutboxMessage.objects.create(
        key=key,
        topic="test.ok",
        status=status,
        created_at=at,
        next_attempt_at=at,
        sent_at=at if status == OutboxStatus.SENT else None,
    )


@pytest.mark.django_db
def test_purging_deletes_only_messages_sent_longer_ago_than_kept():
    old_sent = _stored("old-sent", OutboxStatus.SENT, days_ago=31)
    _stored("recent-sent", OutboxStatus.SENT, days_ago=29)
    _stored("old-dead", OutboxStatus.DEAD, days_ago=90)
    _stored("old-pending", OutboxStatus.PENDING, days_ago=90)
    _stored("old-failed", OutboxStatus.FAILED, days_ago=90)

    deleted = outbox.purge_sent(keep_days=30)

    assert deleted == 1
    assert not OutboxMessage.objects.filter(pk=old_sent.pk).exists()
    assert set(OutboxMessage.objects.values_list("key", flat=True)) == {
        "recent-sent",
        "old-dead",
        "old-pending",
        "old-failed",
    }


@pytest.mark.django_db
def test_purging_works_through_a_backlog_a_batch_at_a_time(monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(outbox, "PURGE_BATCH", 2)
    for number in range(5):
        _stored(f"sent-{number}", OutboxStatus.SENT, days_ago=60)
    _stored("kept", OutboxStatus.SENT, days_ago=1)

    # three batches of ids (2, 2, 1), each followed by its delete
    with django_assert_num_queries(6):
        deleted = outbox.purge_sent(keep_days=30)

    assert deleted == 5
    assert list(OutboxMessage.objects.values_list("key", flat=True)) == ["kept"]


@pytest.mark.django_db
def test_the_periodic_purge_keeps_sent_messages_for_the_configured_days(settings):
    settings.OUTBOX_KEEP_SENT_DAYS = 7
    _stored("eight-days", OutboxStatus.SENT, days_ago=8)
    _stored("six-days", OutboxStatus.SENT, days_ago=6)

    assert tasks.purge_sent_outbox.delay().get() == 1

    assert list(OutboxMessage.objects.values_list("key", flat=True)) == ["six-days"]


def test_beat_runs_the_purge_of_sent_messages(settings):
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert tasks.purge_sent_outbox.name in scheduled
