from celery import shared_task

from townhall.core import outbox


@shared_task(ignore_result=True)
def relay_outbox() -> int:
    return outbox.relay()
