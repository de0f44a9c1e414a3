"""Containers and assisted collections (issue 4, item 3).

A container request (a new, replacement, extra or larger bin, recycling box or food caddy)
is a case of the containers service (`settings.WASTE_CONTAINERS_SERVICE`) with a
`ContainerRequest` hanging off it, priced by the council's rules (`rules.py`). A request
that costs waits for its payment; once paid, approved (a larger bin), or straight away when
free, it becomes a delivery job for the waste team (the case itself) and a
`container_job.created` event for the back office.

An assisted collection is applied for through its own service
(`settings.WASTE_ASSISTED_SERVICE`); an officer approves or refuses it on the staff page
(`views/containers.py`), and an approved one gives the property its `AssistedCollection`,
shown on the crews' lists (`assisted_properties`) and to the resident on their bin-day page.

`rules.py` (the rules, the price, eligibility), `services.py` (every write), `selectors.py`
(reads) and `specs.py` (the catalogue services). Importing this package registers the
"waste-containers" pricing rule and the `payments.case_paid` receiver.
"""

from townhall.waste.containers.rules import (
    DEFAULT_RULES,
    KIND_FOR_REASON,
    PRICING_RULE,
    AssistedError,
    ContainerError,
    Quote,
    Rule,
    WasteRequestError,
    container_rules,
    larger_bin_refusal,
    offered_rule,
    price_containers,
    quote,
    short_name,
    used_allowance,
    what_is_asked,
)
from townhall.waste.containers.selectors import (
    application_for_staff,
    assisted_collection_for,
    assisted_properties,
    assisted_service,
    container_request_for_staff,
    container_requests_for_staff,
    containers_service,
    current_assisted_collections_for_staff,
    is_assisted,
    pending_application,
    pending_applications_for_staff,
)
from townhall.waste.containers.services import (
    apply_for_assisted_collection,
    decide_assisted_application,
    decide_container_request,
    end_assisted_collection,
    record_delivery,
    request_container,
)
from townhall.waste.containers.specs import ASSISTED_SERVICE_SPEC, CONTAINERS_SERVICE_SPEC

__all__ = [
    "ASSISTED_SERVICE_SPEC",
    "CONTAINERS_SERVICE_SPEC",
    "DEFAULT_RULES",
    "KIND_FOR_REASON",
    "PRICING_RULE",
    "AssistedError",
    "ContainerError",
    "Quote",
    "Rule",
    "WasteRequestError",
    "application_for_staff",
    "apply_for_assisted_collection",
    "assisted_collection_for",
    "assisted_properties",
    "assisted_service",
    "container_request_for_staff",
    "container_requests_for_staff",
    "container_rules",
    "containers_service",
    "current_assisted_collections_for_staff",
    "decide_assisted_application",
    "decide_container_request",
    "end_assisted_collection",
    "is_assisted",
    "larger_bin_refusal",
    "offered_rule",
    "pending_application",
    "pending_applications_for_staff",
    "price_containers",
    "quote",
    "record_delivery",
    "request_container",
    "short_name",
    "used_allowance",
    "what_is_asked",
]
