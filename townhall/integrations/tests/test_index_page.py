"""The integrations page: the way to the API key, back-office and webhook pages, for
council administrators only."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

INDEX = reverse("integrations:index")


def test_a_council_admin_finds_every_integration_page_from_it(login, django_assert_max_num_queries):
    client = login("admin")

    with django_assert_max_num_queries(3):
        response = client.get(INDEX)

    page = response.content.decode()
    assert response.status_code == 200
    for url in (reverse("api_keys:list"), reverse("backoffice:endpoints"), reverse("webhooks:subscribers")):
        assert f'href="{url}"' in page
    # Its navigation item is the one marked as the current section.
    assert [item["label"] for item in response.context["console_navigation"] if item["active"]] == ["Integrations"]


@pytest.mark.parametrize("who", ["resident", "agent", "officer", "manager", "auditor"])
def test_other_staff_and_residents_are_refused(who, login):
    response = login(who).get(INDEX)

    assert response.status_code == 403
    assert "API keys" not in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(login):
    response = login("anonymous").get(INDEX)

    assert response.url.startswith(reverse("account_login"))
