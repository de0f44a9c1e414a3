import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from townhall.accounts.models import Role
from townhall.api.tests.conftest import ANSWERS, API_CHANNELS, staff
from townhall.cases.models import Case, CaseEvent, EventKind
from townhall.catalogue.models import Channel, FeeKind
from townhall.catalogue.tests.factories import ServiceFactory
from townhall.core.models import AuditEvent, OutboxMessage
from townhall.gazetteer.tests.factories import PropertyFactory

pytestmark = pytest.mark.django_db


def many_cases(service, count: int, **fields) -> list[Case]:
    """`count` cases, newest first, made in one query (pages and filters need many)."""
    now = timezone.now()
    return Case.objects.bulk_create(
        Case(
            reference=f"WX-{uuid.uuid4().hex[:9].upper()}",
            service=service,
            form=service.current_form,
            team=service.team,
            channel=Channel.WEB,
            status="submitted",
            submitted_at=now - dt.timedelta(minutes=n),
            **fields,
        )
        for n in range(count)
    )


def references(response) -> list[str]:
    return [case["reference"] for case in response.json()["results"]]


# --- the list ---


def test_cases_come_fifty_a_page_newest_first_and_next_walks_them_all_once(api, officer_key, service):
    made = many_cases(service, 120)

    first = api(officer_key, "get", "/api/v1/cases/")
    seen = references(first)
    next_url = first.json()["next"]
    while next_url:
        page = api(officer_key, "get", next_url)
        seen += references(page)
        next_url = page.json()["next"]

    assert len(references(first)) == 50
    assert first.json()["previous"] is None
    assert seen == [case.reference for case in made]


def test_a_page_holds_up_to_two_hundred(api, officer_key, service):
    many_cases(service, 205)

    assert len(references(api(officer_key, "get", "/api/v1/cases/?page_size=7"))) == 7
    assert len(references(api(officer_key, "get", "/api/v1/cases/?page_size=1000"))) == 200


def test_the_list_takes_the_same_few_queries_however_long(
    api, officer_key, service, issue_key, officer, team, django_assert_max_num_queries, django_assert_num_queries
):
    assignee = staff(Role.OFFICER, team)
    many_cases(service, 3, assignee=assignee)
    api(officer_key, "get", "/api/v1/services/")  # the key's first use is noted once a minute, not counted here
    with django_assert_max_num_queries(3) as few:
        api(officer_key, "get", "/api/v1/cases/")
    many_cases(service, 40, assignee=assignee, customer=None)

    with django_assert_num_queries(len(few.captured_queries)):
        response = api(officer_key, "get", "/api/v1/cases/")
    assert len(references(response)) == 43


@pytest.fixture
def mixed(service, team, officer):
    other_team_service = ServiceFactory(slug="fly-tipping", channels=API_CHANNELS)
    long_ago = timezone.now() - dt.timedelta(days=30)
    cases = {
        "open": many_cases(service, 1)[0],
        "closed": Case.objects.create(
            reference="WX-CLOS-ED01",
            service=service,
            form=service.current_form,
            team=team,
            channel=Channel.API,
            status="resolved",
            is_closed=True,
            assignee=officer,
        ),
        "elsewhere": Case.objects.create(
            reference="WX-ELSE-WHER",
            service=other_team_service,
            form=other_team_service.current_form,
            team=other_team_service.team,
            channel=Channel.PHONE,
            status="in_progress",
        ),
    }
    Case.objects.filter(pk=cases["open"].pk).update(updated_at=long_ago)
    return cases


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=in_progress", {"elsewhere"}),
        ("service=blocked-drain", {"open", "closed"}),
        ("team=street-care", {"open", "closed"}),
        ("is_closed=true", {"closed"}),
        ("is_closed=false", {"open", "elsewhere"}),
        ("updated_since={recent}", {"closed", "elsewhere"}),
        ("assignee={officer}", {"closed"}),
        ("service=blocked-drain&is_closed=false", {"open"}),
    ],
)
def test_the_list_filters(query, expected, mixed, api, officer_key, officer):
    recent = (timezone.now() - dt.timedelta(days=1)).isoformat().replace("+", "%2B")

    response = api(officer_key, "get", "/api/v1/cases/?" + query.format(recent=recent, officer=officer.pk))

    assert set(references(response)) == {mixed[name].reference for name in expected}


