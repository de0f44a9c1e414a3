from celery import shared_task

from townhall.integrations import backoffice_sync


@shared_task(ignore_result=True)
def poll_backoffice_updates() -> None:
    backoffice_sync.poll_all()
