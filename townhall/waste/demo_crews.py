"""What Wexmoor's crews recorded over the last few days, for the demo: every round that
collected finished its day, each street marked collected as the crew went, and a few bins
not put out (and the odd one blocked or contaminated). So on the demo some homes can report
a missed bin and others are told what the crew found.

Run after `build_demo_rounds`. The same seed gives the same records; running it again adds
nothing for a round's day already recorded.
"""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from townhall.core import calendar
from townhall.waste import schedule
from townhall.waste.models import CrewOutcome, CrewRecord, PropertyRound, Round, RoundDay

DAYS_BACK = 4  # the days before today that get records
NOT_PRESENTED_SHARE = 0.04
BLOCKED_SHARE = 0.005
CONTAMINATED_SHARE = 0.005
BATCH_SIZE = 5000
NOTES = {
    CrewOutcome.BLOCKED: ["Car parked across the bin store", "Gate locked", "Roadworks: no access"],
    CrewOutcome.CONTAMINATED: ["Black bags in the recycling", "Garden waste in the food caddy", "Nappies"],
}


def _at(day: dt.date, minutes: int) -> dt.datetime:
    start = dt.datetime.combine(day, dt.time(6, 30), tzinfo=timezone.get_current_timezone())
    return start + dt.timedelta(minutes=minutes)


def seed_demo_crew_records(*, seed: int = 2026, today: dt.date | None = None) -> dict[str, int]:
    """Round days and crew records for the `DAYS_BACK` days before `today`; returns how many of each were added."""
    today = today or timezone.localdate()
    rng = random.Random(seed)  # noqa: S311 - repeatable demo data, not secrets
    start, end = today - dt.timedelta(days=DAYS_BACK), today - dt.timedelta(days=1)
    rounds = list(Round.objects.filter(active=True).order_by("code"))
    changes = schedule.changes_between(start, end, rounds)
    holidays = calendar.non_working_days()
    wanted = sorted(
        (
            (collection.date, round_)
            for round_ in rounds
            for collection in schedule.collections(round_, start, end, changes=changes, holidays=holidays)
            if not collection.cancelled
        ),
        key=lambda pair: (pair[0], pair[1].code),
    )
    done = set(RoundDay.objects.filter(date__range=(start, end)).values_list("round_id", "date"))
    wanted = [(day, round_) for day, round_ in wanted if (round_.pk, day) not in done]
    homes: dict[int, list[tuple[int, int]]] = {}
    for round_id, property_id, street_id in (
        PropertyRound.objects.filter(round__in=[round_ for _day, round_ in wanted])
        .order_by("round_id", "property__street__name", "property_id")
        .values_list("round_id", "property_id", "property__street_id")
        .iterator(chunk_size=BATCH_SIZE)
    ):
        homes.setdefault(round_id, []).append((property_id, street_id))
    days, records = [], []
    for day, round_ in wanted:
        minutes = rng.randrange(0, 20)
        streets: dict[int, list[int]] = {}
        for property_id, street_id in homes.get(round_.pk, []):
            streets.setdefault(street_id, []).append(property_id)
        for street_id, property_ids in streets.items():
            minutes += rng.randrange(4, 12)
            for property_id in property_ids:
                roll = rng.random()
                outcome = (
                    CrewOutcome.NOT_PRESENTED
                    if roll < NOT_PRESENTED_SHARE
                    else CrewOutcome.BLOCKED
                    if roll < NOT_PRESENTED_SHARE + BLOCKED_SHARE
                    else CrewOutcome.CONTAMINATED
                    if roll < NOT_PRESENTED_SHARE + BLOCKED_SHARE + CONTAMINATED_SHARE
                    else None
                )
                if outcome is not None:
                    records.append(
                        CrewRecord(
                            round=round_,
                            date=day,
                            property_id=property_id,
                            street_id=street_id,
                            outcome=outcome,
                            note=rng.choice(NOTES[outcome]) if outcome in NOTES else "",
                            recorded_at=_at(day, minutes - 1),
                        )
                    )
            records.append(
                CrewRecord(
                    round=round_, date=day, street_id=street_id, outcome=CrewOutcome.DONE, recorded_at=_at(day, minutes)
                )
            )
        days.append(
            RoundDay(
                round=round_, date=day, started_at=_at(day, 0), completed_at=_at(day, minutes + rng.randrange(10, 40))
            )
        )
    with transaction.atomic():
        RoundDay.objects.bulk_create(days, batch_size=BATCH_SIZE, ignore_conflicts=True)
        CrewRecord.objects.bulk_create(records, batch_size=BATCH_SIZE)
    return {"round_days": len(days), "crew_records": len(records)}
