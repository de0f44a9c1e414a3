"""Reporting a missed collection: the case it makes, and the same collection reported again
(one after the other, or all at once) merged into that one case."""

import datetime as dt
import threading
import uuid

import pytest
from django.db import connection

from townhall.cases.models import Case, CaseEvent, EventKind, WatchReason
from townhall.cases.services import Requester, change_status
from townhall.catalogue.models import Channel, NotificationEvent
from townhall.core.models import AuditEvent
from townhall.notifications.models import Notification
from townhall.waste import missed
from townhall.waste.missed import MissedReportError, Why
from townhall.waste.models import CrewOutcome, CrewRecord, MissedCollection, RoundDay, Stream
from townhall.waste.tests.missed_helpers import (
    EXTRA_ANSWERS,
    TUESDAY,
    clock,
    home_on_round,
    london,
    missed_bin_service,
)

WEDNESDAY = TUESDAY + dt.timedelta(days=1)
ADA = Requester(name="Ada Resident", email="ada@example.com", phone="07700 900982")
BEN = Requester(name="Ben Neighbour", email="ben@example.com")


@pytest.fixture
def service(db):
    return missed_bin_service()


@pytest.fixture
def home(db):
    return home_on_round()


def report(place, requester=ADA, *, when=None, **extra):
    when = when or london(WEDNESDAY, 9)
    with clock(when):
        return missed.report_missed(
            property=place,
            stream=Stream.REFUSE,
            requester=requester,
            channel=extra.pop("channel", Channel.WEB),
            by=extra.pop("by", None),
            answers=extra.pop("answers", EXTRA_ANSWERS),
            now=when,
            **extra,
        )


@pytest.mark.django_db
def test_a_report_makes_a_case_of_the_missed_bin_service_routed_to_the_waste_team(service, home):
    place, round_ = home

    made = report(place, answers={"out_on_time": "yes", "details": "Left at the front gate"})

    case = made.case
    assert not made.merged
    assert case.service == service
    assert case.team.slug == "waste"
    assert case.channel == Channel.WEB
    assert case.address == place
    assert case.requester_email == "ada@example.com"
    assert case.answers == {
        "address": {"uprn": place.uprn, "text": place.single_line},
        "bin": "refuse",
        "out_on_time": "yes",
        "details": "Left at the front gate",
    }
    assert (made.missed.property, made.missed.stream, made.missed.collection_date) == (place, "refuse", TUESDAY)
    assert made.missed.round == round_
    assert AuditEvent.objects.filter(action="waste.missed_reported", target_id=str(made.missed.pk)).exists()


@pytest.mark.django_db
def test_a_refused_report_says_why_and_makes_nothing(service, home):
    place, _round = home

    with pytest.raises(MissedReportError) as refused:
        report(place, when=london(TUESDAY + dt.timedelta(days=3)))

    assert refused.value.decision.why == Why.TOO_LATE
    assert "too late" in str(refused.value)
    assert not Case.objects.exists()
    assert not MissedCollection.objects.exists()


@pytest.mark.django_db
def test_a_second_report_of_the_same_collection_is_merged_into_the_first(service, home):
    place, _round = home
    first = report(place)

    second = report(place, BEN, when=london(WEDNESDAY, 11), channel=Channel.PHONE)

    assert second.merged and not second.same_person
    assert second.case == first.case
    assert Case.objects.count() == 1
    note = CaseEvent.objects.get(case=first.case, kind=EventKind.NOTE)
    assert note.text == "Also reported missed (phone) by Ben Neighbour (ben@example.com), who was given this reference."
    assert not note.public
    assert AuditEvent.objects.filter(action="waste.missed_merged").count() == 1


@pytest.mark.django_db
def test_the_second_person_follows_the_first_case_and_hears_when_it_is_resolved(service, home):
    place, _round = home
    first = report(place)

    report(place, BEN, when=london(WEDNESDAY, 11))
    report(place, BEN, when=london(WEDNESDAY, 12))
    change_status(case=first.case, status="resolved", by=None, reason="Crew went back")

    (watcher,) = first.case.watchers.all()
    assert (watcher.email, watcher.reason) == ("ben@example.com", WatchReason.DUPLICATE_REPORT)
    told = Notification.objects.filter(case=first.case, event=NotificationEvent.RESOLVED)
    assert sorted(told.values_list("recipient", flat=True)) == ["ada@example.com", "ben@example.com"]


