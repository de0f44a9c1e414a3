import pytest
from django.test import RequestFactory
from django.urls import resolve, reverse

from townhall.console.context_processors import console_navigation

pytestmark = pytest.mark.django_db


def _navigation(user, path="/staff/"):
    request = RequestFactory().get(path)
    request.user = user
    request.session = {}
    request.resolver_match = resolve(path)
    return console_navigation(request)


def _labels(context) -> list[str]:
    return [item["label"] for item in context["console_navigation"]]


def test_an_officer_sees_the_console_without_catalogue_or_outbox(officer):
    assert _labels(_navigation(officer)) == [
        "Dashboard",
        "Queues",
        "Take a contact",
        "Customers",
        "Bin days",
        "Bookings",
        "Crews",
        "Sent mail",
    ]


def test_a_council_admin_also_sees_the_catalogue_integrations_and_the_outbox(admin):
    labels = _labels(_navigation(admin))

    assert "Catalogue" in labels and "Street categories" in labels
    assert "Integrations" in labels
    assert "API keys" not in labels and "Back offices and webhooks" not in labels  # on the integrations page
    assert "Outbox" in labels


@pytest.mark.parametrize(
    ("path", "active"),
    [
        (reverse("api_keys:list"), "Integrations"),
        (reverse("backoffice:endpoints"), "Integrations"),
        (reverse("webhooks:subscribers"), "Integrations"),
        (reverse("streetcare_staff:category_add"), "Street categories"),
    ],
)
def test_the_pages_under_an_admin_item_mark_it_active(admin, path, active):
    items = _navigation(admin, path)["console_navigation"]

    assert [item["label"] for item in items if item["active"]] == [active]


def test_a_team_manager_sees_the_outbox_but_not_the_catalogue(manager):
    labels = _labels(_navigation(manager))

    assert "Outbox" in labels
    assert "Catalogue" not in labels and "Integrations" not in labels


def test_an_auditor_is_not_offered_taking_a_contact(auditor):
    assert "Take a contact" not in _labels(_navigation(auditor))


def test_sent_mail_is_offered_only_in_demo_mode(officer, settings):
    settings.DEMO_MODE = False

    assert "Sent mail" not in _labels(_navigation(officer))


def test_the_section_of_the_page_is_marked_active(officer, make_case):
    case = make_case()

    items = _navigation(officer, reverse("console:case", args=[case.reference]))["console_navigation"]

    assert [item["label"] for item in items if item["active"]] == ["Queues"]


def test_there_is_no_console_navigation_outside_the_console_or_for_residents(officer, people):
    assert _navigation(officer, "/healthz") == {}
    assert _navigation(people["resident"]) == {}


def test_a_contact_not_yet_ended_is_shown_on_other_console_pages(login):
    client = login("agent")
    client.post(reverse("console:contact_start"), {"channel": "phone"})

    page = client.get(reverse("console:dashboard")).content.decode()

    assert "Contact not ended" in page
    assert "end it" in page
