"""When a missed collection can be reported, and the reason given when it cannot.

The home's rubbish is collected on Tuesdays; Tuesday 2 June 2026 is far from any bank
holiday; Monday 25 May 2026 is the spring bank holiday."""

import datetime as dt

import pytest

from townhall.cases.services import Requester
from townhall.catalogue.models import Channel
from townhall.core import calendar
from townhall.waste import missed
from townhall.waste.missed import Why
from townhall.waste.models import CrewOutcome, CrewRecord, RoundDay, ScheduleChange, Stream
from townhall.waste.tests.missed_helpers import EXTRA_ANSWERS, TUESDAY, home_on_round, london, missed_bin_service

pytestmark = pytest.mark.django_db

WEDNESDAY, THURSDAY, FRIDAY = (TUESDAY + dt.timedelta(days=n) for n in (1, 2, 3))
NEXT_MONDAY = TUESDAY + dt.timedelta(days=6)


@pytest.fixture
def home():
    place, round_ = home_on_round()
    return place, round_


def finished(round_, day, hour=13):
    RoundDay.objects.create(round=round_, date=day, started_at=london(day, 6), completed_at=london(day, hour))


def crew_record(round_, day, outcome, *, place=None, street=None, hour=7, minute=42):
    return CrewRecord.objects.create(
        round=round_,
        date=day,
        property=place,
        street=street if street is not None else (place.street if place else None),
        outcome=outcome,
        recorded_at=london(day, hour, minute),
    )


def test_refuses_missed_bin_before_collection_day(home):
    place, _round = home

    decision = missed.can_report(place, Stream.REFUSE, now=london(NEXT_MONDAY))

    assert not decision.allowed
    assert decision.why == Why.BEFORE_COLLECTION
    assert decision.next_collection == dt.date(2026, 6, 9)
    assert "Your next rubbish collection is on Tuesday 9 June. You can report it missed from then until" in (
        decision.reason
    )
    assert "Thursday 11 June" in decision.reason


def test_refuses_on_the_usual_day_when_a_bank_holiday_moved_the_collection_to_the_next():
    # Monday's round goes on Tuesday in the week of the spring bank holiday.
    place, _round = home_on_round(weekday=0, anchor_date=dt.date(2026, 6, 1))

    decision = missed.can_report(place, Stream.REFUSE, now=london(dt.date(2026, 5, 25), 15))

    assert decision.why == Why.BEFORE_COLLECTION
    assert decision.reason.startswith("Bank holiday: collections are a day later that week.")
    assert "Your next rubbish collection is on Tuesday 26 May" in decision.reason


def test_allows_a_report_on_the_day_itself_once_the_round_is_finished(home):
    place, round_ = home
    finished(round_, TUESDAY, hour=13)

    decision = missed.can_report(place, Stream.REFUSE, now=london(TUESDAY, 14))

    assert decision.allowed
    assert decision.reason == ""
    assert decision.collection_date == TUESDAY
    assert decision.report_by == THURSDAY


def test_refuses_while_the_round_is_still_out_today(home):
    place, round_ = home
    RoundDay.objects.create(round=round_, date=TUESDAY, started_at=london(TUESDAY, 6))

    decision = missed.can_report(place, Stream.REFUSE, now=london(TUESDAY, 11))

    assert not decision.allowed
    assert decision.why == Why.ROUND_RUNNING
    assert decision.reason == (
        "Our crew is still out on this round today. If your bin has not been emptied by 6pm, you can report it then."
    )


def test_refuses_on_the_day_before_the_crew_has_even_started(home):
    place, _round = home

    assert missed.can_report(place, Stream.REFUSE, now=london(TUESDAY, 7)).why == Why.ROUND_RUNNING


