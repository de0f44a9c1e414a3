"""A round's worklist for one day: what the crews' page shows and their in-cab devices read
(`views/crews.py`, `views/crew_api.py`).

The round's streets by name, each with its properties in number order, and for each
property what the crew needs at the kerb: what is due (a garden round empties only the
bins subscribed for), whether the crew fetches the bins (an assisted collection, with
where they are kept), missed bins reported and not yet resolved, and what was recorded so
far that day, its own record or else its street's. The same few queries however long the
round is.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils import timezone

from townhall.gazetteer.models import Property, Street
from townhall.waste import schedule
from townhall.waste.containers.selectors import assisted_properties
from townhall.waste.models import (
    AssistedCollection,
    CrewRecord,
    GardenStatus,
    GardenSubscription,
    MissedCollection,
    PropertyRound,
    Round,
    RoundDay,
    Stream,
)


@dataclass(frozen=True)
class Recorded:
    """What the crew recorded at a property or a street; `from_street` when a property shows
    its street's record for want of its own."""

    outcome: str
    label: str
    at: dt.datetime
    note: str
    record_id: int
    has_photo: bool
    from_street: bool = False

    @classmethod
    def of(cls, record: CrewRecord | None, *, from_street: bool = False) -> "Recorded | None":
        if record is None:
            return None
        return cls(
            outcome=record.outcome,
            label=record.get_outcome_display(),
            at=record.recorded_at,
            note=record.note,
            record_id=record.pk,
            has_photo=bool(record.photo),
            from_street=from_street,
        )

    @property
    def time(self) -> str:
        return timezone.localtime(self.at).strftime("%H:%M")


@dataclass
class Stop:
    """A property on the worklist."""

    place: Property
    recorded: Recorded | None
    assisted: AssistedCollection | None = None
    missed: list[MissedCollection] = field(default_factory=list)
    # A garden round's bins subscribed for (0: none, so nothing is due); None on other rounds.
    garden_bins: int | None = None

    @property
    def due(self) -> bool:
        return self.garden_bins is None or self.garden_bins > 0

    @property
    def label(self) -> str:
        """The address as a crew reads it on the street: "Flat 2, Alder House, 12 Alder Road"."""
        place = self.place
        first = " ".join(filter(None, [place.building_number, place.street.name]))
        return ", ".join(filter(None, [place.sub_building, place.building_name, first]))


@dataclass
class StreetStops:
    street: Street
    recorded: Recorded | None
    stops: list[Stop] = field(default_factory=list)


@dataclass
class Worklist:
    round: Round
    day: dt.date
    round_day: RoundDay | None
    collects: bool  # the round collects on the day (after bank holidays and the council's changes)
    streets: list[StreetStops]

    @property
    def stops(self) -> list[Stop]:
        return [stop for street in self.streets for stop in street.stops]


def _natural(text: str) -> list:
    """'10' after '9', 'Flat 2' before 'Flat 10'."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", text)]


def _latest_records(round_: Round, day: dt.date) -> tuple[dict[int, CrewRecord], dict[int, CrewRecord]]:
    """The latest record of the day by property id, and the latest of whole streets by street id."""
    own: dict[int, CrewRecord] = {}
    streets: dict[int, CrewRecord] = {}
    for record in CrewRecord.objects.filter(round=round_, date=day).order_by("recorded_at", "pk"):
        if record.property_id:
            own[record.property_id] = record
        else:
            streets[record.street_id] = record
    return own, streets


def _outstanding_missed(round_: Round) -> dict[int, list[MissedCollection]]:
    """Missed bins of the round's stream at its properties whose requests are still open, by property id."""
    found: dict[int, list[MissedCollection]] = {}
    reports = (
        MissedCollection.objects.filter(
            property__waste_rounds__round=round_, stream=round_.stream, case__is_closed=False
        )
        .select_related("case")
        .order_by("collection_date", "pk")
    )
    for report in reports:
        found.setdefault(report.property_id, []).append(report)
    return found


