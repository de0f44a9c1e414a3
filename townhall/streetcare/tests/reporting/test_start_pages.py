"""A street category is reported on the map, whichever door a request comes in by."""

import pytest
from django.urls import reverse

from townhall.cases.models import Case, Draft
from townhall.catalogue.journeys import own_journey_url
from townhall.catalogue.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_a_street_category_starts_on_the_map_and_other_services_on_their_form(potholes):
    assert own_journey_url(potholes) == reverse("street_report:where")
    assert own_journey_url(ServiceFactory(slug="ask-a-question")) is None


def test_starting_a_street_category_from_its_start_page_leads_to_the_map_not_its_form(client, potholes):
    response = client.post(reverse("portal:start", args=[potholes.slug]))

    assert response.status_code == 302
    assert response.url == reverse("street_report:where")
    assert not Draft.objects.exists()


def test_the_rest_api_sends_street_reports_to_their_own_pages(potholes):
    from townhall.api.serializers import NewCaseSerializer

    potholes.channels = [*potholes.channels, "api"]
    potholes.save()
    given = NewCaseSerializer(
        data={"service": potholes.slug, "answers": {}}, services=potholes._meta.model.objects.all()
    )

    assert not given.is_valid()
    assert "own pages" in str(given.errors["service"][0])
    assert not Case.objects.exists()