def test_a_round_not_marked_finished_counts_as_finished_at_the_cut_off_hour(home, settings):
    place, _round = home

    assert missed.can_report(place, Stream.REFUSE, now=london(TUESDAY, 18)).allowed
    settings.WASTE_ROUND_FINISHED_BY_HOUR = 20
    decision = missed.can_report(place, Stream.REFUSE, now=london(TUESDAY, 19))
    assert decision.why == Why.ROUND_RUNNING
    assert "by 8pm" in decision.reason


def test_allows_a_report_until_the_second_working_day_after(home):
    place, _round = home

    assert missed.can_report(place, Stream.REFUSE, now=london(WEDNESDAY, 9)).allowed
    decision = missed.can_report(place, Stream.REFUSE, now=london(THURSDAY, 23, 59))
    assert decision.allowed
    assert decision.collection_date == TUESDAY


def test_refuses_a_report_one_day_too_late(home):
    place, _round = home

    decision = missed.can_report(place, Stream.REFUSE, now=london(FRIDAY, 0, 1))

    assert not decision.allowed
    assert decision.why == Why.TOO_LATE
    assert decision.reason == (
        "It is too late to report your rubbish collection on Tuesday 2 June as missed: that had to be done by "
        "Thursday 4 June. Your next rubbish collection is on Tuesday 9 June."
    )


def test_counts_working_days_across_a_bank_holiday_weekend():
    # Friday 22 May 2026: the weekend and the spring bank holiday on Monday 25 May do not count.
    friday = dt.date(2026, 5, 22)
    place, _round = home_on_round(weekday=4, anchor_date=friday)

    for day in (dt.date(2026, 5, 23), dt.date(2026, 5, 25), dt.date(2026, 5, 26), dt.date(2026, 5, 27)):
        decision = missed.can_report(place, Stream.REFUSE, now=london(day, 20))
        assert decision.allowed, day
        assert decision.collection_date == friday
        assert decision.report_by == dt.date(2026, 5, 27)
    too_late = missed.can_report(place, Stream.REFUSE, now=london(dt.date(2026, 5, 28), 9))
    assert too_late.why == Why.TOO_LATE
    assert "that had to be done by Wednesday 27 May" in too_late.reason


def test_the_window_follows_the_setting(home, settings):
    place, _round = home
    settings.WASTE_MISSED_REPORT_WORKING_DAYS = 1

    assert missed.can_report(place, Stream.REFUSE, now=london(WEDNESDAY)).allowed
    assert missed.can_report(place, Stream.REFUSE, now=london(THURSDAY)).why == Why.TOO_LATE


def test_refuses_when_the_crew_recorded_the_bin_as_not_put_out(home):
    place, round_ = home
    record = crew_record(round_, TUESDAY, CrewOutcome.NOT_PRESENTED, place=place)
    finished(round_, TUESDAY)

    decision = missed.can_report(place, Stream.REFUSE, now=london(WEDNESDAY))

    assert not decision.allowed
    assert decision.why == Why.CREW_RECORD
    assert decision.crew_record == record
    assert decision.reason == (
        "Our crew recorded that your rubbish bin was not out when they came at 07:42 on Tuesday 2 June. "
        "Your next rubbish collection is on Tuesday 9 June."
    )


def test_refuses_when_the_crew_recorded_the_whole_street_as_not_put_out(home):
    place, round_ = home
    crew_record(round_, TUESDAY, CrewOutcome.NOT_PRESENTED, street=place.street, hour=8, minute=5)

    decision = missed.can_report(place, Stream.REFUSE, now=london(WEDNESDAY))

    assert decision.why == Why.CREW_RECORD
    assert decision.reason.startswith(
        "Our crew recorded that the rubbish bins on Alder Road were not out when they came at 08:05 on Tuesday 2 June."
    )


