"""The back-office and webhook pages, for council administrators only; what staff see of a
case's back office and of stuck deliveries."""

import pytest
from django.urls import reverse

from townhall.catalogue.tests.factories import ServiceFactory
from townhall.core.models import AuditEvent, OutboxMessage, OutboxStatus
from townhall.integrations.models import BackOfficeEndpoint, ServiceRoute, WebhookSubscriber
from townhall.integrations.tests.backoffice_testing import drain

pytestmark = pytest.mark.django_db

ENDPOINT_FORM = {
    "name": "Highways asset system",
    "base_url": "https://highways.example.org/open311/v2",
    "api_key": "secret-key-1",
    "jurisdiction_id": "",
    "format": "xml",
    "supports_updates": "on",
    "reference_attribute": "townhall_reference",
    "description_limit": "2000",
    "enabled": "on",
}
REFUSED = ["resident", "agent", "officer", "manager", "auditor"]


@pytest.fixture
def pages(route):
    subscriber = WebhookSubscriber.objects.create(name="Dashboard", url="https://example.org/e", secret="s")
    return [
        reverse("backoffice:endpoints"),
        reverse("backoffice:endpoint_new"),
        reverse("backoffice:endpoint", args=[route.endpoint_id]),
        reverse("backoffice:route_new"),
        reverse("backoffice:route", args=[route.pk]),
        reverse("webhooks:subscribers"),
        reverse("webhooks:subscriber_new"),
        reverse("webhooks:subscriber", args=[subscriber.pk]),
    ]


def test_council_admins_can_open_every_page(pages, login):
    client = login("admin")

    assert [client.get(url).status_code for url in pages] == [200] * len(pages)


@pytest.mark.parametrize("who", REFUSED)
def test_other_staff_and_residents_are_refused_every_page(who, pages, login):
    client = login(who)

    assert {client.get(url).status_code for url in pages} == {403}


def test_anonymous_visitors_are_sent_to_sign_in(pages, login):
    client = login("anonymous")

    assert all(client.get(url).url.startswith(reverse("account_login")) for url in pages)


@pytest.mark.parametrize("who", [*REFUSED, "anonymous"])
def test_a_refused_change_changes_nothing(who, route, login):
    client = login(who)
    subscriber = WebhookSubscriber.objects.create(name="Dashboard", url="https://example.org/e", secret="s")

    client.post(reverse("backoffice:endpoint_new"), ENDPOINT_FORM)
    client.post(reverse("backoffice:route_remove", args=[route.pk]))
    client.post(
        reverse("webhooks:subscriber", args=[subscriber.pk]),
        {"name": "Hijacked", "url": "https://evil.example/", "event_kinds": ["note"], "replace_secret": "on"},
    )

    assert BackOfficeEndpoint.objects.count() == 1
    assert ServiceRoute.objects.filter(pk=route.pk).exists()
    subscriber.refresh_from_db()
    assert (subscriber.name, subscriber.secret) == ("Dashboard", "s")


def test_an_admin_adds_a_back_office_and_the_key_is_kept_out_of_the_audit(login, admin):
    response = login("admin").post(reverse("backoffice:endpoint_new"), ENDPOINT_FORM)

    assert response.url == reverse("backoffice:endpoints")
    endpoint = BackOfficeEndpoint.objects.get()
    assert (endpoint.name, endpoint.api_key, endpoint.supports_updates) == (
        "Highways asset system",
        "secret-key-1",
        True,
    )
    event = AuditEvent.objects.get(action="backoffice_endpoint.created")
    assert event.actor == admin
    assert "secret-key-1" not in str(event.data)


def test_changing_a_back_office_without_a_key_keeps_the_saved_one(endpoint, login):
    login("admin").post(
        reverse("backoffice:endpoint", args=[endpoint.pk]), ENDPOINT_FORM | {"api_key": "", "name": "Renamed"}
    )

    endpoint.refresh_from_db()
    assert (endpoint.name, endpoint.api_key) == ("Renamed", "fake-back-office-key")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Enter a name for the back office"),
        ({"base_url": "http://highways.example.org/open311"}, "The address must start with https://"),
        ({"base_url": "not a web address"}, "Enter a web address, like https://example.org/open311/v2"),
        ({"description_limit": "lots"}, "The longest description must be a whole number, like 4000"),
        ({"format": ""}, "Choose the format the back office speaks"),
    ],
)
def test_a_wrong_back_office_is_refused_in_plain_words_and_nothing_is_saved(changes, message, login):
    response = login("admin").post(reverse("backoffice:endpoint_new"), ENDPOINT_FORM | changes)

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert not BackOfficeEndpoint.objects.exists()


def test_a_second_back_office_of_the_same_name_is_refused(endpoint, login):
    response = login("admin").post(reverse("backoffice:endpoint_new"), ENDPOINT_FORM | {"name": endpoint.name.upper()})

    assert "A back office with this name already exists" in response.content.decode()
    assert BackOfficeEndpoint.objects.count() == 1


def test_an_admin_routes_a_service_with_its_attribute_names(endpoint, potholes, login):
    response = login("admin").post(
        reverse("backoffice:route_new"),
        {
            "service": potholes.pk,
            "endpoint": endpoint.pk,
            "service_code": "POT",
            "attribute_map": "details = DETAIL\n\nurgent=DANGER\n",
        },
    )

    assert response.url == reverse("backoffice:endpoints")
    route = ServiceRoute.objects.get(service=potholes)
    assert (route.endpoint, route.service_code) == (endpoint, "POT")
    assert route.attribute_map == {"details": "DETAIL", "urgent": "DANGER"}


