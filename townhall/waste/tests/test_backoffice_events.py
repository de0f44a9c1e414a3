"""What the waste flows tell the back office: bulky waste collections booked, changed and
cancelled, missed bins reported and resolved. Each event is queued once, in the outbox, in
the transaction of the change it tells of: never for a change that was refused or undone."""

import datetime as dt
import uuid
from contextlib import contextmanager
from unittest import mock

import pytest
from django.utils import timezone

from townhall.bookings import rules
from townhall.bookings import services as bookings
from townhall.cases.services import CaseError, change_status
from townhall.core import outbox
from townhall.core.models import OutboxMessage
from townhall.waste import bulky, bulky_changes
from townhall.waste.backoffice import WasteTopic
from townhall.waste.bulky_pricing import BulkyError
from townhall.waste.missed import MissedReportError
from townhall.waste.models import BulkyBooking, MissedCollection
from townhall.waste.tests.missed_helpers import TUESDAY, home_on_round, london, missed_bin_service
from townhall.waste.tests.test_bulky_services import a_day, book, booked_and_paid, make_borough, pay, reload
from townhall.waste.tests.test_missed_reports import ADA, BEN, WEDNESDAY, report

pytestmark = pytest.mark.django_db


@contextmanager
def failing_after_the_event_is_queued():
    """The event is queued, then the change fails: whatever happens to the one happens to the other."""
    queue = outbox.enqueue

    def queue_then_fail(**kwargs):
        queue(**kwargs)
        raise RuntimeError("the database went away")

    with mock.patch.object(outbox, "enqueue", side_effect=queue_then_fail), pytest.raises(RuntimeError):
        yield


def events(topic: str) -> list[dict]:
    """The payloads queued for the back office on `topic`, oldest first."""
    messages = OutboxMessage.objects.filter(topic="waste_event", payload__topic=topic).order_by("id")
    return [message.payload for message in messages]


# Bulky waste


@pytest.fixture
def borough():
    return make_borough()


def test_a_paid_booking_is_sent_once_as_booked(borough):
    booked = booked_and_paid(borough)

    [event] = events(WasteTopic.BULKY_BOOKED)
    assert event["key"] == f"{WasteTopic.BULKY_BOOKED}:{booked.case.reference}"
    assert event["data"]["day"] == booked.booking.slot.day.isoformat()


def test_a_booking_not_paid_for_is_never_sent(borough):
    booked = book(borough)

    bulky_changes.cancel(booked, by=None)

    assert OutboxMessage.objects.filter(topic="waste_event").count() == 0


def test_fewer_items_are_sent_as_a_change_with_the_new_items_and_price(borough):
    booked = booked_and_paid(borough, {"sofa": 2, "chair": 2})

    bulky_changes.change_items(booked, selection={"sofa": 2}, by=None)

    [event] = events(WasteTopic.BULKY_CHANGED)
    assert event["data"]["items"] == reload(booked).items and event["data"]["price"] == 3500
    assert event["key"].startswith(f"{WasteTopic.BULKY_CHANGED}:{booked.case.reference}:v")


def test_more_items_are_sent_once_paid_for(borough):
    booked = booked_and_paid(borough, {"sofa": 2})

    bulky_changes.change_items(booked, selection={"sofa": 2, "fridge-freezer": 1}, by=None)
    assert events(WasteTopic.BULKY_CHANGED) == []  # waiting for the difference: nothing changes yet

    pay(reload(booked))
    bulky_changes.apply_paid_change(reload(booked))
    bulky_changes.apply_paid_change(reload(booked))  # the scheduled run finds nothing more to do

    [event] = events(WasteTopic.BULKY_CHANGED)
    assert event["data"]["price"] == 6000


def test_each_change_is_its_own_event_in_order(borough):
    booked = booked_and_paid(borough, {"sofa": 2, "chair": 2})
    other_day = next(
        available.day
        for available in bulky.available_days(borough.home, units=4)
        if available.day != booked.booking.slot.day
        and rules.cutoff_at(borough.calendar, available.day) > timezone.now()
    )

    bulky_changes.change_items(booked, selection={"sofa": 2, "chair": 1}, by=None)
    bulky_changes.change_day(reload(booked), day=other_day, by=None)
    bulky_changes.change_items(reload(booked), selection={"sofa": 1, "chair": 1}, by=None)

    changes = events(WasteTopic.BULKY_CHANGED)
    assert len({event["key"] for event in changes}) == 3
    assert [event["data"]["day"] for event in changes][1:] == [other_day.isoformat()] * 2
    messages = OutboxMessage.objects.filter(topic="waste_event").order_by("id")
    assert {message.ordering_key for message in messages} == {f"waste:{booked.case.reference}"}


