"""Renewal and expiry: renewing for the next term (a new case, paid), the reminders
before a subscription ends (each sent once), and the nightly end of subscriptions whose
term is over (their collections stop)."""

import datetime as dt
import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from townhall.cases.models import Case
from townhall.cases.services import Requester
from townhall.core import audit
from townhall.customers.models import Customer
from townhall.notifications.services import queue_email
from townhall.waste.garden.rules import GardenError
from townhall.waste.garden.selectors import renewal_of, renewal_opens
from townhall.waste.garden.services import (
    _check_bins,
    _end,
    _locked_property,
    _locked_subscription,
    _new_subscription,
    _settle_withdrawn,
)
from townhall.waste.garden_models import GardenChange, GardenChangeStatus, GardenStatus, GardenSubscription


@transaction.atomic
def renew(
    *,
    subscription: GardenSubscription,
    bins: int,
    concession: bool,
    channel: str,
    by=None,
    customer: Customer | None = None,
    requester: Requester | None = None,
    submission_key: uuid.UUID | None = None,
    today: dt.date | None = None,
) -> GardenSubscription:
    """Renew for the term after this one: a new case, paid, starting the day after it ends."""
    today = today or timezone.localdate()
    if submission_key and (done := GardenSubscription.objects.filter(case__submission_key=submission_key).first()):
        return done
    _check_bins(bins)
    _locked_property(subscription.property)
    subscription = GardenSubscription.objects.select_related("property", "customer").get(pk=subscription.pk)
    if subscription.status != GardenStatus.ACTIVE or subscription.end_date < today:
        raise GardenError("Only a subscription that is running can be renewed. Subscribe again instead.")
    if today < renewal_opens(subscription):
        raise GardenError(
            f"You can renew from {date_format(renewal_opens(subscription), 'j F Y')}, "
            f"{settings.WASTE_GARDEN_RENEWAL_WINDOW_DAYS // 7} weeks before your subscription ends."
        )
    if (renewed := renewal_of(subscription)) is not None:
        if renewed.status == GardenStatus.ACTIVE:
            raise GardenError("This subscription has already been renewed.")
        raise GardenError("A renewal of this subscription is waiting for its payment.")
    return _new_subscription(
        place=subscription.property,
        bins=bins,
        concession=concession,
        channel=channel,
        by=by,
        customer=customer or subscription.customer,
        requester=requester,
        submission_key=submission_key,
        start=subscription.end_date + dt.timedelta(days=1),
        renewal_of=subscription,
    )


def _email_subscriber(subscription: GardenSubscription, *, subject: str, body: str, event: str) -> bool:
    customer = subscription.customer
    recipient = (customer.email if customer else "") or subscription.case.requester_email
    if not recipient:
        return False
    name = (customer.name if customer else "") or subscription.case.requester_name or "resident"
    queue_email(
        to=recipient,
        subject=subject,
        body=f"Dear {name},\n\n{body}\n\n{settings.COUNCIL_NAME}",
        case=subscription.case,
        event=event,
    )
    return True


def _manage_url(subscription: GardenSubscription) -> str:
    return settings.SITE_URL + reverse("garden:overview", args=[subscription.property.uprn])


def send_renewal_reminders(*, today: dt.date | None = None) -> int:
    """Remind subscribers whose term ends within the renewal window, once for each of
    `WASTE_GARDEN_REMINDER_DAYS` (days before the end); a missed day sends only the
    latest reminder due. Renewed subscriptions are left alone."""
    today = today or timezone.localdate()
    days = sorted(settings.WASTE_GARDEN_REMINDER_DAYS)
    if not days:
        return 0
    renewed = GardenSubscription.objects.filter(renewal_of=OuterRef("pk"), status=GardenStatus.ACTIVE)
    due = (
        GardenSubscription.objects.filter(
            status=GardenStatus.ACTIVE, end_date__gte=today, end_date__lte=today + dt.timedelta(days=days[-1])
        )
        .exclude(Exists(renewed))
        .select_related("property", "customer", "case")
        .order_by("end_date", "id")
    )
    sent = 0
    for subscription in due.iterator(chunk_size=500):
        left = (subscription.end_date - today).days
        reminder = next(day for day in days if day >= left)
        with transaction.atomic():
            # The conditional update is the "once": a second run, or a parallel one, updates nothing.
            claimed = (
                GardenSubscription.objects.filter(pk=subscription.pk)
                .filter(Q(reminded_days_before__isnull=True) | Q(reminded_days_before__gt=reminder))
                .update(reminded_days_before=reminder)
            )
            if not claimed:
                continue
            end = date_format(subscription.end_date, "j F Y")
            emailed = _email_subscriber(
                subscription,
                subject="Renew your garden waste subscription",
                body=f"Your garden waste subscription for {subscription.property.single_line} ends on {end}.\n\n"
                f"Renew it for another year to keep your collections going: {_manage_url(subscription)}\n\n"
                f"If you do not want to renew, you do not need to do anything: collections stop after {end}.",
                event="garden_renewal_reminder",
            )
            audit.record(
                actor=None,
                action="garden.renewal_reminded",
                target=subscription,
                data={"days_before": reminder, "emailed": emailed},
            )
            sent += emailed
    return sent


def expire_subscriptions(*, today: dt.date | None = None) -> int:
    """End subscriptions whose term is over (their collections stop), and tidy requests
    closed unpaid (by `payments`' clear-out, or staff). Returns how many expired."""
    today = today or timezone.localdate()
    expired = 0
    over = GardenSubscription.objects.filter(status=GardenStatus.ACTIVE, end_date__lt=today).values_list(
        "pk", flat=True
    )
    for pk in list(over):
        with transaction.atomic():
            subscription = _locked_subscription(GardenSubscription(pk=pk))
            if subscription.status != GardenStatus.ACTIVE or subscription.end_date >= today:
                continue
            _end(subscription, GardenStatus.EXPIRED, by=None)
            renewed = GardenSubscription.objects.filter(renewal_of=subscription, status=GardenStatus.ACTIVE).exists()
            if not renewed:
                _email_subscriber(
                    subscription,
                    subject="Your garden waste subscription has ended",
                    body=f"Your garden waste subscription for {subscription.property.single_line} ended on "
                    f"{date_format(subscription.end_date, 'j F Y')}, so we no longer collect your garden waste.\n\n"
                    f"You can subscribe again at any time: {_manage_url(subscription)}",
                    event="garden_expired",
                )
            audit.record(actor=None, action="garden.expired", target=subscription, data={"renewed": renewed})
            expired += 1
    closed_unpaid = Q(case__is_closed=True)
    for case_id in list(
        GardenSubscription.objects.filter(closed_unpaid, status=GardenStatus.PENDING).values_list("case_id", flat=True)
    ) + list(
        GardenChange.objects.filter(closed_unpaid, status=GardenChangeStatus.PENDING).values_list("case_id", flat=True)
    ):
        with transaction.atomic():
            _settle_withdrawn(Case(pk=case_id))
    return expired
