"""Reads of the back-office pages."""

from django.db.models import Count, QuerySet

from townhall.integrations.models import BackOfficeEndpoint, ServiceRoute


def endpoints() -> QuerySet[BackOfficeEndpoint]:
    """Every endpoint with how many services it takes."""
    return BackOfficeEndpoint.objects.annotate(route_count=Count("routes")).order_by("name")


def routes() -> QuerySet[ServiceRoute]:
    return ServiceRoute.objects.select_related("service", "endpoint").order_by("service__name", "id")
