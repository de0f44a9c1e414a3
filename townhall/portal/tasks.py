from celery import shared_task

from townhall.portal import services


@shared_task(ignore_result=True)
def purge_expired_drafts() -> int:
    return services.purge_expired_drafts()
