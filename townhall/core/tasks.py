from celery import shared_task
from django.conf import settings

from townhall.core import outbox


@shared_task(ignore_result=True)
def relay_outbox() -> int:
    return outbox.relay()


@shared_task(ignore_result=True)
def purge_sent_outbox() -> int:
    return outbox.purge_sent(keep_days=settings.OUTBOX_KEEP_SENT_DAYS)