def _garden_bins(round_: Round, day: dt.date) -> dict[int, int]:
    """The bins subscribed for on `day` at the round's properties, by property id."""
    running = GardenSubscription.objects.filter(
        property__waste_rounds__round=round_, status=GardenStatus.ACTIVE, start_date__lte=day, end_date__gte=day
    )
    return dict(running.values_list("property_id", "bins"))


def worklist(round_: Round, day: dt.date) -> Worklist:
    """The round's worklist on `day` (see the module's docstring)."""
    places = [
        pr.property for pr in PropertyRound.objects.filter(round=round_).select_related("property__street").order_by()
    ]
    own, street_records = _latest_records(round_, day)
    assisted = assisted_properties(round_, day)
    missed = _outstanding_missed(round_)
    garden = _garden_bins(round_, day) if round_.stream == Stream.GARDEN else None
    streets: dict[int, StreetStops] = {}
    for place in places:
        row = streets.get(place.street_id)
        if row is None:
            row = streets[place.street_id] = StreetStops(
                street=place.street, recorded=Recorded.of(street_records.get(place.street_id))
            )
        row.stops.append(
            Stop(
                place=place,
                recorded=Recorded.of(own.get(place.pk))
                or Recorded.of(street_records.get(place.street_id), from_street=True),
                assisted=assisted.get(place.pk),
                missed=missed.get(place.pk, []),
                garden_bins=None if garden is None else garden.get(place.pk, 0),
            )
        )
    for row in streets.values():
        row.stops.sort(
            key=lambda stop: (
                _natural(stop.place.building_number),
                _natural(stop.place.building_name),
                _natural(stop.place.sub_building),
            )
        )
    changes = schedule.changes_between(day, day, [round_])
    return Worklist(
        round=round_,
        day=day,
        round_day=RoundDay.objects.filter(round=round_, date=day).first(),
        collects=any(not c.cancelled for c in schedule.collections(round_, day, day, changes=changes)),
        streets=sorted(streets.values(), key=lambda row: (row.street.name.lower(), row.street.locality.lower())),
    )


# The in-cab devices' JSON


def recorded_json(recorded: Recorded | None) -> dict | None:
    if recorded is None:
        return None
    return {
        "outcome": recorded.outcome,
        "label": recorded.label,
        "recorded_at": recorded.at.isoformat(),
        "note": recorded.note,
        "has_photo": recorded.has_photo,
        "whole_street": recorded.from_street,
    }


def _stop_json(stop: Stop, stream: str) -> dict:
    return {
        "uprn": stop.place.uprn,
        "address": stop.place.single_line,
        "label": stop.label,
        "due": stop.due,
        "bins": {"stream": stream, "name": str(Stream(stream).label), "count": stop.garden_bins},
        "assisted": None
        if stop.assisted is None
        else {"location": stop.assisted.location_note, "until": stop.assisted.ends and stop.assisted.ends.isoformat()},
        "missed": [
            {
                "reference": report.case.reference,
                "stream": report.stream,
                "collection_date": report.collection_date.isoformat(),
                "reported_at": report.reported_at.isoformat(),
            }
            for report in stop.missed
        ],
        "recorded": recorded_json(stop.recorded),
    }


def worklist_json(work: Worklist) -> dict:
    """The worklist as the crews' devices read it (documented in docs/waste-crews-api.md)."""
    round_, day = work.round, work.round_day
    return {
        "round": {
            "code": round_.code,
            "name": round_.name,
            "stream": round_.stream,
            "stream_name": str(Stream(round_.stream).label),
        },
        "date": work.day.isoformat(),
        "collects": work.collects,
        "started_at": day.started_at.isoformat() if day and day.started_at else None,
        "finished_at": day.completed_at.isoformat() if day and day.completed_at else None,
        "streets": [
            {
                "usrn": row.street.usrn,
                "name": row.street.name,
                "locality": row.street.locality,
                "recorded": recorded_json(row.recorded),
                "properties": [_stop_json(stop, round_.stream) for stop in row.stops],
            }
            for row in work.streets
        ],
    }
