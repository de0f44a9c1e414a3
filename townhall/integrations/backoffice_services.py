"""Writes of the back-office pages: endpoints and routes, each with its audit event.

The API key is never written to the audit log: only that it changed."""

from django.db import transaction

from townhall.catalogue.models import Service
from townhall.core import audit
from townhall.integrations.models import BackOfficeEndpoint, ServiceRoute

ENDPOINT_FIELDS = (
    "name",
    "base_url",
    "jurisdiction_id",
    "format",
    "supports_updates",
    "finds_by_reference",
    "reference_attribute",
    "description_limit",
    "enabled",
)


@transaction.atomic
def save_endpoint(*, endpoint: BackOfficeEndpoint | None, values: dict, api_key: str, by) -> BackOfficeEndpoint:
    """Add an endpoint (`endpoint` None) or change one. `values` holds ENDPOINT_FIELDS;
    a blank `api_key` keeps the saved one."""
    creating = endpoint is None
    endpoint = endpoint or BackOfficeEndpoint()
    for field in ENDPOINT_FIELDS:
        setattr(endpoint, field, values[field])
    if api_key:
        endpoint.api_key = api_key
    endpoint.save()
    audit.record(
        actor=by,
        action="backoffice_endpoint.created" if creating else "backoffice_endpoint.changed",
        target=endpoint,
        data={**{field: values[field] for field in ENDPOINT_FIELDS}, "api_key_changed": bool(api_key)},
    )
    return endpoint


@transaction.atomic
def route_service(
    *, service: Service, endpoint: BackOfficeEndpoint, service_code: str, attribute_map: dict[str, str], by
) -> ServiceRoute:
    """Send the service's new reports to `endpoint` (a service goes to one back office)."""
    route, _created = ServiceRoute.objects.update_or_create(
        service=service,
        defaults={"endpoint": endpoint, "service_code": service_code, "attribute_map": attribute_map},
    )
    audit.record(
        actor=by,
        action="backoffice_route.saved",
        target=route,
        data={"service": service.slug, "endpoint": endpoint.pk, "service_code": service_code},
    )
    return route


@transaction.atomic
def remove_route(*, route: ServiceRoute, by) -> None:
    """New reports of the service stay in Townhall; reports already sent keep their sync."""
    audit.record(actor=by, action="backoffice_route.removed", target=route, data={"service": route.service.slug})
    route.delete()
