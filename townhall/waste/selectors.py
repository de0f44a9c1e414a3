"""Bin days: what the busiest pages and the public JSON read, cached per property.

Every resident looks theirs up, every week, and all at once after a schedule change, so
the answer is cached under the schedule's version: a change to any round or collection
day bumps the version (`services.bump_schedule_version`) and nothing stale is served.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils import timezone

from townhall.gazetteer.models import Property
from townhall.waste import schedule
from townhall.waste.models import PropertyRound, ScheduleVersion, Stream
from townhall.waste.schedule import Collection

VERSION_CACHE_KEY = "waste:schedule-version"
CACHE_SECONDS = 60 * 60 * 24
UPCOMING_WEEKS = 8
LOOK_BACK_WEEKS = 5  # far enough to find a four-weekly round's last collection
# Streams a property has only by subscription; shown once the subscription exists.
BY_SUBSCRIPTION = {Stream.GARDEN}


@dataclass(frozen=True)
class BinDays:
    stream: str
    label: str
    round_code: str
    round_name: str
    frequency_weeks: int
    weekday: int
    last: Collection | None
    next: Collection | None
    upcoming: list[Collection] = field(default_factory=list)

    @property
    def frequency_label(self) -> str:
        return {1: "Every week", 2: "Every other week"}.get(self.frequency_weeks, f"Every {self.frequency_weeks} weeks")

    @property
    def weekday_name(self) -> str:
        return ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][self.weekday]


def schedule_version() -> int:
    version = cache.get(VERSION_CACHE_KEY)
    if version is None:
        row = ScheduleVersion.objects.order_by("pk").first()
        version = row.version if row else 0
        cache.set(VERSION_CACHE_KEY, version, CACHE_SECONDS)
    return version


def bin_days(property_: Property, *, today: dt.date | None = None) -> list[BinDays]:
    """Each of the property's collections: last, next and the coming weeks' days."""
    return bin_days_ahead(property_, weeks=UPCOMING_WEEKS, today=today)


def as_json(property_: Property, days: list[BinDays]) -> dict:
    """The public JSON of a property's bin days (documented in docs/waste-api.md)."""

    def day(collection: Collection | None) -> dict | None:
        if collection is None:
            return None
        return {
            "date": collection.date.isoformat(),
            "usual_date": collection.scheduled.isoformat(),
            "changed": collection.moved,
            "cancelled": collection.cancelled,
            "reason": collection.reason,
        }

    return {
        "uprn": property_.uprn,
        "address": property_.single_line,
        "collections": [
            {
                "stream": bins.stream,
                "name": bins.label,
                "round": bins.round_code,
                "frequency_weeks": bins.frequency_weeks,
                "usual_day": bins.weekday_name,
                "last": day(bins.last),
                "next": day(bins.next),
                "upcoming": [day(collection) for collection in bins.upcoming],
            }
            for bins in days
        ],
    }


def bin_days_ahead(property_: Property, *, weeks: int, today: dt.date | None = None) -> list[BinDays]:
    """The property's collections with `weeks` of coming days (the page's eight, the
    calendar feed's year, the printable view's quarter), cached under the schedule version."""
    today = today or timezone.localdate()
    key = f"waste:bin-days-ahead:{property_.uprn}:{weeks}:{schedule_version()}:{today.isoformat()}"
    found = cache.get(key)
    if found is None:
        found = _bin_days_until(property_, today, today + dt.timedelta(weeks=weeks))
        cache.set(key, found, CACHE_SECONDS)
    return found


def _bin_days_until(property_: Property, today: dt.date, end: dt.date) -> list[BinDays]:
    places = list(
        PropertyRound.objects.filter(property=property_, round__active=True)
        .exclude(stream__in=BY_SUBSCRIPTION)
        .select_related("round")
    )
    rounds = sorted((place.round for place in places), key=lambda r: list(Stream.values).index(r.stream))
    start = today - dt.timedelta(weeks=LOOK_BACK_WEEKS)
    changes = schedule.changes_between(start, end, rounds)
    result = []
    for round_ in rounds:
        days = schedule.collections(round_, start, end, changes=changes)
        past = [day for day in days if day.date < today and not day.cancelled]
        coming = [day for day in days if day.date >= today]
        result.append(
            BinDays(
                stream=round_.stream,
                label=str(Stream(round_.stream).label),
                round_code=round_.code,
                round_name=round_.name,
                frequency_weeks=round_.frequency_weeks,
                weekday=round_.weekday,
                last=past[-1] if past else None,
                next=next((day for day in coming if not day.cancelled), None),
                upcoming=coming,
            )
        )
    return result
