"""Area alerts' scheduled job, run by Celery beat (see CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from townhall.streetcare import alerts


@shared_task(ignore_result=True)
def send_area_digests() -> int:
    return alerts.send_area_digests()