@pytest.mark.parametrize(
    ("outcome", "words"),
    [
        (CrewOutcome.BLOCKED, "Our crew could not get to your rubbish bin when they came at 07:42 on Tuesday 2 June."),
        (
            CrewOutcome.CONTAMINATED,
            "Our crew did not empty your rubbish bin when they came at 07:42 on Tuesday 2 June "
            "because it had the wrong things in it.",
        ),
    ],
)
def test_refuses_when_the_crew_could_not_empty_the_bin_saying_why(home, outcome, words):
    place, round_ = home
    crew_record(round_, TUESDAY, outcome, place=place)

    decision = missed.can_report(place, Stream.REFUSE, now=london(WEDNESDAY))

    assert decision.why == Why.CREW_RECORD
    assert decision.reason.startswith(words)


def test_a_later_record_supersedes_an_earlier_one(home):
    place, round_ = home
    crew_record(round_, TUESDAY, CrewOutcome.NOT_PRESENTED, place=place, hour=7)
    collected = crew_record(round_, TUESDAY, CrewOutcome.DONE, place=place, hour=9)

    decision = missed.can_report(place, Stream.REFUSE, now=london(WEDNESDAY))

    assert decision.allowed
    assert decision.crew_record == collected


def test_a_propertys_own_record_wins_over_its_streets(home):
    place, round_ = home
    crew_record(round_, TUESDAY, CrewOutcome.NOT_PRESENTED, place=place, hour=7)
    crew_record(round_, TUESDAY, CrewOutcome.DONE, street=place.street, hour=9)

    assert missed.can_report(place, Stream.REFUSE, now=london(WEDNESDAY)).why == Why.CREW_RECORD


def test_another_rounds_records_do_not_count(home):
    place, _round = home
    _neighbour, other_round = home_on_round(street=place.street, stream=Stream.RECYCLING, number="14")
    crew_record(other_round, TUESDAY, CrewOutcome.NOT_PRESENTED, street=place.street)

    assert missed.can_report(place, Stream.REFUSE, now=london(WEDNESDAY)).allowed


def test_refuses_a_collection_already_reported_giving_its_reference(home):
    place, _round = home
    missed_bin_service()
    first = missed.report_missed(
        property=place,
        stream=Stream.REFUSE,
        requester=Requester(name="Ada Resident", email="ada@example.com"),
        channel=Channel.WEB,
        by=None,
        answers=EXTRA_ANSWERS,
        now=london(WEDNESDAY, 9),
    )

    decision = missed.can_report(place, Stream.REFUSE, now=london(WEDNESDAY, 10))

    assert not decision.allowed
    assert decision.why == Why.ALREADY_REPORTED
    assert decision.existing == first.missed
    assert first.case.reference in decision.reason
    assert decision.reason.endswith("You do not need to report it again.")


def test_refuses_a_cancelled_collection_saying_why(home):
    place, round_ = home
    ScheduleChange.objects.create(round=round_, original_date=TUESDAY, new_date=None, reason="Industrial action")

    decision = missed.can_report(place, Stream.REFUSE, now=london(WEDNESDAY))

    assert decision.why == Why.CANCELLED
    assert decision.reason == (
        "Your rubbish collection on Tuesday 2 June was cancelled. Industrial action. "
        "Your next rubbish collection is on Tuesday 9 June."
    )


def test_refuses_a_stream_the_address_does_not_have(home):
    place, _round = home

    decision = missed.can_report(place, Stream.FOOD, now=london(WEDNESDAY))

    assert decision.why == Why.NOT_COLLECTED
    assert decision.reason == "We do not collect food waste from this address."


def test_each_collection_of_an_address_is_decided_in_a_few_queries(home, django_assert_num_queries):
    place, _round = home
    for stream in (Stream.RECYCLING, Stream.FOOD):
        home_round = home_on_round(street=place.street, stream=stream, number="99")[1]
        home_round.properties.create(property=place)

    calendar.non_working_days()  # the council's own holidays, cached after the first request

    with django_assert_num_queries(5):
        found = missed.decisions_for(place, now=london(WEDNESDAY))

    assert [choice.stream for choice in found] == [Stream.REFUSE, Stream.RECYCLING, Stream.FOOD]
