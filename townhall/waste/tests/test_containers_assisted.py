"""Assisted collections: a resident applies, an officer approves or refuses, and an approved
one shows on the crews' lists until it ends."""

import datetime as dt

import pytest
from django.utils import timezone

from townhall.cases.models import Case, EventKind
from townhall.cases.services import Requester
from townhall.catalogue.models import Channel
from townhall.core.models import AuditEvent, OutboxMessage
from townhall.customers.models import AlertKind, Customer
from townhall.waste import containers
from townhall.waste.containers import AssistedError
from townhall.waste.models import (
    AssistedApplication,
    AssistedCollection,
    AssistedDuration,
    AssistedReason,
    Decision,
    PropertyRound,
)
from townhall.waste.tests.test_containers_setup import make_home

pytestmark = pytest.mark.django_db
# The shared fixtures: the services made from their specs, a home, people.
pytest_plugins = ["townhall.waste.tests.test_containers_setup"]
ROSA = Requester(name="Rosa Resident", email="rosa@example.com", phone="07700 900123")


def apply(service, place, **overrides) -> AssistedApplication:
    values = {
        "reason": AssistedReason.DISABILITY,
        "details": "I use a wheelchair.",
        "bin_location": "Side passage, left of the house",
        "duration": AssistedDuration.PERMANENT,
        "someone_can_help": False,
        "channel": Channel.WEB,
        "requester": ROSA,
    }
    return containers.apply_for_assisted_collection(service=service, place=place, **(values | overrides))


def events(topic: str) -> list[dict]:
    return [m.payload for m in OutboxMessage.objects.filter(topic="waste_event") if m.payload["topic"] == topic]


def test_a_resident_applies_and_the_case_goes_to_the_waste_team(assisted_service, home):
    application = apply(assisted_service, home)

    case = application.case
    assert case.team.slug == "waste" and case.status == "submitted" and case.fee == 0
    assert case.address == home and case.requester_email == "rosa@example.com"
    assert case.answers["bin_location"] == "Side passage, left of the house"
    assert case.answers["someone_can_help"] == "no"
    assert application.decision == Decision.PENDING
    assert not containers.is_assisted(home)  # not until an officer approves
    assert AuditEvent.objects.filter(action="waste.assisted_applied").exists()


def test_a_temporary_assisted_collection_needs_a_date_in_the_future(assisted_service, home):
    with pytest.raises(AssistedError, match="Enter the date"):
        apply(assisted_service, home, duration=AssistedDuration.TEMPORARY)
    with pytest.raises(AssistedError, match="must be in the future"):
        apply(assisted_service, home, duration=AssistedDuration.TEMPORARY, until=timezone.localdate())

    until = timezone.localdate() + dt.timedelta(days=60)
    application = apply(assisted_service, home, duration=AssistedDuration.TEMPORARY, until=until)
    assert application.until == until and application.case.answers["until"] == until.isoformat()


def test_refuses_a_second_application_while_one_is_waiting(assisted_service, home):
    apply(assisted_service, home)

    with pytest.raises(AssistedError, match="We already have"):
        apply(assisted_service, home)

    assert Case.objects.count() == 1


def test_the_same_submission_key_gives_the_same_application(assisted_service, home):
    import uuid

    key = uuid.uuid4()

    assert apply(assisted_service, home, submission_key=key) == apply(assisted_service, home, submission_key=key)


@pytest.fixture
def application(assisted_service, home):
    return apply(assisted_service, home)


def test_an_officer_approves_and_the_property_is_assisted_from_today(application, home, people):
    officer = people["officer"]

    containers.decide_assisted_application(
        application=application, approve=True, location_note="Side passage, gate code 1234", by=officer
    )

    collection = AssistedCollection.objects.get(property=home)
    assert collection.active and collection.starts == timezone.localdate() and collection.ends is None
    assert collection.location_note == "Side passage, gate code 1234"
    assert collection.customer == application.case.customer and collection.approved_by == officer
    assert containers.is_assisted(home)
    case = Case.objects.get()
    assert case.is_closed and case.status == "resolved"
    assert "gate code 1234" in case.events.get(kind=EventKind.PUBLIC_UPDATE).text
    [event] = events("assisted_collection.approved")
    assert event["data"]["uprn"] == home.uprn and event["data"]["ends"] is None
    assert sorted(event["data"]["rounds"]) == sorted(
        PropertyRound.objects.filter(property=home).values_list("round__code", flat=True)
    )
    # Agents see it first on the customer's record.
    assert application.case.customer.alerts.filter(kind=AlertKind.ASSISTED_COLLECTION).exists()


