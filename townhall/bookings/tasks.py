from celery import shared_task

from townhall.bookings import services


@shared_task(ignore_result=True)
def release_expired_holds() -> int:
    """Held bookings nobody confirmed in time give their places back, a batch at a time."""
    batch = services.RELEASE_BATCH
    released = total = services.release_expired(batch=batch)
    while released == batch:
        released = services.release_expired(batch=batch)
        total += released
    return total
