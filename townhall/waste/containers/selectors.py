"""Reads of containers and assisted collections that pages and the crews' lists share."""

import datetime as dt

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from townhall.accounts.models import Role, Team
from townhall.catalogue.models import Service
from townhall.gazetteer.models import Property
from townhall.waste.models import (
    AssistedApplication,
    AssistedCollection,
    ContainerRequest,
    Decision,
    Round,
)


def containers_service() -> Service | None:
    return Service.objects.select_related("team", "current_form").filter(slug=settings.WASTE_CONTAINERS_SERVICE).first()


def assisted_service() -> Service | None:
    return Service.objects.select_related("team", "current_form").filter(slug=settings.WASTE_ASSISTED_SERVICE).first()


def assisted_collection_for(place: Property) -> AssistedCollection | None:
    return AssistedCollection.objects.filter(property=place).first()


def is_assisted(place: Property, *, on: dt.date | None = None) -> bool:
    """The crew fetches the property's bins on `on` (today by default)."""
    day = on or timezone.localdate()
    return (
        AssistedCollection.objects.filter(property=place, active=True, starts__lte=day)
        .filter(Q(ends__isnull=True) | Q(ends__gte=day))
        .exists()
    )


def assisted_properties(round_: Round, day: dt.date) -> dict[int, AssistedCollection]:
    """The round's properties with an assisted collection on `day`, by property id, in
    one query: for the crew's list ("fetch the bins from: side passage")."""
    current = (
        AssistedCollection.objects.filter(property__waste_rounds__round=round_, active=True, starts__lte=day)
        .filter(Q(ends__isnull=True) | Q(ends__gte=day))
        .select_related("property")
    )
    return {collection.property_id: collection for collection in current}


def pending_application(place: Property) -> AssistedApplication | None:
    return AssistedApplication.objects.filter(property=place, decision=Decision.PENDING).first()


def _teams_cases(queryset: QuerySet, user) -> QuerySet:
    """What the user's teams deal with; council administrators see every team's."""
    if user.role == Role.COUNCIL_ADMIN:
        return queryset
    return queryset.filter(case__team__in=Team.objects.filter(members=user))


def container_requests_for_staff(user, *, status: str) -> QuerySet[ContainerRequest]:
    """Requests in one delivery status that the user's teams deal with, oldest first."""
    return (
        _teams_cases(ContainerRequest.objects.filter(delivery_status=status), user)
        .select_related("case", "property")
        .order_by("created_at", "id")
    )


def container_request_for_staff(user, reference: str) -> ContainerRequest | None:
    return (
        _teams_cases(ContainerRequest.objects.all(), user)
        .select_related("case__service", "case__team", "property", "decided_by", "delivered_by")
        .filter(case__reference=reference)
        .first()
    )


def pending_applications_for_staff(user) -> QuerySet[AssistedApplication]:
    return (
        _teams_cases(AssistedApplication.objects.filter(decision=Decision.PENDING), user)
        .select_related("case", "property")
        .order_by("created_at", "id")
    )


def current_assisted_collections_for_staff(user) -> QuerySet[AssistedCollection]:
    """Assisted collections running today, of applications the user's teams dealt with."""
    today = timezone.localdate()
    current = AssistedCollection.objects.filter(active=True, starts__lte=today).filter(
        Q(ends__isnull=True) | Q(ends__gte=today)
    )
    if user.role != Role.COUNCIL_ADMIN:
        current = current.filter(application__case__team__in=Team.objects.filter(members=user))
    return current.select_related("property", "application__case").order_by("property__single_line")


def application_for_staff(user, reference: str) -> AssistedApplication | None:
    return (
        _teams_cases(AssistedApplication.objects.all(), user)
        .select_related("case__service", "case__team", "property", "decided_by")
        .filter(case__reference=reference)
        .first()
    )
