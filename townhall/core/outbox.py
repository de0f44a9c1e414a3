"""The transactional outbox: the one way Townhall reaches the outside world.

A service calls `enqueue` inside its transaction; the message commits with the change
or not at all. After commit the relay (a Celery task, nudged on commit and run by
beat as a safety net) hands each due message to its handler, named by topic in
`settings.OUTBOX_HANDLERS`. Delivery is at least once: a handler gets the message's
key as a delivery key so that the receiver can ignore a repeat. Failures are retried
with back-off, and after `OUTBOX_MAX_ATTEMPTS` the message is marked stuck for staff
to see and retry. Sent messages are deleted after `OUTBOX_KEEP_SENT_DAYS`, so the table
holds weeks of traffic, not years; what is unsent is found through a partial index.
"""

import datetime as dt
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from townhall.core import audit
from townhall.core.models import OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

Handler = Callable[[dict, str], None]
_UNSENT = [OutboxStatus.PENDING, OutboxStatus.FAILED, OutboxStatus.DEAD]
# A pending message this long past its time means the relay is not running.
STUCK_AFTER = dt.timedelta(minutes=10)
# Sent messages deleted per statement when purging, so no delete holds locks for long.
PURGE_BATCH = 5000


def enqueue(*, topic: str, payload: dict, key: str, ordering_key: str = "") -> OutboxMessage:
    """Queue `payload` for `topic`; a second call with the same key queues nothing more."""
    if topic not in settings.OUTBOX_HANDLERS:
        raise ValueError(f"No outbox handler for topic {topic!r}")
    message, created = OutboxMessage.objects.get_or_create(
        key=key, defaults={"topic": topic, "payload": payload, "ordering_key": ordering_key}
    )
    if created:
        transaction.on_commit(_nudge_relay)
    return message


def _nudge_relay() -> None:
    from townhall.core.tasks import relay_outbox

    try:
        relay_outbox.delay()
    except Exception:
        logger.warning("Could not nudge the outbox relay; the periodic run will deliver", exc_info=True)


def retry_delay(attempts: int) -> dt.timedelta:
    """30 s, 1 min, 2 min … doubling up to 6 hours between tries."""
    return dt.timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 6 * 60 * 60))


def due_messages():
    """Messages ready to go, leaving any whose earlier sibling (same ordering key) is unsent."""
    earlier_unsent = OutboxMessage.objects.filter(
        ordering_key=OuterRef("ordering_key"), id__lt=OuterRef("id"), status__in=_UNSENT
    ).exclude(ordering_key="")
    return (
        OutboxMessage.objects.filter(
            status__in=[OutboxStatus.PENDING, OutboxStatus.FAILED], next_attempt_at__lte=timezone.now()
        )
        .exclude(Exists(earlier_unsent))
        .order_by("next_attempt_at", "id")
    )


def relay(*, limit: int = 100) -> int:
    """Deliver up to `limit` due messages; returns how many were delivered."""
    delivered = 0
    for message_id in list(due_messages().values_list("id", flat=True)[:limit]):
        if deliver(message_id):
            delivered += 1
    return delivered


def deliver(message_id: int) -> bool:
    """Deliver one message under a row lock, so two relays never send it twice at once."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(Q(status=OutboxStatus.PENDING) | Q(status=OutboxStatus.FAILED), id=message_id)
            .first()
        )
        if message is None:
            return False
        handler: Handler = import_string(settings.OUTBOX_HANDLERS[message.topic])
        message.attempts += 1
        try:
            with transaction.atomic():  # a savepoint: a handler's database error spoils nothing else
                handler(message.payload, message.key)
        except Exception as exc:  # noqa: BLE001 - any failure is retried and shown to staff
            logger.warning("Outbox %s %s failed (attempt %s): %s", message.topic, message.key, message.attempts, exc)
            gave_up = message.attempts >= settings.OUTBOX_MAX_ATTEMPTS
            message.status = OutboxStatus.DEAD if gave_up else OutboxStatus.FAILED
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            message.next_attempt_at = timezone.now() + retry_delay(message.attempts)
            message.save(update_fields=["attempts", "status", "last_error", "next_attempt_at"])
            return False
        message.status = OutboxStatus.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
        message.save(update_fields=["attempts", "status", "sent_at", "last_error"])
        return True


def unsent() -> QuerySet[OutboxMessage]:
    """Every message not yet delivered. Its condition is the partial index's
    (`outbox_unsent_idx`), so queries built on it read only unsent rows, however many
    sent ones the table holds."""
    return OutboxMessage.objects.exclude(status=OutboxStatus.SENT)


def unsent_counts() -> dict[str, dict[str, int]]:
    """How many messages are pending, failing and stuck, by topic and status (absent when none)."""
    counts: dict[str, dict[str, int]] = {}
    for topic, status, number in unsent().order_by().values_list("topic", "status").annotate(n=Count("*")):
        counts.setdefault(topic, {})[status] = number
    return counts


def last_sent_at() -> dt.datetime | None:
    """When the newest message (by when it was queued) was delivered; None if none is kept.
    Read backwards along the primary key, so it stops at the first sent row it meets."""
    return (
        OutboxMessage.objects.filter(status=OutboxStatus.SENT).order_by("-id").values_list("sent_at", flat=True).first()
    )


def needing_attention() -> QuerySet[OutboxMessage]:
    """Messages failing, given up on, or overdue because the relay is not running."""
    overdue = Q(status=OutboxStatus.PENDING, next_attempt_at__lt=timezone.now() - STUCK_AFTER)
    return unsent().filter(Q(status__in=[OutboxStatus.FAILED, OutboxStatus.DEAD]) | overdue)


def purge_sent(*, keep_days: int, now: dt.datetime | None = None) -> int:
    """Delete messages delivered more than `keep_days` ago, a batch at a time; returns how
    many. Their effects happened long since; the audit log keeps what staff did. Unsent
    messages are never deleted, however old."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=keep_days)
    old = OutboxMessage.objects.filter(status=OutboxStatus.SENT, sent_at__lt=cutoff).order_by("id")
    deleted = 0
    while True:
        batch = list(old.values_list("id", flat=True)[:PURGE_BATCH])
        if batch:
            deleted += OutboxMessage.objects.filter(id__in=batch).delete()[0]
        if len(batch) < PURGE_BATCH:
            break
    if deleted:
        logger.info("Deleted %s outbox messages sent before %s", deleted, cutoff.isoformat())
    return deleted


@transaction.atomic
def retry_now(message: OutboxMessage, *, by) -> bool:
    """Staff asked to try a message needing attention again straight away: queued now, with
    its audit event. False, changing nothing, if it is sent or queued again already (a
    second click): the row lock makes a concurrent second request wait, then find that."""
    locked = needing_attention().select_for_update().filter(pk=message.pk).first()
    if locked is None:
        return False
    locked.status = OutboxStatus.PENDING
    locked.next_attempt_at = timezone.now()
    locked.save(update_fields=["status", "next_attempt_at"])
    audit.record(actor=by, action="outbox.retried", target=locked)
    transaction.on_commit(_nudge_relay)
    return True
