"""The API key pages: council administrators issue keys (the secret shown once) and revoke
them; everyone else is refused and changes nothing."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.urls import reverse

from townhall.accounts.models import Role
from townhall.accounts.tests.factories import StaffFactory, UserFactory
from townhall.core.models import AuditEvent
from townhall.integrations import selectors, services
from townhall.integrations.models import ApiKey, Scope

pytestmark = pytest.mark.django_db

LIST, ISSUE = reverse("api_keys:list"), reverse("api_keys:issue")
REFUSED = ["resident", "other_resident", "agent", "officer", "team_manager", "auditor"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def admin():
    user = StaffFactory(role=Role.COUNCIL_ADMIN, full_name="Ada Admin")
    # Council administrators must have 2-step verification to reach the staff pages.
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "not-used-in-tests"})
    return user


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


@pytest.fixture
def street_app(admin):
    return services.issue_api_key(client_name="Street app", scopes=[Scope.OPEN311], by=admin).api_key


def issue(client, **data):
    return client.post(ISSUE, {"once": "1c4d3a8e-0000-4000-8000-000000000001", "rate_per_minute": "60"} | data)


def test_an_admin_issues_a_key_and_sees_its_secret_once(admin_client, admin):
    response = issue(admin_client, client_name="Street app", scopes=[Scope.OPEN311])

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    secret = re.search(r'id="api-key-secret">([^<]+)<', response.content.decode())[1]
    api_key = selectors.api_key_for(secret)
    assert (api_key.client_name, api_key.scopes, api_key.created_by) == ("Street app", ["open311"], admin)
    assert "only time it is shown" in response.content.decode()
    # The list names the key but never shows its secret again.
    listed = admin_client.get(LIST).content.decode()
    assert "Street app" in listed
    assert secret not in listed
    assert AuditEvent.objects.filter(action="api_key.issued", target_id=str(api_key.pk)).exists()


def test_a_key_can_act_for_a_member_of_staff_at_its_own_rate(admin_client):
    officer = StaffFactory(full_name="Olu Officer")

    issue(
        admin_client,
        client_name="Reporting script",
        scopes=[Scope.CASES_READ, Scope.SERVICES_READ],
        user=str(officer.pk),
        rate_per_minute="5",
    )

    api_key = ApiKey.objects.get()
    assert (api_key.user, api_key.scopes, api_key.rate_per_minute) == (officer, ["cases:read", "services:read"], 5)


def test_sending_the_form_twice_issues_one_key(admin_client):
    issue(admin_client, client_name="Street app", scopes=[Scope.OPEN311])
    again = issue(admin_client, client_name="Street app", scopes=[Scope.OPEN311])

    assert again.status_code == 302
    assert ApiKey.objects.count() == 1
    assert "issued already" in admin_client.get(again.url).content.decode()


@pytest.mark.parametrize(
    ("data", "messages"),
    [
        ({}, ["Enter the client name", "Select what the key may do"]),
        (
            {"client_name": "x" * 121, "scopes": ["everything"], "rate_per_minute": "lots"},
            [
                "Client name must be 120 characters or fewer",
                "Select what the key may do from the list",
                "Requests a minute must be a whole number, like 60",
            ],
        ),
        (
            {"client_name": "Script", "scopes": [Scope.CASES_WRITE], "rate_per_minute": "0"},
            [
                "Select the member of staff the key acts for: only Open311 keys can act for nobody",
                "Requests a minute must be 1 or more",
            ],
        ),
        (
            {"client_name": "Script", "scopes": [Scope.OPEN311], "user": "999999", "rate_per_minute": "10001"},
            ["Select a member of staff from the list", "Requests a minute must be 10,000 or fewer"],
        ),
    ],
)
def test_a_wrong_form_says_what_to_put_right_and_issues_nothing(admin_client, data, messages):
    response = issue(admin_client, **data)

    assert response.status_code == 200
    summary = response.context["form"].errors
    assert sorted(error for errors in summary.values() for error in errors) == sorted(messages)
    assert "govuk-error-summary" in response.content.decode()
    assert not ApiKey.objects.exists()


def test_residents_cannot_be_chosen_to_act_for(admin_client):
    resident = UserFactory()

    response = issue(admin_client, client_name="x", scopes=[Scope.CASES_READ], user=str(resident.pk))

    assert "Select a member of staff from the list" in response.content.decode()
    assert not ApiKey.objects.exists()


def test_the_list_shows_each_key_in_a_fixed_number_of_queries(
    admin_client, admin, street_app, django_assert_max_num_queries
):
    officer = StaffFactory(full_name="Olu Officer")
    for n in range(5):
        services.issue_api_key(client_name=f"Script {n}", scopes=[Scope.CASES_READ], user=officer, by=admin)
    services.revoke_api_key(api_key=street_app, by=admin)

    with django_assert_max_num_queries(5):
        response = admin_client.get(LIST)

    page = response.content.decode()
    assert page.count("Olu Officer") == 5
    assert "Revoked" in page
    assert page.index("Script 4") < page.index("Street app")  # active keys first
    assert 'aria-current="page"' in page and "API keys" in page


def test_an_admin_revokes_a_key_after_confirming(admin_client, admin, street_app):
    url = reverse("api_keys:revoke", args=[street_app.pk])

    confirm = admin_client.get(url)
    assert "Revoke the key for Street app?" in confirm.content.decode()
    assert ApiKey.objects.get().is_active

    response = admin_client.post(url)

    assert response.status_code == 302
    street_app.refresh_from_db()
    assert (street_app.is_active, street_app.revoked_by) == (False, admin)
    again = admin_client.post(url, follow=True)
    assert "was revoked already" in again.content.decode()
    assert AuditEvent.objects.filter(action="api_key.revoked").count() == 1


def _user(kind: str):
    if kind in ("resident", "other_resident"):
        return UserFactory()
    return StaffFactory(role=Role(kind))


@pytest.mark.parametrize("kind", ["anonymous", *REFUSED])
def test_only_council_admins_reach_the_key_pages(client, admin, street_app, kind):
    if kind != "anonymous":
        client.force_login(_user(kind))
    revoke = reverse("api_keys:revoke", args=[street_app.pk])

    responses = [
        client.get(LIST),
        client.get(ISSUE),
        client.get(revoke),
        issue(client, client_name="Sneaky", scopes=[Scope.OPEN311]),
        client.post(revoke),
    ]

    expected = 302 if kind == "anonymous" else 403
    assert [r.status_code for r in responses] == [expected] * 5
    if kind == "anonymous":
        assert all(r.url.startswith(reverse("account_login")) for r in responses)
    assert list(ApiKey.objects.values_list("client_name", "revoked_at")) == [("Street app", None)]
