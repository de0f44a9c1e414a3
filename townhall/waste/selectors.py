"""Bin days: what the busiest pages and the public JSON read, cached per property.

Every resident looks theirs up, every week, and all at once after a schedule change, so
the answer is cached under the schedule's version: a change to any round or collection
day bumps the version (`services.bump_schedule_version`) and nothing stale is served.

Garden waste shows only while the property has an active subscription for the day
(`garden_models.GardenSubscription`). A property's own changes (a subscription starting,
changing or ending) are in the key too, as the property's generation: a random token
kept in the cache and replaced after commit by `property_changed`, so the next request
computes afresh from the committed rows. A token lost from the cache is simply made
anew, which also means recomputing: never a stale answer, and no query on a warm page.
"""

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from townhall.gazetteer.models import Property
from townhall.waste import schedule
from townhall.waste.models import GardenStatus, GardenSubscription, PropertyRound, ScheduleVersion, Stream
from townhall.waste.schedule import Collection

VERSION_CACHE_KEY = "waste:schedule-version"
CACHE_SECONDS = 60 * 60 * 24
UPCOMING_WEEKS = 8
LOOK_BACK_WEEKS = 5  # far enough to find a four-weekly round's last collection
# Streams a property has only by subscription; shown while a subscription is active.
BY_SUBSCRIPTION = {Stream.GARDEN}
GENERATION_CACHE_KEY = "waste:property-generation:{uprn}"


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


def property_generation(property_: Property) -> str:
    """The token of the property's own collection changes (see the module's docstring)."""
    key = GENERATION_CACHE_KEY.format(uprn=property_.uprn)
    generation = cache.get(key)
    if generation is None:
        generation = uuid.uuid4().hex[:12]
        if not cache.add(key, generation, CACHE_SECONDS):
            generation = cache.get(key) or generation
    return generation


def property_changed(property_: Property) -> None:
    """What the property has collected changed (a garden waste subscription started,
    changed or ended): once committed, its cached bin days are no longer read."""
    key = GENERATION_CACHE_KEY.format(uprn=property_.uprn)
    transaction.on_commit(lambda: cache.delete(key))


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
    key = (
        f"waste:bin-days-ahead:{property_.uprn}:{weeks}:{schedule_version()}:"
        f"{property_generation(property_)}:{today.isoformat()}"
    )
    found = cache.get(key)
    if found is None:
        found = _bin_days_until(property_, today, today + dt.timedelta(weeks=weeks))
        cache.set(key, found, CACHE_SECONDS)
    return found


def _bin_days_until(property_: Property, today: dt.date, end: dt.date) -> list[BinDays]:
    active = GardenSubscription.objects.filter(property=OuterRef("property"), status=GardenStatus.ACTIVE)
    places = list(
        PropertyRound.objects.filter(property=property_, round__active=True)
        .alias(garden_subscribed=Exists(active.filter(start_date__lte=today, end_date__gte=today)))
        .filter(~Q(stream__in=BY_SUBSCRIPTION) | Q(stream=Stream.GARDEN, garden_subscribed=True))
        # Collections by subscription stop when the last subscription (a renewal, say) ends.
        .annotate(paid_until=Subquery(active.filter(end_date__gte=today).order_by("-end_date").values("end_date")[:1]))
        .select_related("round")
    )
    until = {place.round_id: place.paid_until for place in places if place.stream in BY_SUBSCRIPTION}
    rounds = sorted((place.round for place in places), key=lambda r: list(Stream.values).index(r.stream))
    start = today - dt.timedelta(weeks=LOOK_BACK_WEEKS)
    changes = schedule.changes_between(start, end, rounds)
    result = []
    for round_ in rounds:
        days = schedule.collections(round_, start, min(end, until.get(round_.pk) or end), changes=changes)
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
