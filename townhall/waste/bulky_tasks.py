"""Bulky waste's scheduled work (see CELERY_BEAT_SCHEDULE in settings)."""

from celery import shared_task

from townhall.waste import bulky, bulky_changes


@shared_task(ignore_result=True)
def release_unpaid_bookings() -> int:
    """Bookings nobody paid for in time are withdrawn and their places given back; changes
    whose difference was paid are made, and those nobody paid for dropped."""
    return bulky.release_unpaid() + bulky_changes.settle_changes()


@shared_task(ignore_result=True)
def send_bulky_reminders() -> int:
    """The day before each collection, a reminder email (once each)."""
    return bulky.send_reminders()