def test_approval_keeps_the_residents_words_for_the_crew_unless_the_officer_changes_them(application, home, people):
    containers.decide_assisted_application(application=application, approve=True, by=people["officer"])

    assert AssistedCollection.objects.get(property=home).location_note == "Side passage, left of the house"


def test_an_officer_refuses_with_a_reason_the_resident_reads(application, home, people):
    containers.decide_assisted_application(
        application=application, approve=False, reason="Your son lives with you and can help.", by=people["officer"]
    )

    application.refresh_from_db()
    assert application.decision == Decision.REFUSED
    assert not AssistedCollection.objects.exists() and not containers.is_assisted(home)
    case = Case.objects.get()
    assert case.is_closed
    assert case.events.get(kind=EventKind.PUBLIC_UPDATE).text == (
        "We cannot offer you an assisted collection. Your son lives with you and can help."
    )
    assert events("assisted_collection.approved") == []


def test_refusing_needs_a_reason_and_an_application_is_decided_once(application, people):
    with pytest.raises(AssistedError, match="Enter the reason"):
        containers.decide_assisted_application(application=application, approve=False, by=people["officer"])

    containers.decide_assisted_application(application=application, approve=True, by=people["officer"])
    with pytest.raises(AssistedError, match="decided already"):
        containers.decide_assisted_application(application=application, approve=True, by=people["manager"])
    assert AssistedCollection.objects.count() == 1


def test_a_temporary_assisted_collection_ends_on_its_date(assisted_service, home, people):
    until = timezone.localdate() + dt.timedelta(days=30)
    application = apply(assisted_service, home, duration=AssistedDuration.TEMPORARY, until=until)
    containers.decide_assisted_application(application=application, approve=True, by=people["officer"])

    assert containers.is_assisted(home, on=until)
    assert not containers.is_assisted(home, on=until + dt.timedelta(days=1))


def test_an_officer_ends_an_assisted_collection_and_the_back_office_is_told(application, home, people):
    containers.decide_assisted_application(application=application, approve=True, by=people["officer"])
    collection = AssistedCollection.objects.get()

    with pytest.raises(AssistedError, match="Enter the reason"):
        containers.end_assisted_collection(collection=collection, reason="", by=people["officer"])
    containers.end_assisted_collection(collection=collection, reason="Moved away", by=people["officer"])

    collection.refresh_from_db()
    assert not collection.active and collection.ends == timezone.localdate()
    assert not containers.is_assisted(home)
    [ended] = events("assisted_collection.ended")
    assert ended["data"]["uprn"] == home.uprn
    with pytest.raises(AssistedError, match="ended already"):
        containers.end_assisted_collection(collection=collection, reason="Again", by=people["officer"])


def test_a_new_application_after_one_ended_starts_the_collection_again(assisted_service, application, home, people):
    containers.decide_assisted_application(application=application, approve=True, by=people["officer"])
    containers.end_assisted_collection(collection=AssistedCollection.objects.get(), reason="Better", by=None)

    again = apply(assisted_service, home, bin_location="Front garden")
    containers.decide_assisted_application(application=again, approve=True, by=people["officer"])

    collection = AssistedCollection.objects.get()
    assert collection.active and collection.application == again and collection.location_note == "Front garden"


def test_the_crews_list_gets_the_rounds_assisted_properties_in_one_query(
    assisted_service, home, people, django_assert_num_queries
):
    neighbour = make_home(building_number="14", street=home.street)
    for place in (home, neighbour):
        application = apply(assisted_service, place, bin_location=f"Behind number {place.building_number}")
        containers.decide_assisted_application(application=application, approve=True, by=people["officer"])
    AssistedCollection.objects.filter(property=neighbour).update(active=False)
    refuse_round = PropertyRound.objects.get(property=home, stream="refuse").round

    with django_assert_num_queries(1):
        found = containers.assisted_properties(refuse_round, timezone.localdate())
        notes = {property_id: c.location_note for property_id, c in found.items()}

    assert notes == {home.pk: "Behind number 12"}
    assert containers.assisted_properties(refuse_round, timezone.localdate() - dt.timedelta(days=1)) == {}


def test_an_application_made_by_phone_is_the_callers(assisted_service, home, people):
    application = apply(assisted_service, home, channel=Channel.PHONE, by=people["agent"])

    case = application.case
    assert case.channel == Channel.PHONE and case.created_by == people["agent"]
    assert case.customer == Customer.objects.get(email="rosa@example.com")
