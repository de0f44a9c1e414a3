"""The demo's containers and assisted collections."""

import pytest

from townhall.waste.containers.demo import build_demo_containers
from townhall.waste.models import AssistedApplication, AssistedCollection, ContainerRequest, Decision, DeliveryStatus
from townhall.waste.tests.test_containers_setup import make_home

pytestmark = pytest.mark.django_db
pytest_plugins = ["townhall.waste.tests.test_containers_setup"]


def test_the_demo_has_deliveries_decisions_and_assisted_collections_once(
    containers_service, assisted_service, people, home
):
    for number in range(14):
        make_home(building_number=str(number + 30), street=home.street)

    assert build_demo_containers(seed=7) == {"container_requests": 7, "assisted_applications": 6}

    statuses = list(ContainerRequest.objects.values_list("delivery_status", flat=True))
    assert statuses.count(DeliveryStatus.DELIVERED) == 1
    assert statuses.count(DeliveryStatus.AWAITING_APPROVAL) == 1
    assert AssistedCollection.objects.filter(active=True).count() == 4
    assert AssistedApplication.objects.filter(decision=Decision.PENDING).count() == 2
    assert build_demo_containers(seed=7) == {"container_requests": 0, "assisted_applications": 0}
    assert ContainerRequest.objects.count() == 7


def test_the_demo_needs_its_services(people, home):
    assert build_demo_containers() == {"container_requests": 0, "assisted_applications": 0}
