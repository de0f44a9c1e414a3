"""Who may use which endpoint: a key's scopes, and never more than the member of staff it
acts for may do in the console. Every refusal changes nothing."""

import pytest
from django.utils import timezone

from townhall.accounts.models import Role
from townhall.api.tests.conftest import ANSWERS, STAFF_SCOPES, staff
from townhall.cases.models import Case, CaseEvent
from townhall.core.models import AuditEvent
from townhall.customers.models import Contact, Customer
from townhall.integrations import services as key_services
from townhall.integrations.models import ApiKey, Scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_case, customer, service):
    case = make_case()
    return {"case": case, "customer": customer, "service": service}


# (method, path, the scope it needs, the body of a request that succeeds)
ENDPOINTS = {
    "services": ("get", "/api/v1/services/", Scope.SERVICES_READ, None),
    "service": ("get", "/api/v1/services/{service}/", Scope.SERVICES_READ, None),
    "cases": ("get", "/api/v1/cases/", Scope.CASES_READ, None),
    "case": ("get", "/api/v1/cases/{case}/", Scope.CASES_READ, None),
    "raise case": (
        "post",
        "/api/v1/cases/",
        Scope.CASES_WRITE,
        {"service": "blocked-drain", "answers": ANSWERS, "requester": {"name": "Sam", "email": "sam@example.com"}},
    ),
    "change status": (
        "post",
        "/api/v1/cases/{case}/status/",
        Scope.CASES_WRITE,
        {"status": "in_progress", "version": 1, "reason": "Crew booked"},
    ),
    "timeline": ("get", "/api/v1/cases/{case}/events/", Scope.CASES_READ, None),
    "add note": ("post", "/api/v1/cases/{case}/events/", Scope.CASES_WRITE, {"kind": "note", "text": "Called back"}),
    "customers": ("get", "/api/v1/customers/?search=Rosa", Scope.CUSTOMERS_READ, None),
    "customer": ("get", "/api/v1/customers/{customer}/", Scope.CUSTOMERS_READ, None),
    "add customer": ("post", "/api/v1/customers/", Scope.CUSTOMERS_WRITE, {"name": "Sam Smith"}),
    "change customer": ("patch", "/api/v1/customers/{customer}/", Scope.CUSTOMERS_WRITE, {"phone": "07700 900456"}),
    "contacts": ("get", "/api/v1/customers/{customer}/contacts/", Scope.CUSTOMERS_READ, None),
    "log contact": (
        "post",
        "/api/v1/customers/{customer}/contacts/",
        Scope.CUSTOMERS_WRITE,
        {
            "channel": "phone",
            "reason": "Bin day",
            "outcome": "answered",
            "resolved_first_contact": True,
            "avoidable": False,
        },
    ),
}
WRITES = [name for name, (method, *_rest) in ENDPOINTS.items() if method != "get"]


def _path(template: str, world) -> str:
    return template.format(service=world["service"].slug, case=world["case"].reference, customer=world["customer"].pk)


def snapshot(world) -> tuple:
    """Everything a write could change."""
    case = Case.objects.get(pk=world["case"].pk)
    customer = Customer.objects.get(pk=world["customer"].pk)
    counts = [model.objects.count() for model in (Case, CaseEvent, Customer, Contact, AuditEvent)]
    return (*counts, case.status, case.version, customer.phone, customer.updated_at)


def _key_refused_by(refusal: str, issue_key, officer, team, scope: str) -> str | None:
    """A key (or none) that `refusal` describes, for an endpoint needing `scope`."""
    match refusal:
        case "no key":
            return None
        case "unknown key":
            return "th_this-key-was-never-issued-by-anyone"
        case "Open311 key":
            return issue_key(None, [Scope.OPEN311, *STAFF_SCOPES])
        case "wrong scope":
            return issue_key(officer, [s for s in STAFF_SCOPES if s != scope])
        case "revoked key":
            secret = issue_key(officer)
            key_services.revoke_api_key(api_key=ApiKey.objects.get(prefix=secret[:12]), by=None)
            return secret
        case "deactivated user":
            leaver = staff(Role.OFFICER, team)
            secret = issue_key(leaver)
            leaver.is_active = False
            leaver.save()
            return secret
        case "no longer staff":
            demoted = staff(Role.OFFICER, team)
            secret = issue_key(demoted)
            demoted.role = Role.RESIDENT
            demoted.save()
            return secret
        case "admin without 2-step verification":
            return issue_key(staff(Role.COUNCIL_ADMIN))
    raise AssertionError(refusal)


REFUSALS = {
    "no key": (401, "not_authenticated"),
    "unknown key": (401, "authentication_failed"),
    "Open311 key": (403, "open311_key"),
    "wrong scope": (403, "missing_scope"),
    "revoked key": (401, "authentication_failed"),
    "deactivated user": (401, "authentication_failed"),
    "no longer staff": (403, "not_staff"),
    "admin without 2-step verification": (403, "mfa_required"),
}