def test_a_bad_attribute_line_is_named(endpoint, potholes, login):
    response = login("admin").post(
        reverse("backoffice:route_new"),
        {"service": potholes.pk, "endpoint": endpoint.pk, "service_code": "POT", "attribute_map": "details DETAIL"},
    )

    assert "Line 1 must be a question key, an equals sign and an attribute code" in response.content.decode()
    assert not ServiceRoute.objects.exists()


def test_removing_a_route_twice_is_safe(route, login):
    client = login("admin")

    client.post(reverse("backoffice:route_remove", args=[route.pk]))
    second = client.post(reverse("backoffice:route_remove", args=[route.pk]), follow=True)

    assert not ServiceRoute.objects.exists()
    assert "That route was already removed" in second.content.decode()
    assert AuditEvent.objects.filter(action="backoffice_route.removed").count() == 1


@pytest.mark.parametrize("rows", [3, 30])
def test_the_back_office_list_takes_the_same_queries_however_many_rows(rows, login, django_assert_max_num_queries):
    for number in range(rows):
        endpoint = BackOfficeEndpoint.objects.create(name=f"Back office {number}", base_url="https://e.example/")
        ServiceRoute.objects.create(service=ServiceFactory(), endpoint=endpoint, service_code=f"S{number}")
    client = login("admin")

    # session, user, MFA check, endpoints with their route counts, routes with services
    with django_assert_max_num_queries(6):
        response = client.get(reverse("backoffice:endpoints"))

    assert response.content.decode().count("Back office ") >= rows


def test_an_admin_adds_a_subscriber_and_is_shown_its_new_secret(login):
    response = login("admin").post(
        reverse("webhooks:subscriber_new"),
        {
            "name": "Highways dashboard",
            "url": "https://dash.example.org/in",
            "event_kinds": ["submitted", "note"],
            "active": "on",
        },
        follow=True,
    )

    subscriber = WebhookSubscriber.objects.get()
    assert subscriber.event_kinds == ["note", "submitted"]
    assert subscriber.secret.startswith("whsec_")
    assert subscriber.secret in response.content.decode()
    assert subscriber.secret not in str(AuditEvent.objects.get(action="webhook_subscriber.created").data)


def test_replacing_a_subscribers_secret(login):
    subscriber = WebhookSubscriber.objects.create(
        name="Dashboard", url="https://example.org/e", secret="old", event_kinds=["note"]
    )

    login("admin").post(
        reverse("webhooks:subscriber", args=[subscriber.pk]),
        {
            "name": "Dashboard",
            "url": "https://example.org/e",
            "event_kinds": ["note"],
            "active": "on",
            "replace_secret": "on",
        },
    )

    subscriber.refresh_from_db()
    assert subscriber.secret != "old" and subscriber.secret.startswith("whsec_")


def test_a_subscriber_needs_events_and_a_secure_address(login):
    response = login("admin").post(
        reverse("webhooks:subscriber_new"), {"name": "Dashboard", "url": "http://dash.example.org/in"}
    )

    page = response.content.decode()
    assert "Choose at least one event to send" in page
    assert "The address must start with https://" in page
    assert not WebhookSubscriber.objects.exists()


@pytest.mark.parametrize("rows", [3, 30])
def test_the_subscriber_list_takes_the_same_queries_however_many_rows(rows, login, django_assert_max_num_queries):
    for number in range(rows):
        WebhookSubscriber.objects.create(
            name=f"Sub {number}", url="https://e.example/", secret="s", event_kinds=["note"]
        )
    client = login("admin")

    with django_assert_max_num_queries(4):
        response = client.get(reverse("webhooks:subscribers"))

    assert len(response.context["rows"]) == rows


# What staff see of it elsewhere.


def test_the_case_page_shows_the_back_offices_reference(route, report, fake_backoffice, login):
    case = report()
    drain()
    remote_id = fake_backoffice.created[0]["service_request_id"]

    page = login("admin").get(reverse("console:case", args=[case.reference])).content.decode()

    assert "Highways asset system" in page
    assert f"<code>{remote_id}</code>" in page


def test_the_case_page_shows_a_report_that_cannot_be_sent_with_the_error(route, report, fake_backoffice, login):
    fake_backoffice.go_down()
    case = report()
    drain()

    page = login("admin").get(reverse("console:case", args=[case.reference])).content.decode()

    assert "Not sent yet" in page
    assert "1 attempt so far" in page
    assert "Could not reach Highways asset system" in page


def test_the_outbox_names_the_case_and_receiver_of_a_stuck_delivery_and_counts_per_kind(
    route, report, fake_backoffice, login
):
    fake_backoffice.go_down()
    case = report()
    drain()
    OutboxMessage.objects.filter(topic="backoffice_send").update(status=OutboxStatus.DEAD)

    response = login("manager").get(reverse("console:outbox"))

    page = response.content.decode()
    assert "Reports to a back office" in page
    assert (
        f'Case <a class="govuk-link" href="{reverse("console:case", args=[case.reference])}">{case.reference}</a>'
        in page
    )
    assert "to Highways asset system" in page
    assert "Could not reach Highways asset system" in page
    backlog = {row.label: (row.pending, row.failing, row.stuck) for row in response.context["backlog"]}
    assert backlog["Reports to a back office"] == (0, 0, 1)
    assert backlog["All messages"][2] == 1


def test_the_dashboard_shows_the_outbox_backlog_to_those_who_run_it_only(route, report, fake_backoffice, login):
    fake_backoffice.go_down()
    report()
    drain()

    for_admin = login("admin").get(reverse("console:dashboard")).content.decode()
    for_agent = login("agent").get(reverse("console:dashboard")).content.decode()

    assert "Outbox: messages not yet sent" in for_admin
    assert "Reports to a back office" in for_admin
    assert "Outbox: messages not yet sent" not in for_agent
