"""Missed collections: when a resident may report one, and the report itself.

A collection can be reported missed from its day (the day the crew actually comes, after
bank holidays and the council's changes) until `WASTE_MISSED_REPORT_WORKING_DAYS` working
days after it. It cannot when the crew recorded the bin, or its whole street, as not put
out, blocked or contaminated; nor on the day itself while the round is still out (until
the crew marks it finished, or `WASTE_ROUND_FINISHED_BY_HOUR`). A report becomes a case
of the `WASTE_MISSED_SERVICE` service, routed to its team, with a `MissedCollection`
beside it: one per property, stream and collection, so a second report of the same
collection is merged into the first case (the second person's details noted on it) and
gets the same reference, even when both arrive at once.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from townhall.cases import services as cases
from townhall.cases.models import Case, EventKind, WatchReason
from townhall.cases.services import Requester
from townhall.catalogue.answering import COMPOSITE_TYPES
from townhall.catalogue.models import Channel, Service
from townhall.catalogue.questions import Question, parse_questions
from townhall.core import audit, calendar
from townhall.gazetteer.models import Property
from townhall.waste import schedule
from townhall.waste.backoffice import WasteTopic, send_waste_event
from townhall.waste.models import (
    CrewOutcome,
    CrewRecord,
    MissedCollection,
    PropertyRound,
    Round,
    RoundDay,
    Stream,
)
from townhall.waste.schedule import Collection
from townhall.waste.selectors import BY_SUBSCRIPTION

# How far around today collections are read: back far enough for the reporting window over
# Christmas, ahead far enough to name a four-weekly round's next collection.
LOOK_BACK_DAYS = 21
LOOK_AHEAD_DAYS = 35


class Why(StrEnum):
    """Why a report is allowed or not, for code and tests; people read `Decision.reason`."""

    ALLOWED = "allowed"
    NOT_COLLECTED = "not_collected"
    BEFORE_COLLECTION = "before_collection"
    TOO_LATE = "too_late"
    CANCELLED = "cancelled"
    CREW_RECORD = "crew_record"
    ROUND_RUNNING = "round_running"
    ALREADY_REPORTED = "already_reported"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str  # in words for the resident; empty when allowed
    collection_date: dt.date | None = None  # the collection the report would be about
    crew_record: CrewRecord | None = None  # what the crew recorded for the bin that day
    why: Why = Why.ALLOWED
    # The report of the same collection already made. While its case is open a new report
    # is refused (and `report_missed` merges into it); once closed, a new report reopens it.
    existing: MissedCollection | None = None
    next_collection: dt.date | None = None
    report_by: dt.date | None = None  # the last day the collection can be reported


@dataclass(frozen=True)
class StreamDecision:
    stream: str
    label: str
    decision: Decision


@dataclass(frozen=True)
class Report:
    missed: MissedCollection
    merged: bool  # the collection was already reported: this report joined that case
    same_person: bool = False  # ... and by the same person (nothing was added)

    @property
    def case(self) -> Case:
        return self.missed.case


class MissedReportError(Exception):
    """A report that cannot be made, in words for the person making it."""

    def __init__(self, message: str, decision: Decision | None = None):
        super().__init__(message)
        self.decision = decision


# Reading: what the rules need to know about one property


@dataclass
class _Facts:
    today: dt.date
    now: dt.datetime
    holidays: frozenset[dt.date]
    collections: dict[int, list[Collection]]  # by round id
    property_records: dict[tuple[int, dt.date], CrewRecord]  # latest by round id and date
    street_records: dict[tuple[int, dt.date], CrewRecord]
    round_days: dict[tuple[int, dt.date], RoundDay]
    reports: dict[tuple[str, dt.date], MissedCollection]


def _facts(place: Property, rounds: list[Round], now: dt.datetime) -> _Facts:
    """Everything the rules read about `place` on these rounds, in four queries (and the
    council's own holidays, when not cached)."""
    today = timezone.localdate(now)
    start, end = today - dt.timedelta(days=LOOK_BACK_DAYS), today + dt.timedelta(days=LOOK_AHEAD_DAYS)
    holidays = calendar.non_working_days()
    changes = schedule.changes_between(start, end, rounds)
    property_records: dict[tuple[int, dt.date], CrewRecord] = {}
    street_records: dict[tuple[int, dt.date], CrewRecord] = {}
    records = (
        CrewRecord.objects.filter(round__in=rounds, date__range=(start, today))
        .filter(Q(property=place) | Q(property__isnull=True, street_id=place.street_id))
        .select_related("street")
        .order_by("recorded_at", "pk")
    )
    for record in records:  # oldest first: a later record supersedes an earlier one
        (property_records if record.property_id else street_records)[(record.round_id, record.date)] = record
    return _Facts(
        today=today,
        now=now,
        holidays=holidays,
        collections={
            round_.pk: schedule.collections(round_, start, end, changes=changes, holidays=holidays) for round_ in rounds
        },
        property_records=property_records,
        street_records=street_records,
        round_days={
            (day.round_id, day.date): day
            for day in RoundDay.objects.filter(round__in=rounds, date__range=(start, today))
        },
        reports={
            (report.stream, report.collection_date): report
            for report in MissedCollection.objects.filter(
                property=place, collection_date__range=(start, today)
            ).select_related("case")
        },
    )


def _rounds_of(place: Property, streams: Iterable[str] | None = None) -> list[Round]:
    places = PropertyRound.objects.filter(property=place, round__active=True).select_related("round")
    if streams is not None:
        places = places.filter(stream__in=list(streams))
    order = list(Stream.values)
    return sorted((p.round for p in places), key=lambda r: order.index(r.stream))


# The rules


def can_report(property: Property, stream: str, *, now: dt.datetime | None = None) -> Decision:
    """May a missed collection of `stream` at `property` be reported at `now`? And if not, why not."""
    now = now or timezone.now()
    rounds = _rounds_of(property, [stream])
    if not rounds:
        return _not_collected(stream)
    return _decide(property, rounds[0], _facts(property, rounds, now))


def decisions_for(place: Property, *, now: dt.datetime | None = None) -> list[StreamDecision]:
    """Each collection at `place` (the ones bin days show) with whether it can be reported
    missed, for the report page: the same few queries however many there are."""
    now = now or timezone.now()
    rounds = [r for r in _rounds_of(place) if r.stream not in BY_SUBSCRIPTION]
    facts = _facts(place, rounds, now)
    return [StreamDecision(r.stream, str(Stream(r.stream).label), _decide(place, r, facts)) for r in rounds]


def _decide(place: Property, round_: Round, facts: _Facts) -> Decision:
    today, days = facts.today, facts.collections[round_.pk]
    window = settings.WASTE_MISSED_REPORT_WORKING_DAYS
    coming = next((c for c in days if c.date > today and not c.cancelled), None)
    next_date = coming.date if coming else None
    done = [c for c in days if c.date <= today and not c.cancelled]
    reportable = [c for c in done if today <= _report_by(c.date, window, facts.holidays)]
    if not reportable:
        return _outside_window(round_, days, done, coming, facts)
    collection = reportable[-1]
    report_by = _report_by(collection.date, window, facts.holidays)
    record = facts.property_records.get((round_.pk, collection.date)) or facts.street_records.get(
        (round_.pk, collection.date)
    )
    common = {
        "collection_date": collection.date,
        "crew_record": record,
        "next_collection": next_date,
        "report_by": report_by,
    }
    if record is not None and record.outcome != CrewOutcome.DONE:
        reason = " ".join(filter(None, [crew_record_text(record, round_.stream), _next_text(round_.stream, coming)]))
        return Decision(allowed=False, reason=reason, why=Why.CREW_RECORD, **common)
    if collection.date == today and _round_running(round_, today, facts):
        return Decision(
            allowed=False,
            reason=_(
                "Our crew is still out on this round today. If your bin has not been emptied by %(time)s, "
                "you can report it then."
            )
            % {"time": _hour_text(settings.WASTE_ROUND_FINISHED_BY_HOUR)},
            why=Why.ROUND_RUNNING,
            **common,
        )
    existing = facts.reports.get((round_.stream, collection.date))
    if existing is not None and not existing.case.is_closed:
        return Decision(
            allowed=False,
            reason=_(
                "This collection was reported missed on %(day)s: the reference is %(reference)s. "
                "You do not need to report it again."
            )
            % {
                "day": date_format(timezone.localtime(existing.reported_at), "l j F"),
                "reference": existing.case.reference,
            },
            why=Why.ALREADY_REPORTED,
            existing=existing,
            **common,
        )
    return Decision(allowed=True, reason="", why=Why.ALLOWED, existing=existing, **common)


def _outside_window(
    round_: Round, days: list[Collection], done: list[Collection], coming: Collection | None, facts: _Facts
) -> Decision:
    """Why no collection can be reported today: it is not the day yet, it was cancelled, or it is too late."""
    today, window, stream = facts.today, settings.WASTE_MISSED_REPORT_WORKING_DAYS, round_.stream
    next_date = coming.date if coming else None
    label = _stream_text(stream)
    cancelled = [c for c in days if c.cancelled and c.scheduled <= today <= _report_by(c.date, window, facts.holidays)]
    if cancelled:
        collection = cancelled[-1]
        reason = _("Your %(stream)s collection on %(day)s was cancelled.") % {
            "stream": label,
            "day": _day(collection.date),
        }
        reason = " ".join(filter(None, [reason, _sentence(collection.reason), _next_text(stream, coming)]))
        return Decision(allowed=False, reason=reason, why=Why.CANCELLED, next_collection=next_date)
    last = done[-1] if done else None
    if coming is None and last is None:
        return _not_collected(stream)
    too_late, last_report_by = "", None
    if last is not None:
        last_report_by = _report_by(last.date, window, facts.holidays)
        too_late = _(
            "It is too late to report your %(stream)s collection on %(day)s as missed: "
            "that had to be done by %(until)s."
        ) % {"stream": label, "day": _day(last.date), "until": _day(last_report_by)}
    if coming is None:
        return Decision(allowed=False, reason=too_late, why=Why.TOO_LATE, report_by=last_report_by)
    moved_later = coming.scheduled <= today  # this week's collection moved to a later day
    # Whichever is nearer decides what the resident most likely means: the collection just
    # gone (too late, on a tie) or the one coming (not yet).
    if last_report_by is None or moved_later or (coming.date - today).days < (today - last_report_by).days:
        before = _(
            "Your next %(stream)s collection is on %(day)s. You can report it missed from then until %(until)s."
        ) % {"stream": label, "day": _day(coming.date), "until": _day(_report_by(coming.date, window, facts.holidays))}
        reason = " ".join(filter(None, [_sentence(coming.reason) if moved_later else "", before, too_late]))
        return Decision(allowed=False, reason=reason, why=Why.BEFORE_COLLECTION, next_collection=next_date)
    return Decision(
        allowed=False,
        reason=f"{too_late} {_next_text(stream, coming)}",
        why=Why.TOO_LATE,
        next_collection=next_date,
        report_by=last_report_by,
    )


def _not_collected(stream: str) -> Decision:
    return Decision(
        allowed=False,
        reason=_("We do not collect %(stream)s from this address.") % {"stream": _stream_text(stream)},
        why=Why.NOT_COLLECTED,
    )


def _report_by(day: dt.date, window: int, holidays: frozenset[dt.date]) -> dt.date:
    """The last day a collection on `day` can be reported: `window` working days after it."""
    counted = 0
    while counted < window:
        day += dt.timedelta(days=1)
        if calendar.is_working_day(day, holidays):
            counted += 1
    return day


def _round_running(round_: Round, today: dt.date, facts: _Facts) -> bool:
    """Out on its round today: not marked finished by the crew, and before the hour it counts as finished."""
    day = facts.round_days.get((round_.pk, today))
    if day is not None and day.completed_at is not None:
        return False
    return timezone.localtime(facts.now).hour < settings.WASTE_ROUND_FINISHED_BY_HOUR


# Words


def _stream_text(stream: str) -> str:
    return str(Stream(stream).label).lower() if stream in Stream.values else stream


def _day(day: dt.date) -> str:
    return date_format(day, "l j F")


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?" else f"{text}."


def _hour_text(hour: int) -> str:
    if hour in (0, 24):
        return _("midnight")
    if hour == 12:
        return _("midday")
    return f"{hour % 12 or 12}{'am' if hour < 12 else 'pm'}"


def _next_text(stream: str, coming: Collection | None) -> str:
    if coming is None:
        return ""
    return _("Your next %(stream)s collection is on %(day)s.") % {
        "stream": _stream_text(stream),
        "day": _day(coming.date),
    }


def crew_record_text(record: CrewRecord, stream: str) -> str:
    """What the crew recorded, said to the resident: "Our crew recorded that your bin was
    not out when they came at 07:42 on Tuesday 2 June." Notes and photos stay with staff."""
    words = {
        "stream": _stream_text(stream),
        "time": timezone.localtime(record.recorded_at).strftime("%H:%M"),
        "day": _day(record.date),
        "street": record.street.name if record.street_id and not record.property_id else "",
    }
    on_street = not record.property_id
    match record.outcome:
        case CrewOutcome.DONE if on_street:
            text = _("Our crew recorded the %(stream)s bins on %(street)s as emptied at %(time)s on %(day)s.")
        case CrewOutcome.DONE:
            text = _("Our crew recorded your %(stream)s bin as emptied at %(time)s on %(day)s.")
        case CrewOutcome.NOT_PRESENTED if on_street:
            text = _(
                "Our crew recorded that the %(stream)s bins on %(street)s were not out when they came "
                "at %(time)s on %(day)s."
            )
        case CrewOutcome.NOT_PRESENTED:
            text = _("Our crew recorded that your %(stream)s bin was not out when they came at %(time)s on %(day)s.")
        case CrewOutcome.BLOCKED if on_street:
            text = _(
                "Our crew could not get to the %(stream)s bins on %(street)s when they came at %(time)s on %(day)s."
            )
        case CrewOutcome.BLOCKED:
            text = _("Our crew could not get to your %(stream)s bin when they came at %(time)s on %(day)s.")
        case CrewOutcome.CONTAMINATED if on_street:
            text = _(
                "Our crew did not empty the %(stream)s bins on %(street)s when they came at %(time)s on %(day)s "
                "because they had the wrong things in them."
            )
        case _:
            text = _(
                "Our crew did not empty your %(stream)s bin when they came at %(time)s on %(day)s "
                "because it had the wrong things in it."
            )
    return text % words


# Reporting


def missed_service() -> Service:
    """The catalogue service missed collections are reported through (WASTE_MISSED_SERVICE)."""
    service = Service.objects.select_related("current_form", "team").filter(slug=settings.WASTE_MISSED_SERVICE).first()
    if service is None or not service.is_published or service.current_form is None:
        raise MissedReportError(_("Reporting missed collections online is not available at the moment."))
    return service


def stream_question(questions: list[Question]) -> Question | None:
    """The service's question of which bin was missed: the first choice offering the streams."""
    return next(
        (q for q in questions if q.type == "single_choice" and {o.value for o in q.options} & set(Stream.values)),
        None,
    )


def extra_questions(service: Service) -> list[Question]:
    """The service's other questions the report page asks as they are (whether the bin was
    out in time, anything else): plain ones, shown whatever else is answered. The address
    and the bin are answered from the page itself."""
    questions = parse_questions(service.current_form.questions)
    asked = stream_question(questions)
    return [
        q
        for q in questions
        if q.type not in COMPOSITE_TYPES and q is not asked and q.show_if is None and q.type != "address"
    ]


def answers_for(service: Service, place: Property, stream: str, extra: dict | None = None) -> dict:
    """The service's answers for a report: the address (stored as the address question
    stores it, by UPRN), the bin, and whatever else the person answered."""
    questions = parse_questions(service.current_form.questions)
    answers = dict(extra or {})
    for question in questions:
        if question.type == "address":
            answers[question.key] = {"uprn": place.uprn, "text": place.single_line}
    asked = stream_question(questions)
    if asked is not None:
        answers[asked.key] = stream
    return answers


def report_missed(
    *,
    property: Property,
    stream: str,
    requester: Requester,
    channel: str,
    by,
    answers: dict | None = None,
    submission_key=None,
    now: dt.datetime | None = None,
) -> Report:
    """Report a missed collection: a new case on the missed-bin service routed to its team,
    or, when the collection was already reported, the same case with this person's details
    added to it. Raises MissedReportError when the rules refuse it (the reason in words),
    and django's ValidationError when `answers` do not pass the service's form."""
    now = now or timezone.now()
    service = missed_service()
    if submission_key is not None:
        earlier = MissedCollection.objects.select_related("case").filter(case__submission_key=submission_key).first()
        if earlier is not None:  # the same report sent twice
            return Report(missed=earlier, merged=False)
    decision = can_report(property, stream, now=now)
    if decision.existing is not None:
        return _merge(decision.existing, requester=requester, channel=channel, by=by)
    if not decision.allowed:
        raise MissedReportError(decision.reason, decision)
    round_ = _rounds_of(property, [stream])[0]
    try:
        with transaction.atomic():
            case = cases.submit_case(
                service=service,
                answers=answers_for(service, property, stream, answers),
                channel=channel,
                by=by,
                requester=requester,
                address=property,
                submission_key=submission_key,
            )
            missed = MissedCollection.objects.create(
                case=case,
                property=property,
                stream=stream,
                collection_date=decision.collection_date,
                round=round_,
                crew_record=decision.crew_record,
                reported_at=now,
            )
            audit.record(
                actor=by,
                action="waste.missed_reported",
                target=missed,
                data={"reference": case.reference, "stream": stream, "collection_date": str(missed.collection_date)},
            )
            send_waste_event(WasteTopic.MISSED_BIN, _backoffice_data(missed), case=case)
            if decision.crew_record is not None:  # collected, the crew says: the resident sees that too
                cases.add_public_update(
                    case=case,
                    text=" ".join(
                        [crew_record_text(decision.crew_record, stream), _("We will check with them and come back.")]
                    ),
                    by=None,
                )
    except IntegrityError:
        # Someone reported the same collection at the same moment and won: join their case.
        existing = (
            MissedCollection.objects.select_related("case")
            .filter(property=property, stream=stream, collection_date=decision.collection_date)
            .first()
        )
        if existing is None:
            raise
        return _merge(existing, requester=requester, channel=channel, by=by)
    return Report(missed=missed, merged=False)


def _backoffice_data(missed: MissedCollection) -> dict:
    """What the waste back office is told of a missed collection."""
    record = missed.crew_record
    return {
        "uprn": missed.property.uprn,
        "address": missed.property.single_line,
        "stream": missed.stream,
        "collection_date": missed.collection_date,
        "round": missed.round.code if missed.round else None,
        "reported_at": missed.reported_at,
        "crew_recorded": record.outcome if record else None,
    }


def on_case_status_changed(sender, case: Case, previous: str, **kwargs) -> None:
    """`cases.services.case_status_changed`, inside the change's transaction: a missed-bin
    case closing tells the back office the missed collection is resolved, and one reopened
    (the bin still not emptied) tells it the collection is missed again. The case's version
    tells one change from the next."""
    if case.service.slug != settings.WASTE_MISSED_SERVICE:
        return
    if case.is_closed == case.service.is_closed_state(previous):
        return  # open to open, or closed to closed: nothing new for the crews
    missed = MissedCollection.objects.select_related("property", "round", "crew_record").filter(case=case).first()
    if missed is None:  # reported through the general form: the back office never heard of it
        return
    if case.is_closed:
        topic, data = WasteTopic.MISSED_BIN_RESOLVED, {"status": case.status, "resolved_at": case.resolved_at}
    else:
        topic, data = WasteTopic.MISSED_BIN, {"reopened": True}
    send_waste_event(topic, {**_backoffice_data(missed), **data}, case=case, key=f"v{case.version}")


def _merge(existing: MissedCollection, *, requester: Requester, channel: str, by) -> Report:
    """A second report of a reported collection: its person noted on the first case (the
    case reopened if it was closed), once however often they send it."""
    case = existing.case
    email = (requester.email or "").strip().lower()
    if email and email == (case.requester_email or "").lower():
        return Report(missed=existing, merged=True, same_person=True)
    contact = ", ".join(filter(None, [email, requester.phone]))
    who = f"{requester.name} ({contact})" if contact else requester.name or _("someone who gave no details")
    how = str(Channel(channel).label).lower() if channel in Channel.values else channel
    if case.is_closed:
        text = _("Reported missed again (%(how)s) by %(who)s: the bin has still not been emptied.") % {
            "how": how,
            "who": who,
        }
    else:
        text = _("Also reported missed (%(how)s) by %(who)s, who was given this reference.") % {"how": how, "who": who}
    key = email or requester.phone or requester.name
    kinds = [EventKind.MESSAGE_IN] if case.is_closed else [EventKind.NOTE]
    with transaction.atomic():
        if key and case.events.filter(kind__in=kinds, text__icontains=key).exists():
            return Report(missed=existing, merged=True, same_person=True)
        if case.is_closed:
            cases.receive_message(case=case, text=text, by=by, sender_label=requester.name)
        else:
            cases.add_note(case=case, text=text, by=by)
        if email:  # they hear of the case's progress as its requester does
            cases.add_watcher(case=case, email=email, reason=WatchReason.DUPLICATE_REPORT, by=by)
        audit.record(
            actor=by,
            action="waste.missed_merged",
            target=existing,
            data={"reference": case.reference, "channel": channel},
        )
    case.refresh_from_db()
    return Report(missed=existing, merged=True)