@pytest.mark.django_db
def test_the_same_person_reporting_again_adds_nothing(service, home):
    place, _round = home
    first = report(place)

    again = report(place, Requester(name="Ada", email="ADA@example.com"))

    assert again.merged and again.same_person
    assert again.case == first.case
    assert not CaseEvent.objects.filter(case=first.case, kind=EventKind.NOTE).exists()


@pytest.mark.django_db
def test_the_second_person_is_noted_once_however_often_they_send_it(service, home):
    place, _round = home
    first = report(place)

    report(place, BEN)
    report(place, BEN)

    assert CaseEvent.objects.filter(case=first.case, kind=EventKind.NOTE).count() == 1


@pytest.mark.django_db
def test_a_report_of_a_collection_whose_report_was_closed_reopens_it(service, home):
    place, _round = home
    first = report(place)
    change_status(case=first.case, status="resolved", by=None, reason="Crew went back")

    again = report(place, BEN, when=london(WEDNESDAY, 15))

    case = Case.objects.get()
    assert again.merged and again.case == case
    assert not case.is_closed
    message = CaseEvent.objects.get(case=case, kind=EventKind.MESSAGE_IN)
    assert message.text == (
        "Reported missed again (online) by Ben Neighbour (ben@example.com): the bin has still not been emptied."
    )


@pytest.mark.django_db
def test_the_same_submission_sent_twice_makes_one_case(service, home):
    place, _round = home
    key = uuid.uuid4()

    first = report(place, submission_key=key)
    second = report(place, submission_key=key)

    assert second.case == first.case and not second.merged
    assert Case.objects.count() == 1
    assert not CaseEvent.objects.filter(kind=EventKind.NOTE).exists()


@pytest.mark.django_db
def test_a_report_after_the_crew_recorded_the_bin_collected_shows_the_resident_that_record(service, home):
    place, round_ = home
    collected = CrewRecord.objects.create(
        round=round_, date=TUESDAY, street=place.street, outcome=CrewOutcome.DONE, recorded_at=london(TUESDAY, 7, 42)
    )

    made = report(place)

    assert made.missed.crew_record == collected
    update = CaseEvent.objects.get(case=made.case, kind=EventKind.PUBLIC_UPDATE)
    assert update.public
    assert update.text == (
        "Our crew recorded the rubbish bins on Alder Road as emptied at 07:42 on Tuesday 2 June. "
        "We will check with them and come back."
    )


@pytest.mark.django_db
def test_a_report_is_refused_when_the_service_is_not_set_up(home):
    place, _round = home

    with pytest.raises(MissedReportError, match="not available"):
        report(place)


@pytest.mark.django_db(transaction=True)
def test_reports_of_the_same_collection_sent_at_the_same_moment_make_one_case():
    # Given a collection that can be reported, and six people reporting it at once
    service = missed_bin_service()
    place, round_ = home_on_round()
    RoundDay.objects.create(round=round_, date=TUESDAY, completed_at=london(TUESDAY, 13))
    people = [Requester(name=f"Person {n}", email=f"person{n}@example.com") for n in range(6)]
    start = threading.Barrier(len(people))
    results, errors = [], []

    def send(requester):
        try:
            start.wait()
            # The clock is not mocked here: a patch is not for threads. `now` is enough for the rules.
            results.append(
                missed.report_missed(
                    property=place,
                    stream=Stream.REFUSE,
                    requester=requester,
                    channel=Channel.WEB,
                    by=None,
                    answers=EXTRA_ANSWERS,
                    now=london(WEDNESDAY, 9),
                )
            )
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    # When they all send their reports
    threads = [threading.Thread(target=send, args=(requester,)) for requester in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then there is one case, everyone has its reference, and the others are noted on it
    assert errors == []
    assert Case.objects.filter(service=service).count() == 1
    assert MissedCollection.objects.count() == 1
    case = Case.objects.get()
    assert {result.case.reference for result in results} == {case.reference}
    assert sum(not result.merged for result in results) == 1
    assert CaseEvent.objects.filter(case=case, kind=EventKind.NOTE).count() == len(people) - 1