def test_a_case_reads_with_its_answers_and_version(api, officer_key, make_case, customer):
    case = make_case()

    body = api(officer_key, "get", f"/api/v1/cases/{case.reference}/").json()

    assert body["reference"] == case.reference
    assert (body["status"], body["status_label"], body["version"]) == ("submitted", "Received", 1)
    assert body["answers"] == ANSWERS
    assert body["customer"] == customer.pk
    assert body["service"] == {"slug": "blocked-drain", "name": "Report a blocked drain"}


# --- raising a case ---


def test_a_case_is_raised_as_the_web_form_would_with_channel_api(api, officer_key, officer, customer, service):
    body = {
        "service": "blocked-drain",
        "answers": {**ANSWERS, "danger_details": "hidden, so dropped"},
        "customer": customer.pk,
    }

    response = api(officer_key, "post", "/api/v1/cases/", body)

    assert response.status_code == 201
    case = Case.objects.get(reference=response.json()["reference"])
    assert (case.channel, case.customer, case.created_by, case.answers) == (Channel.API, customer, officer, ANSWERS)
    assert case.events.get().kind == EventKind.SUBMITTED
    assert AuditEvent.objects.filter(action="case.submitted", actor=officer).exists()
    assert OutboxMessage.objects.filter(topic="email").exists()  # the requester is told, after commit


def test_sending_a_case_again_with_its_submission_key_raises_it_once(api, officer_key, service):
    body = {"service": "blocked-drain", "answers": ANSWERS, "requester": {"name": "Sam", "email": "sam@example.com"}}
    body["submission_key"] = str(uuid.uuid4())

    first = api(officer_key, "post", "/api/v1/cases/", body)
    again = api(officer_key, "post", "/api/v1/cases/", body)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["reference"] == again.json()["reference"]
    assert Case.objects.count() == 1
    assert Case.objects.get().customer.email == "sam@example.com"


def test_an_address_is_given_by_uprn_and_a_point_by_latitude_and_longitude(api, officer_key, team):
    ServiceFactory(
        slug="fly-tipping",
        team=team,
        channels=API_CHANNELS,
        questions=[
            {"key": "home", "type": "address", "label": "Your address", "required": True},
            {"key": "where", "type": "location", "label": "Where is it?", "required": True},
        ],
    )
    home = PropertyFactory()
    answers = {"home": {"uprn": home.uprn}, "where": {"latitude": 51.4101, "longitude": -0.1902}}

    response = api(officer_key, "post", "/api/v1/cases/", {"service": "fly-tipping", "answers": answers})

    assert response.status_code == 201, response.json()
    case = Case.objects.get()
    assert case.answers["home"] == {"uprn": home.uprn, "text": home.single_line}
    assert (case.address, case.latitude, case.longitude) == (home, Decimal("51.4101"), Decimal("-0.1902"))
    assert response.json()["address"] == {"uprn": home.uprn, "text": home.single_line}


@pytest.mark.parametrize(
    ("question", "answer", "message"),
    [
        ({"type": "address"}, {"uprn": 1}, "Give an address in the borough by its UPRN"),
        ({"type": "address"}, "1 High Street", "Give an address in the borough by its UPRN"),
        ({"type": "location"}, {"latitude": 91, "longitude": 0}, "Latitude must be 90 or less"),
        ({"type": "location"}, {"latitude": 51.4}, "Enter both the latitude and the longitude"),
        ({"type": "file"}, [{"id": "x", "path": "../../settings.py"}], "Files cannot be sent through the API"),
    ],
)
def test_answers_the_web_form_would_not_take_are_refused(question, answer, message, api, officer_key, team):
    ServiceFactory(slug="odd", team=team, channels=API_CHANNELS, questions=[{"key": "q", "label": "Q?", **question}])

    response = api(officer_key, "post", "/api/v1/cases/", {"service": "odd", "answers": {"q": answer}})

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["pointer"] == "#/answers/q"
    assert message in error["detail"]
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"channels": [Channel.WEB]}, "does not take requests through the API"),
        ({"fee_kind": FeeKind.FIXED, "fee_pence": 2500}, "charges a fee"),
        ({"status": "draft"}, "none this key may see"),
    ],
)
def test_a_service_must_take_free_requests_through_the_api(changes, message, api, officer_key, service):
    for name, value in changes.items():
        setattr(service, name, value)
    service.save()

    response = api(officer_key, "post", "/api/v1/cases/", {"service": "blocked-drain", "answers": ANSWERS})

    assert response.status_code == 400
    assert message in response.json()["errors"][0]["detail"]
    assert not Case.objects.exists()


# --- changing the status ---


