"""Reads of the gazetteer that pages and APIs share: postcode lookup, address search,
places a person can point to without a map, and the address nearest a point on one."""

import math
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Case, F, FloatField, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Length

from townhall.gazetteer.models import Property, Street, normalise_postcode

# Each word is one more LIKE condition; words past these are ignored.
MAX_SEARCH_WORDS = 8
# How far from a point on the map its nearest address may be and still describe it.
NEAREST_WITHIN_METRES = 250
METRES_PER_DEGREE_OF_LATITUDE = 111_320
NUMBER_RUNS = re.compile(r"([0-9]+)")


def property_by_uprn(uprn: int) -> Property | None:
    try:
        return _properties().get(uprn=uprn)
    except Property.DoesNotExist:
        return None


def properties_at_postcode(postcode: str) -> list[Property]:
    """Every property at a postcode however it was typed, in the order a person would list them."""
    normalised = normalise_postcode(postcode)
    if not normalised:
        return []
    return sorted(_properties().filter(postcode=normalised).order_by(), key=address_order)


def search_properties(text: str, limit: int = 20) -> list[Property]:
    """Properties whose address contains every word of `text`; addresses starting with `text` first.

    On PostgreSQL each word's `icontains` (UPPER(...) LIKE) is served by the trigram index
    on upper(single_line).
    """
    words = _words(text)
    if not words:
        return []
    found = _properties()
    for word in words:
        found = found.filter(single_line__icontains=word)
    found = found.annotate(
        # Typed from the start ("12 Ald") beats a match in the middle ("Flat 12, … Alder Road").
        rank=Case(
            When(single_line__istartswith=text.strip(), then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    ).order_by(
        # Shorter numbers first is numeric order for plain numbers; address_order then puts the
        # fetched page exactly in natural order ("9", "10", "10A"), which SQL can't do portably.
        "rank",
        "street__name",
        "street__locality",
        Length("building_number"),
        "building_number",
        "building_name",
        Length("sub_building"),
        "sub_building",
        "uprn",
    )
    return sorted(found[:limit], key=lambda place: (place.rank, *address_order(place)))


def search_streets(text: str, limit: int = 20) -> list[Street]:
    """Streets whose name, locality or town contains every word of `text`."""
    words = _words(text)
    if not words:
        return []
    found = Street.objects.all()
    for word in words:
        found = found.filter(Q(name__icontains=word) | Q(locality__icontains=word) | Q(town__icontains=word))
    return list(found.order_by("name", "locality", "usrn")[:limit])


@dataclass(frozen=True)
class Place:
    """Somewhere a person can point to without a map: a street or an address."""

    value: str
    text: str
    latitude: str
    longitude: str


def places_matching(text: str, limit: int = 20) -> list[Place]:
    """Where a postcode's addresses, or streets by name (and addresses too, once a house
    number is typed), each with a point to send to the back office.

    A street has no point of its own in the gazetteer, so it takes the middle of its
    properties; streets with none cannot be pointed to and are left out.
    """
    at_postcode = properties_at_postcode(text)
    if at_postcode:
        return [_property_place(place) for place in at_postcode]
    streets = search_streets(text, limit=limit)
    middles = (
        Property.objects.filter(street__in=streets)
        .values("street")
        .annotate(latitude=Avg("latitude"), longitude=Avg("longitude"))
    )
    middle_of = {row["street"]: row for row in middles}
    places = [
        Place(f"usrn:{street.usrn}", str(street), _coordinate(middle["latitude"]), _coordinate(middle["longitude"]))
        for street in streets
        if (middle := middle_of.get(street.pk))
    ]
    if not places or any(ch.isdigit() for ch in text):
        places += [_property_place(place) for place in search_properties(text, limit=limit)]
    return places


@dataclass(frozen=True)
class Nearest:
    """The address nearest a point, and how far away it is."""

    place: Property
    metres: int


def nearest_property(
    latitude: Decimal | float, longitude: Decimal | float, *, within_metres: int = NEAREST_WITHIN_METRES
) -> Nearest | None:
    """The property nearest a point (with its street and ward), if one is within
    `within_metres`; else None. One query: the box around the point is read through the
    (latitude, longitude) index, never the whole gazetteer, and the few properties in it are
    ranked by distance (on a plane scaled for the latitude: exact enough across a borough)."""
    latitude, longitude = float(latitude), float(longitude)
    squash = math.cos(math.radians(latitude))  # a degree of longitude is this much shorter
    reach_lat = within_metres / METRES_PER_DEGREE_OF_LATITUDE
    reach_lon = reach_lat / squash
    north_south = Cast(F("latitude"), FloatField()) - latitude
    east_west = (Cast(F("longitude"), FloatField()) - longitude) * squash
    place = (
        _properties()
        .filter(
            latitude__range=(_degrees(latitude - reach_lat), _degrees(latitude + reach_lat)),
            longitude__range=(_degrees(longitude - reach_lon), _degrees(longitude + reach_lon)),
        )
        .annotate(nearness=north_south * north_south + east_west * east_west)
        .order_by("nearness", "uprn")
        .first()
    )
    if place is None:
        return None
    metres = math.sqrt(place.nearness) * METRES_PER_DEGREE_OF_LATITUDE
    # The box's corners reach further than the circle.
    return Nearest(place, round(metres)) if metres <= within_metres else None


def _degrees(value: float) -> Decimal:
    # The columns' own precision, so the database compares like with like (and uses the index).
    return Decimal(f"{value:.6f}")


def _property_place(place: Property) -> Place:
    return Place(f"uprn:{place.uprn}", place.single_line, _coordinate(place.latitude), _coordinate(place.longitude))


def _coordinate(value) -> str:
    return f"{float(value):.6f}"


def address_order(place: Property) -> tuple:
    """A sort key listing properties by street, then building number, name and flat, numbers numerically."""
    street = place.street
    return (
        street.name.casefold(),
        street.locality.casefold(),
        _natural(place.building_number),
        _natural(place.building_name),
        _natural(place.sub_building),
        place.uprn,
    )


def _natural(text: str) -> tuple[tuple[int, int, str], ...]:
    # "10A" -> ((0, 10, ""), (1, 0, "a")): numbers compare as numbers, the rest as text.
    # Splitting on a captured group puts the numbers at the odd positions.
    parts = NUMBER_RUNS.split(text)
    return tuple(
        (0, int(part), "") if index % 2 else (1, 0, part.casefold()) for index, part in enumerate(parts) if part
    )


def _words(text: str) -> list[str]:
    return re.findall(r"[^\s,]+", text)[:MAX_SEARCH_WORDS]


def _properties() -> QuerySet[Property]:
    return Property.objects.select_related("street", "ward")
