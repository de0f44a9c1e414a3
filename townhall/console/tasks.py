from celery import shared_task

from townhall.console import once


@shared_task(ignore_result=True)
def purge_submitted_forms() -> int:
    return once.purge_submitted_forms()
