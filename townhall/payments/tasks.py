import datetime as dt

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from townhall.payments import reconciliation, services


@shared_task(ignore_result=True)
def check_live_payments() -> int:
    return services.check_live_payments()


@shared_task(ignore_result=True)
def check_submitted_refunds() -> int:
    return services.check_submitted_refunds()


@shared_task(ignore_result=True)
def withdraw_abandoned_requests() -> int:
    return services.withdraw_abandoned_requests(older_than=dt.timedelta(days=settings.PAYMENTS_UNPAID_DAYS))


@shared_task(ignore_result=True, autoretry_for=(Exception,), retry_backoff=300, max_retries=12)
def reconcile_yesterday() -> int:
    return len(reconciliation.reconcile(timezone.localdate() - dt.timedelta(days=1)))
