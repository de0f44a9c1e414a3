"""The waste back-office connector: events out through the outbox (nothing lost while the
back office is down, each delivered once by its key, in order per case), the adapter
chosen by setting, and the built-in one's "data in" from Townhall's own records."""

import datetime as dt

import pytest
from django.utils import timezone

from townhall.cases.services import Requester
from townhall.catalogue.models import Channel
from townhall.core import outbox
from townhall.core.models import OutboxMessage, OutboxStatus
from townhall.gazetteer.tests.factories import StreetFactory
from townhall.payments.tests.factories import awaiting_case
from townhall.waste import backoffice, containers
from townhall.waste.backoffice import BackOfficeUnavailable, WasteBackOffice, WasteTopic, send_waste_event
from townhall.waste.backoffice.builtin import BuiltinBackOffice
from townhall.waste.models import (
    Container,
    ContainerReason,
    CrewOutcome,
    CrewRecord,
    PropertyRound,
    WasteBackOfficeEvent,
)

pytestmark = pytest.mark.django_db
# The shared fixtures: the services made from their specs, a home, people.
pytest_plugins = ["townhall.waste.tests.test_containers_setup"]


@pytest.fixture
def case():
    return awaiting_case()


def test_an_event_is_queued_in_the_outbox_with_its_own_key_and_the_cases_order(case):
    message = send_waste_event(WasteTopic.MISSED_BIN, {"uprn": 1, "date": dt.date(2026, 6, 2)}, case=case)

    assert message.topic == "waste_event"
    assert message.key == f"waste:missed_bin.reported:{case.reference}"
    assert message.ordering_key == f"waste:{case.reference}"
    assert message.payload["topic"] == "missed_bin.reported"
    assert message.payload["case_reference"] == case.reference
    assert message.payload["data"] == {"uprn": 1, "date": "2026-06-02"}  # dates as ISO text


def test_the_same_event_queued_twice_is_queued_once(case):
    send_waste_event(WasteTopic.BULKY_BOOKED, {"items": 2}, case=case)
    send_waste_event(WasteTopic.BULKY_BOOKED, {"items": 2}, case=case)
    send_waste_event(WasteTopic.BULKY_BOOKED, {"items": 3}, case=case, key="amended-1")

    assert sorted(OutboxMessage.objects.filter(topic="waste_event").values_list("key", flat=True)) == [
        f"waste:bulky_booking.created:{case.reference}",
        f"waste:bulky_booking.created:{case.reference}:amended-1",
    ]


def test_refuses_an_event_the_back_office_does_not_know(case):
    with pytest.raises(ValueError, match="Unknown waste event topic"):
        send_waste_event("bin.painted", {}, case=case)


def test_an_event_reaches_the_built_in_back_office_through_the_relay(case):
    send_waste_event(WasteTopic.MISSED_BIN, {"uprn": 123}, case=case)

    outbox.relay()

    received = WasteBackOfficeEvent.objects.get()
    assert received.key == f"missed_bin.reported:{case.reference}"
    assert received.topic == "missed_bin.reported" and received.case_reference == case.reference
    assert received.data == {"uprn": 123}
    assert OutboxMessage.objects.get(topic="waste_event").status == OutboxStatus.SENT


def test_a_back_office_that_is_down_loses_nothing_and_gets_the_event_once_it_is_back(case, settings):
    settings.WASTE_BACKOFFICE_OUTAGE = True
    message = send_waste_event(WasteTopic.MISSED_BIN, {"uprn": 123}, case=case)

    outbox.relay()

    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED and message.attempts == 1
    assert "BackOfficeUnavailable" in message.last_error
    assert message.next_attempt_at > timezone.now()
    assert not WasteBackOfficeEvent.objects.exists()

    settings.WASTE_BACKOFFICE_OUTAGE = False
    assert outbox.deliver(message.pk)  # the retry

    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and message.attempts == 2
    assert WasteBackOfficeEvent.objects.get().deliveries == 1


def test_a_repeat_delivery_of_the_same_key_is_recorded_once(case):
    send_waste_event(WasteTopic.CONTAINER_JOB, {"quantity": 1}, case=case)
    payload = OutboxMessage.objects.get(topic="waste_event").payload

    # At-least-once delivery: the relay crashed after sending, before marking it sent.
    backoffice.deliver_waste_event(payload, "waste:anything")
    backoffice.deliver_waste_event(payload, "waste:anything")

    received = WasteBackOfficeEvent.objects.get()
    assert received.deliveries == 2 and received.key == f"container_job.created:{case.reference}"