def test_the_status_changes_with_the_version_read(api, officer_key, officer, make_case):
    case = make_case()
    body = {"status": "resolved", "version": 1, "reason": "Drain cleared", "public_text": "We cleared the drain."}

    response = api(officer_key, "post", f"/api/v1/cases/{case.reference}/status/", body)

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["is_closed"], response.json()["version"]) == (
        "resolved",
        True,
        2,
    )
    change = case.events.get(kind=EventKind.STATUS_CHANGED)
    assert (change.actor, change.data["reason"]) == (officer, "Drain cleared")
    assert case.events.get(kind=EventKind.PUBLIC_UPDATE).text == "We cleared the drain."


def test_a_status_change_against_an_older_version_is_refused_and_changes_nothing(api, officer_key, make_case):
    case = make_case()
    api(
        officer_key,
        "post",
        f"/api/v1/cases/{case.reference}/status/",
        {"status": "in_progress", "version": 1, "reason": "a"},
    )
    events = CaseEvent.objects.count()

    response = api(
        officer_key,
        "post",
        f"/api/v1/cases/{case.reference}/status/",
        {"status": "resolved", "version": 1, "reason": "b"},
    )

    assert response.status_code == 409
    assert response.json()["code"] == "stale_version"
    case.refresh_from_db()
    assert (case.status, case.version, CaseEvent.objects.count()) == ("in_progress", 2, events)


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"status": "fixed", "version": 1, "reason": "x"}, "#/status"),
        ({"status": "resolved", "reason": "x"}, "#/version"),
        ({"status": "resolved", "version": 1}, "#/reason"),
    ],
)
def test_a_status_change_needs_a_workflow_state_the_version_and_a_reason(body, pointer, api, officer_key, make_case):
    case = make_case()

    response = api(officer_key, "post", f"/api/v1/cases/{case.reference}/status/", body)

    assert response.status_code == 400
    assert [error["pointer"] for error in response.json()["errors"]] == [pointer]


# --- the timeline ---


def test_a_note_stays_internal_and_an_update_reaches_the_resident(api, officer_key, officer, make_case):
    case = make_case()
    path = f"/api/v1/cases/{case.reference}/events/"
    emails = OutboxMessage.objects.filter(topic="email").count()

    note = api(officer_key, "post", path, {"kind": "note", "text": "Resident sounded upset"})
    update = api(officer_key, "post", path, {"kind": "public_update", "text": "A crew is on the way"})

    assert (note.status_code, update.status_code) == (201, 201)
    assert (note.json()["public"], update.json()["public"]) == (False, True)
    assert note.json()["actor"] == "Olu Officer"
    assert OutboxMessage.objects.filter(topic="email").count() == emails + 1
    timeline = api(officer_key, "get", path).json()["results"]
    assert [event["kind"] for event in timeline] == ["submitted", "note", "public_update"]


def test_a_retried_update_with_its_request_key_is_added_and_emailed_once(api, officer_key, make_case):
    case = make_case()
    path = f"/api/v1/cases/{case.reference}/events/"
    emails = OutboxMessage.objects.filter(topic="email").count()
    body = {"kind": "public_update", "text": "A crew is on the way", "request_key": str(uuid.uuid4())}

    first = api(officer_key, "post", path, body)
    retry = api(officer_key, "post", path, body)
    other = api(officer_key, "post", path, {**body, "request_key": str(uuid.uuid4())})

    assert (first.status_code, retry.status_code, other.status_code) == (201, 200, 201)
    assert retry.json()["id"] == first.json()["id"] != other.json()["id"]
    assert case.events.filter(kind=EventKind.PUBLIC_UPDATE).count() == 2
    assert OutboxMessage.objects.filter(topic="email").count() == emails + 2


def test_only_notes_and_updates_can_be_added(api, officer_key, make_case):
    case = make_case()

    response = api(
        officer_key, "post", f"/api/v1/cases/{case.reference}/events/", {"kind": "status_changed", "text": "x"}
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["pointer"] == "#/kind"


def test_the_timeline_takes_the_same_few_queries_however_long(
    api, officer_key, officer, make_case, django_assert_max_num_queries, django_assert_num_queries
):
    case = make_case()
    path = f"/api/v1/cases/{case.reference}/events/"
    api(officer_key, "get", "/api/v1/services/")
    with django_assert_max_num_queries(4) as few:
        api(officer_key, "get", path)
    CaseEvent.objects.bulk_create(
        CaseEvent(case=case, kind=EventKind.NOTE, actor=officer, actor_label=str(officer), text=f"Note {n}")
        for n in range(20)
    )

    with django_assert_num_queries(len(few.captured_queries)):
        assert len(api(officer_key, "get", path).json()["results"]) == 21
