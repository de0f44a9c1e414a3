"""Garden waste reads that pages, jobs and services share."""

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from townhall.accounts.permissions import can_work_cases
from townhall.gazetteer.models import Property
from townhall.waste.garden.rules import renewal_opens_on
from townhall.waste.garden_models import GardenChange, GardenChangeStatus, GardenStatus, GardenSubscription
from townhall.waste.models import PropertyRound, Stream


def garden_round(place: Property) -> PropertyRound | None:
    return (
        PropertyRound.objects.filter(property=place, stream=Stream.GARDEN, round__active=True)
        .select_related("round")
        .first()
    )


def why_not_collected(place: Property) -> str | None:
    """Why the property cannot have garden waste collections, or None when it can."""
    if garden_round(place) is None:
        return "We do not collect garden waste from this address. Only houses on a garden waste round can subscribe."
    return None


def subscriptions_of(place: Property) -> QuerySet[GardenSubscription]:
    """Every subscription of the property, newest first, with what the pages show of each."""
    return (
        GardenSubscription.objects.filter(property=place)
        .select_related("case", "customer", "renewal_of")
        .prefetch_related("changes__case")
        .order_by("-start_date", "-id")
    )


def current_subscription(place: Property, *, today: dt.date | None = None) -> GardenSubscription | None:
    """The active subscription whose term has not ended: today's, else one paid to start later."""
    today = today or timezone.localdate()
    return (
        GardenSubscription.objects.filter(property=place, status=GardenStatus.ACTIVE, end_date__gte=today)
        .select_related("case", "customer")
        .order_by("start_date")
        .first()
    )


def renewal_of(subscription: GardenSubscription) -> GardenSubscription | None:
    """Its renewal, paid or waiting for payment."""
    return (
        GardenSubscription.objects.filter(
            renewal_of=subscription, status__in=[GardenStatus.ACTIVE, GardenStatus.PENDING]
        )
        .select_related("case")
        .first()
    )


def renewal_opens(subscription: GardenSubscription) -> dt.date:
    return renewal_opens_on(subscription.end_date)


def can_renew(subscription: GardenSubscription, *, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return (
        subscription.status == GardenStatus.ACTIVE
        and renewal_opens(subscription) <= today <= subscription.end_date
        and not GardenSubscription.objects.filter(renewal_of=subscription, status=GardenStatus.ACTIVE).exists()
    )


def pending_change(subscription: GardenSubscription) -> GardenChange | None:
    return subscription.changes.filter(status=GardenChangeStatus.PENDING).select_related("case").first()


def subscriptions_for_user(user) -> list[GardenSubscription]:
    """My Account: the resident's subscriptions that are running, to come or waiting for payment."""
    if not user.is_authenticated:
        return []
    today = timezone.localdate()
    return list(
        GardenSubscription.objects.filter(customer__user=user)
        .filter(
            Q(status=GardenStatus.PENDING, case__is_closed=False) | Q(status=GardenStatus.ACTIVE, end_date__gte=today)
        )
        .select_related("property", "case")
        .order_by("start_date", "id")
    )


def may_manage(user, subscription: GardenSubscription) -> bool:
    """The resident who subscribed, or staff who work cases (on a caller's behalf)."""
    if can_work_cases(user):
        return True
    customer = subscription.customer
    return bool(user.is_authenticated and customer is not None and customer.user_id == user.pk)