def test_a_case_events_go_out_in_the_order_they_were_queued(case, settings):
    first = send_waste_event(WasteTopic.ASSISTED_APPROVED, {}, case=case)
    send_waste_event(WasteTopic.ASSISTED_ENDED, {}, case=case)
    settings.WASTE_BACKOFFICE_OUTAGE = True
    outbox.relay()
    settings.WASTE_BACKOFFICE_OUTAGE = False

    # The first is waiting for its retry: the second must wait behind it.
    assert outbox.relay() == 0
    assert not WasteBackOfficeEvent.objects.exists()
    outbox.deliver(first.pk)
    assert outbox.relay() == 1
    assert list(WasteBackOfficeEvent.objects.order_by("id").values_list("topic", flat=True)) == [
        "assisted_collection.approved",
        "assisted_collection.ended",
    ]


class RecordingBackOffice(WasteBackOffice):
    """A vendor adapter as a council would add one: here it only remembers."""

    name = "recording"
    received: list = []

    def send_event(self, event):
        if event.data.get("fail"):
            raise BackOfficeUnavailable("Vendor API timed out")
        RecordingBackOffice.received.append(event)

    def rounds(self):
        return []

    def round_properties(self, code):
        return []

    def crew_records(self, *, day):
        return []


def test_the_back_office_is_the_class_the_setting_names(case, settings):
    settings.WASTE_BACKOFFICE = f"{__name__}.RecordingBackOffice"
    RecordingBackOffice.received = []
    send_waste_event(WasteTopic.MISSED_BIN, {"uprn": 5}, case=case)
    send_waste_event(WasteTopic.BULKY_BOOKED, {"fail": True}, case=case)

    outbox.relay()
    outbox.relay()  # the second waited behind the first, in the case's order

    assert isinstance(backoffice.get_backoffice(), RecordingBackOffice)
    [event] = RecordingBackOffice.received
    assert (event.topic, event.case_reference, event.data) == ("missed_bin.reported", case.reference, {"uprn": 5})
    assert not WasteBackOfficeEvent.objects.exists()
    failed = OutboxMessage.objects.get(topic="waste_event", status=OutboxStatus.FAILED)
    assert "Vendor API timed out" in failed.last_error


def test_a_free_container_job_is_delivered_after_commit(containers_service, home, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        made = containers.request_container(
            service=containers_service,
            place=home,
            container=Container.FOOD_CADDY,
            reason=ContainerReason.LOST,
            quantity=1,
            channel=Channel.WEB,
            requester=Requester(name="Rosa", email="rosa@example.com"),
        )

    # Tasks run inline in tests: the commit's nudge ran the relay.
    received = WasteBackOfficeEvent.objects.get()
    assert received.topic == "container_job.created" and received.case_reference == made.case.reference
    assert received.data["container"] == "food_caddy" and received.data["assisted"] is False


def test_the_built_in_back_office_reads_rounds_and_crew_records_from_townhall(home):
    rounds = BuiltinBackOffice().rounds()
    place_rounds = PropertyRound.objects.filter(property=home).select_related("round")
    assert sorted(r.code for r in rounds) == sorted(p.round.code for p in place_rounds)
    refuse = next(p.round for p in place_rounds if p.stream == "refuse")
    assert BuiltinBackOffice().round_properties(refuse.code) == [home.uprn]

    day = dt.date(2026, 6, 2)
    street = StreetFactory()
    CrewRecord.objects.create(round=refuse, date=day, property=home, outcome=CrewOutcome.NOT_PRESENTED, note="No bin")
    CrewRecord.objects.create(round=refuse, date=day, street=street, outcome=CrewOutcome.BLOCKED)
    CrewRecord.objects.create(round=refuse, date=day + dt.timedelta(days=7), property=home, outcome=CrewOutcome.DONE)

    records = BuiltinBackOffice().crew_records(day=day)

    assert [(r.uprn, r.usrn, r.outcome, r.round_code) for r in records] == [
        (home.uprn, None, "not_presented", refuse.code),
        (None, street.usrn, "blocked", refuse.code),
    ]
