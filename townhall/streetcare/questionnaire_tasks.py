"""The "is it fixed?" questionnaires' scheduled job, run by Celery beat (see CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from townhall.streetcare import questionnaire


@shared_task(ignore_result=True)
def send_due_questionnaires() -> int:
    return questionnaire.send_due_questionnaires()