def test_a_cancelled_collection_is_sent_with_what_was_refunded(borough):
    booked = booked_and_paid(borough)

    bulky_changes.cancel(booked, by=None)

    [event] = events(WasteTopic.BULKY_CANCELLED)
    assert event["data"]["refunded"] == 6000 and event["data"]["by_council"] is False
    assert event["data"]["uprn"] == borough.home.uprn


def test_a_refused_change_or_cancellation_sends_nothing(borough):
    booked = booked_and_paid(borough)
    after = rules.cutoff_at(borough.calendar, booked.booking.slot.day) + dt.timedelta(minutes=1)
    bookings.hold(borough.calendar, "N1", booked.booking.slot.day, units=17)  # the day is full

    with pytest.raises(BulkyError):
        bulky_changes.change_items(booked, selection={"sofa": 3, "fridge-freezer": 1}, by=None)
    with pytest.raises(BulkyError):
        bulky_changes.cancel(booked, by=None, now=after)
    with pytest.raises(BulkyError):
        bulky_changes.change_day(booked, day=a_day(borough.calendar, skip=1), by=None, now=after)

    assert events(WasteTopic.BULKY_CHANGED) == events(WasteTopic.BULKY_CANCELLED) == []


def test_a_change_undone_by_a_later_failure_takes_its_event_with_it(borough):
    booked = booked_and_paid(borough, {"sofa": 2, "chair": 2})

    with failing_after_the_event_is_queued():
        bulky_changes.change_items(booked, selection={"sofa": 2}, by=None)

    assert events(WasteTopic.BULKY_CHANGED) == []
    assert BulkyBooking.objects.get(pk=booked.pk).items == booked.items


# Missed bins


@pytest.fixture
def home():
    missed_bin_service()
    return home_on_round()


def test_a_missed_bin_is_sent_once_however_often_it_is_reported(home):
    place, round_ = home
    key = uuid.uuid4()

    first = report(place, submission_key=key)
    report(place, submission_key=key)  # the same form sent twice
    report(place, BEN, when=london(WEDNESDAY, 11))  # a neighbour reports it too: merged

    [event] = events(WasteTopic.MISSED_BIN)
    assert event["key"] == f"{WasteTopic.MISSED_BIN}:{first.case.reference}"
    assert event["data"] == {
        "uprn": place.uprn,
        "address": place.single_line,
        "stream": "refuse",
        "collection_date": TUESDAY.isoformat(),
        "round": round_.code,
        "reported_at": first.missed.reported_at.isoformat(),
        "crew_recorded": None,
    }


def test_a_refused_report_sends_nothing(home):
    place, _round = home

    with pytest.raises(MissedReportError):
        report(place, when=london(TUESDAY + dt.timedelta(days=3)))

    assert OutboxMessage.objects.filter(topic="waste_event").count() == 0


def test_a_report_undone_by_a_later_failure_takes_its_event_with_it(home):
    place, _round = home

    with failing_after_the_event_is_queued():
        report(place)

    assert not MissedCollection.objects.exists()
    assert OutboxMessage.objects.filter(topic="waste_event").count() == 0


def test_a_missed_bin_resolved_is_sent_and_again_if_it_is_reopened_and_resolved(home):
    place, _round = home
    made = report(place, ADA)

    change_status(case=made.case, status="in_progress", by=None)  # still open: nothing to tell
    assert events(WasteTopic.MISSED_BIN_RESOLVED) == []
    change_status(case=made.case, status="resolved", by=None, reason="Crew went back")
    change_status(case=made.case, status="in_progress", by=None)
    change_status(case=made.case, status="resolved", by=None)

    resolved = events(WasteTopic.MISSED_BIN_RESOLVED)
    assert len(resolved) == 2 and resolved[0]["key"] != resolved[1]["key"]
    assert resolved[0]["data"]["status"] == "resolved" and resolved[0]["data"]["resolved_at"]
    assert resolved[0]["data"]["collection_date"] == TUESDAY.isoformat()


def test_a_missed_bin_reopened_by_staff_or_by_another_report_is_sent_as_missed_again(home):
    place, _round = home
    made = report(place, ADA)
    change_status(case=made.case, status="resolved", by=None, reason="Crew went back")

    change_status(case=made.case, status="in_progress", by=None)  # staff reopen it
    change_status(case=made.case, status="resolved", by=None)
    report(place, BEN, when=london(WEDNESDAY, 11))  # a neighbour: still not emptied, reopened

    first, *again = events(WasteTopic.MISSED_BIN)
    assert len(again) == 2 and all(event["data"]["reopened"] for event in again)
    assert "reopened" not in first["data"]
    assert len({event["key"] for event in (first, *again)}) == 3


def test_a_refused_status_change_sends_nothing(home):
    place, _round = home
    made = report(place)

    with pytest.raises(CaseError):
        change_status(case=made.case, status="resolved", by=None, expected_version=made.case.version - 1)

    assert events(WasteTopic.MISSED_BIN_RESOLVED) == []
