"""Containers and assisted collections for the demo: a few deliveries to make (one made),
larger bins waiting for an officer, and assisted collections, most approved (so the crews'
lists show them) and some waiting. Needs the two services and the waste team's officers;
safe to run again: it does nothing once there are container requests."""

import random

from django.conf import settings

from townhall.accounts.models import Role
from townhall.cases.services import Requester
from townhall.catalogue.models import Channel, Service
from townhall.gazetteer.models import Property
from townhall.waste.containers.services import (
    apply_for_assisted_collection,
    decide_assisted_application,
    decide_container_request,
    record_delivery,
    request_container,
)
from townhall.waste.models import (
    AssistedDuration,
    AssistedReason,
    Container,
    ContainerReason,
    ContainerRequest,
    Stream,
)

FREE_REQUESTS = [
    (Container.RECYCLING_BOX, ContainerReason.BROKEN, 2),
    (Container.RECYCLING_BOX, ContainerReason.EXTRA, 1),
    (Container.FOOD_CADDY, ContainerReason.LOST, 1),
    (Container.FOOD_CADDY, ContainerReason.NEW_HOME, 2),
    (Container.RECYCLING_BOX, ContainerReason.NEW_HOME, 3),
]
PLACES = ["By the front gate", "Side passage, on the left", "Back garden, gate unlocked", "Under the front window"]
NAMES = ["Ada Okafor", "Ben Price", "Chloe Singh", "Dev Patel", "Eve Walsh", "Finn Doyle", "Gita Rao", "Hal Moss"]


def build_demo_containers(*, seed: int = 2026) -> dict[str, int]:
    services = {
        s.slug: s
        for s in Service.objects.filter(slug__in=[settings.WASTE_CONTAINERS_SERVICE, settings.WASTE_ASSISTED_SERVICE])
    }
    containers = services.get(settings.WASTE_CONTAINERS_SERVICE)
    assisted = services.get(settings.WASTE_ASSISTED_SERVICE)
    if containers is None or assisted is None or ContainerRequest.objects.exists():
        return {"container_requests": 0, "assisted_applications": 0}
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    officer = containers.team.members.filter(role__in=[Role.OFFICER, Role.TEAM_MANAGER]).order_by("id").first()
    homes = list(
        Property.objects.filter(waste_rounds__stream=Stream.REFUSE).order_by("uprn").values_list("pk", flat=True)
    )
    chosen = Property.objects.filter(pk__in=rng.sample(homes, k=min(len(homes), 13))).order_by("uprn")
    places = list(chosen)
    if len(places) < len(FREE_REQUESTS) + 8:
        return {"container_requests": 0, "assisted_applications": 0}
    names = iter(NAMES * 2)

    def someone() -> Requester:
        name = next(names)
        return Requester(name=name, email=f"{name.lower().replace(' ', '.')}@example.com")

    made = []
    for container, reason, quantity in FREE_REQUESTS:
        made.append(
            request_container(
                service=containers,
                place=places.pop(),
                container=container,
                reason=reason,
                quantity=quantity,
                channel=rng.choice([Channel.WEB, Channel.WEB, Channel.PHONE]),
                requester=someone(),
            )
        )
    record_delivery(container_request=made[0], by=officer)
    for household, medical in [(7, False), (3, True)]:
        larger = request_container(
            service=containers,
            place=places.pop(),
            container=Container.REFUSE_BIN,
            reason=ContainerReason.LARGER,
            quantity=1,
            channel=Channel.WEB,
            requester=someone(),
            household_size=household,
            medical_need=medical,
            medical_details="Incontinence pads" if medical else "",
        )
        made.append(larger)
    decide_container_request(container_request=made[-1], approve=True, by=officer)

    applications = 0
    for n, reason in enumerate([AssistedReason.AGE, AssistedReason.DISABILITY, AssistedReason.INJURY] * 2):
        application = apply_for_assisted_collection(
            service=assisted,
            place=places.pop(),
            reason=reason,
            bin_location=rng.choice(PLACES),
            duration=AssistedDuration.PERMANENT,
            someone_can_help=False,
            channel=Channel.WEB,
            requester=someone(),
        )
        applications += 1
        if n < 4:
            decide_assisted_application(application=application, approve=True, by=officer)
    return {"container_requests": len(made), "assisted_applications": applications}
