"""Running the outbox in tests as the relay would."""

from django.utils import timezone

from townhall.core import outbox


def drain() -> None:
    """Run the relay until nothing more is due: a fan-out queues deliveries as it runs."""
    while outbox.relay():
        pass


def retry_all() -> None:
    """Time passes: every failing message is due again, and the relay runs."""
    outbox.unsent().update(next_attempt_at=timezone.now())
    drain()
