import pytest

from townhall.catalogue.models import ServiceStatus
from townhall.catalogue.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_published_services_are_listed_with_the_questions_a_new_case_answers(api, officer_key, service):
    ServiceFactory(slug="not-yet", status=ServiceStatus.DRAFT)

    [listed] = api(officer_key, "get", "/api/v1/services/").json()["results"]

    assert listed["slug"] == "blocked-drain"
    assert [q["key"] for q in listed["questions"]] == ["details", "urgent", "danger_details"]
    assert listed["questions"][2]["show_if"] == {"question": "urgent", "equals": "yes"}
    assert listed["statuses"][2] == {"key": "awaiting_customer", "label": "Waiting for the resident", "closed": False}
    assert "api" in listed["channels"]


def test_a_draft_service_is_not_found(api, officer_key):
    ServiceFactory(slug="not-yet", status=ServiceStatus.DRAFT)

    assert api(officer_key, "get", "/api/v1/services/not-yet/").status_code == 404


def test_the_list_takes_the_same_few_queries_however_long(
    api, officer_key, service, django_assert_max_num_queries, django_assert_num_queries
):
    api(officer_key, "get", "/api/v1/services/")
    with django_assert_max_num_queries(2) as few:
        api(officer_key, "get", "/api/v1/services/")
    ServiceFactory.create_batch(12)

    with django_assert_num_queries(len(few.captured_queries)):
        assert len(api(officer_key, "get", "/api/v1/services/").json()["results"]) == 13
