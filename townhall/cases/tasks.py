from celery import shared_task

from townhall.cases import drafting


@shared_task(ignore_result=True)
def purge_expired_drafts() -> int:
    return drafting.purge_expired_drafts()
