"""Garden waste's scheduled jobs, run by Celery beat (see CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from townhall.waste.garden import renewals


@shared_task(ignore_result=True)
def send_renewal_reminders() -> int:
    return renewals.send_renewal_reminders()


@shared_task(ignore_result=True)
def expire_subscriptions() -> int:
    return renewals.expire_subscriptions()