@pytest.mark.parametrize("refusal", REFUSALS)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_endpoint_refuses_keys_that_may_not_use_it_and_changes_nothing(
    endpoint, refusal, world, api, issue_key, officer, team
):
    method, template, scope, body = ENDPOINTS[endpoint]
    key = _key_refused_by(refusal, issue_key, officer, team, scope)
    before = snapshot(world)

    response = api(key, method, _path(template, world), body)

    status, code = REFUSALS[refusal]
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert response["Content-Type"] == "application/problem+json"
    assert snapshot(world) == before


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_endpoint_answers_a_key_with_the_scope_for_staff_who_may(endpoint, world, api, officer_key):
    method, template, _scope, body = ENDPOINTS[endpoint]

    response = api(officer_key, method, _path(template, world), body)

    assert response.status_code in (200, 201), response.json()
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("endpoint", WRITES)
def test_an_auditors_key_only_reads_whatever_its_scopes(endpoint, world, api, issue_key):
    method, template, _scope, body = ENDPOINTS[endpoint]
    key = issue_key(staff(Role.AUDITOR))
    before = snapshot(world)

    response = api(key, method, _path(template, world), body)

    assert (response.status_code, response.json()["code"]) == (403, "read_only_role")
    assert snapshot(world) == before
    assert api(key, "get", "/api/v1/cases/").status_code == 200


@pytest.fixture
def restricted_case(make_case, restricted_service):
    return make_case(on=restricted_service)


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("get", "", None),
        ("get", "events/", None),
        ("post", "events/", {"kind": "public_update", "text": "Sorted"}),
        ("post", "status/", {"status": "resolved", "version": 1, "reason": "Done"}),
    ],
)
def test_a_restricted_case_is_not_found_by_a_key_of_staff_in_another_team(
    method, suffix, body, restricted_case, world, api, officer_key
):
    before = snapshot(world), CaseEvent.objects.filter(case=restricted_case).count()

    response = api(officer_key, method, f"/api/v1/cases/{restricted_case.reference}/{suffix}", body)

    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert (snapshot(world), CaseEvent.objects.filter(case=restricted_case).count()) == before


def test_restricted_cases_and_services_are_left_out_of_lists_outside_their_teams(
    restricted_case, world, api, officer_key, issue_key, private_team
):
    outsider = [c["reference"] for c in api(officer_key, "get", "/api/v1/cases/").json()["results"]]
    insider_key = issue_key(staff(Role.OFFICER, private_team))
    insider = [c["reference"] for c in api(insider_key, "get", "/api/v1/cases/").json()["results"]]

    assert outsider == [world["case"].reference]
    assert set(insider) == {world["case"].reference, restricted_case.reference}
    assert [s["slug"] for s in api(officer_key, "get", "/api/v1/services/").json()["results"]] == ["blocked-drain"]
    assert api(officer_key, "get", "/api/v1/services/safeguarding/").status_code == 404
    assert api(insider_key, "get", "/api/v1/services/safeguarding/").status_code == 200


def test_a_restricted_service_takes_no_case_from_a_key_outside_its_teams(restricted_service, api, officer_key):
    body = {"service": "safeguarding", "answers": ANSWERS, "requester": {"name": "Sam"}}

    response = api(officer_key, "post", "/api/v1/cases/", body)

    assert response.status_code == 400
    assert response.json()["errors"][0]["pointer"] == "#/service"
    assert not Case.objects.exists()


def test_reading_a_restricted_case_is_audited(restricted_case, api, issue_key, private_team):
    insider = staff(Role.OFFICER, private_team)

    api(issue_key(insider), "get", f"/api/v1/cases/{restricted_case.reference}/")

    assert AuditEvent.objects.filter(action="case.viewed", actor=insider, target_id=str(restricted_case.pk)).exists()


def test_the_console_session_is_not_accepted(client, officer, world):
    client.force_login(officer)

    response = client.post("/api/v1/customers/", {"name": "Sam"}, content_type="application/json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert not Customer.objects.filter(name="Sam").exists()


def test_a_key_beyond_its_rate_is_told_to_wait(api, issue_key, officer, world, monkeypatch):
    key = issue_key(officer, rate_per_minute=2)
    moment = timezone.now().replace(second=30)  # all within one minute's allowance
    monkeypatch.setattr(timezone, "now", lambda: moment)

    statuses = [api(key, "get", "/api/v1/services/").status_code for _ in range(3)]
    refused = api(key, "get", "/api/v1/services/")

    assert statuses == [200, 200, 429]
    assert refused.json()["code"] == "throttled"
    assert 1 <= int(refused["Retry-After"]) <= 60


def test_a_key_notes_when_it_was_last_used(api, officer_key, world):
    api(officer_key, "get", "/api/v1/services/")

    assert ApiKey.objects.get(prefix=officer_key[:12]).last_used_at is not None
