"""Wexmoor's bin rounds for the demo (and, in bulk, for the bench's borough).

Every home is collected on its street's day: each street gets a weekday (Monday to
Friday) from the seed, and each ward has a round per stream per weekday. Rubbish goes
one week and recycling the other, food waste every week, garden waste every other week
(houses only: flats have no gardens, and only subscribers will see it). Shops and offices
arrange their own collections, so they are on no round: their page says so. Christmas
brings a few changes: Christmas Day's and New Year's Day's collections move to the
Saturday after, and garden waste stops for the two weeks.

The same seed and gazetteer always give the same rounds; the changes follow the coming
Christmas (from `today`).
"""

import datetime as dt
import random
from collections.abc import Iterator

from django.db import transaction
from django.utils import timezone

from townhall.gazetteer.models import Property
from townhall.waste import schedule, services
from townhall.waste.models import PropertyRound, Round, ScheduleChange, Stream

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
# Week "A" starts on this Monday, week "B" a week later; fortnightly rounds count from them.
WEEK_A = dt.date(2026, 1, 5)
# (stream, every so many weeks, in week B): rubbish and recycling alternate.
PATTERN = (
    (Stream.REFUSE, 2, False),
    (Stream.RECYCLING, 2, True),
    (Stream.FOOD, 1, False),
    (Stream.GARDEN, 2, True),
)
HOUSES = {"RD02", "RD03", "RD04"}  # detached, semi-detached, terraced: the homes with gardens
GARDEN_BREAK = "No garden waste collections over Christmas and New Year"
BATCH_SIZE = 5000


def build_demo_rounds(*, seed: int = 2026, today: dt.date | None = None) -> dict[str, int]:
    """Put every home in the gazetteer on its rounds; safe to run again (nothing doubles)."""
    with transaction.atomic():
        rounds = save_demo_rounds()
        PropertyRound.objects.bulk_create(
            (
                PropertyRound(property_id=property_id, round_id=round_id, stream=stream)
                for property_id, round_id, stream in demo_places(rounds, seed=seed)
            ),
            batch_size=BATCH_SIZE,
            ignore_conflicts=True,
        )
        changes = save_demo_changes(today=today)
        services.bump_schedule_version()
    return {"rounds": len(rounds), "places": PropertyRound.objects.count(), "changes": changes}


def save_demo_rounds() -> dict[tuple[str, int, str], int]:
    """A round per ward, weekday and stream; returns their ids by (ward code, weekday, stream)."""
    wards = sorted(set(Property.objects.order_by().values_list("ward__code", "ward__name")))
    wanted = [
        Round(
            code=f"{stream}-{code.lower()}-{WEEKDAYS[weekday][:3].lower()}",
            name=f"{name} {WEEKDAYS[weekday]} {stream.label.lower()}",
            stream=stream,
            weekday=weekday,
            frequency_weeks=weeks,
            anchor_date=WEEK_A + dt.timedelta(days=weekday + (7 if week_b else 0)),
            area=name,
        )
        for code, name in wards
        for weekday in range(len(WEEKDAYS))
        for stream, weeks, week_b in PATTERN
    ]
    Round.objects.bulk_create(wanted, ignore_conflicts=True)
    ids = dict(Round.objects.filter(code__in=[r.code for r in wanted]).values_list("code", "id"))
    return {
        (code, weekday, stream.value): ids[f"{stream}-{code.lower()}-{WEEKDAYS[weekday][:3].lower()}"]
        for code, _name in wards
        for weekday in range(len(WEEKDAYS))
        for stream, _weeks, _week_b in PATTERN
    }


def demo_places(rounds: dict[tuple[str, int, str], int], *, seed: int = 2026) -> Iterator[tuple[int, int, str]]:
    """(property id, round id, stream) for every home: its street's day, its ward's rounds."""
    rng = random.Random(seed)  # noqa: S311 - repeatable demo data, not secrets
    street_days: dict[int, int] = {}
    homes = (
        Property.objects.order_by("street_id", "id")
        .exclude(classification__startswith="C")  # commercial: shops, offices
        .values_list("id", "street_id", "ward__code", "classification")
    )
    for property_id, street_id, ward_code, classification in homes.iterator(chunk_size=BATCH_SIZE):
        if street_id not in street_days:
            street_days[street_id] = rng.randrange(len(WEEKDAYS))
        weekday = street_days[street_id]
        for stream, _weeks, _week_b in PATTERN:
            if stream == Stream.GARDEN and classification not in HOUSES:
                continue
            yield property_id, rounds[ward_code, weekday, stream.value], stream.value


def save_demo_changes(*, today: dt.date | None = None) -> int:
    """The coming Christmas's changes (or this one's, until a week after it); returns how many were added."""
    today = today or timezone.localdate()
    christmas = dt.date(today.year, 12, 25)
    if today > christmas + dt.timedelta(days=14):
        christmas = dt.date(today.year + 1, 12, 25)
    new_year = dt.date(christmas.year + 1, 1, 1)
    wanted = [
        ScheduleChange(round=None, original_date=day, new_date=_saturday_after(day), reason=reason)
        for day, reason in (
            (christmas, "Christmas Day: collected on the Saturday after"),
            (new_year, "New Year's Day: collected on the Saturday after"),
        )
        if day.weekday() < 5
    ]
    monday = christmas - dt.timedelta(days=christmas.weekday())
    for garden in Round.objects.filter(stream=Stream.GARDEN).order_by("code"):
        for day in schedule.regular_dates(garden, monday, monday + dt.timedelta(days=13)):
            wanted.append(ScheduleChange(round=garden, original_date=day, new_date=None, reason=GARDEN_BREAK))
    existing = set(ScheduleChange.objects.values_list("round_id", "original_date"))
    new = [change for change in wanted if (change.round_id, change.original_date) not in existing]
    ScheduleChange.objects.bulk_create(new)
    return len(new)


def _saturday_after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=5 - day.weekday())
