"""Reads of the gazetteer that pages and APIs share: postcode lookup, address search,
places a person can point to without a map, and the address nearest a point on one."""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Length
from django.utils.translation import gettext as _

from townhall.gazetteer.geometry import (
    METRES_PER_DEGREE_OF_LATITUDE,  # noqa: F401 - others read it from here
    metres,
    nearest_first,
)
from townhall.gazetteer.models import Area, AreaKind, Property, Street, Ward, normalise_postcode

# Each word is one more LIKE condition; words past these are ignored.
MAX_SEARCH_WORDS = 8
# How far from a point on the map its nearest address may be and still describe it.
NEAREST_WITHIN_METRES = 250
# A point in a ward without a boundary takes the ward of the nearest address this close.
WARD_FROM_ADDRESS_WITHIN_METRES = 1000
FIND_YOUR_COUNCIL = "https://www.gov.uk/find-local-council"
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
    `within_metres`; else None. One query, reading only the box around the point."""
    place = nearest_first(_properties(), latitude, longitude, within_metres=within_metres).order_by("nearness", "uprn")
    place = place.first()
    if place is None or metres(place.nearness) > within_metres:
        return None
    return Nearest(place, metres(place.nearness))


@dataclass(frozen=True)
class PointLocation:
    """Where a point is: in the borough (and which ward, where known), or outside it (and
    in which neighbouring authority's area, where known)."""

    inside: bool
    borough: str = ""
    ward: Ward | None = None
    neighbour: Area | None = None

    @property
    def refusal(self) -> str:
        """Why a report of a problem here is refused, and who to report it to; empty inside."""
        if self.inside:
            return ""
        outside = _("This location is outside %(borough)s.") % {"borough": self.borough}
        if self.neighbour is None:
            return f"{outside} " + _("Report it to the council for that area: find it at %(url)s") % {
                "url": FIND_YOUR_COUNCIL
            }
        if self.neighbour.website:
            return f"{outside} " + _("Report it to %(neighbour)s at %(url)s") % {
                "neighbour": self.neighbour.name,
                "url": self.neighbour.website,
            }
        return f"{outside} " + _("Report it to %(neighbour)s.") % {"neighbour": self.neighbour.name}


def locate_point(latitude: Decimal | float, longitude: Decimal | float, *, find_ward: bool = True) -> PointLocation:
    """Whether a point is in the borough, in which ward, or whose area it is in instead.

    Only the areas whose box holds the point are read (one query; a second only for a
    point outside the borough's box). With no borough boundary loaded, every point counts
    as inside: a council that has not loaded one refuses nothing. A ward without a
    boundary of its own is the ward of the nearest address (one more query); `find_ward`
    False leaves the ward out, for checks that only need to know inside or out.
    """
    latitude, longitude = float(latitude), float(longitude)
    here = f"{latitude:.6f}", f"{longitude:.6f}"
    around = list(
        Area.objects.filter(south__lte=here[0], north__gte=here[0], west__lte=here[1], east__gte=here[1])
        .select_related("ward")
        .order_by("kind", "name")
    )
    borough = next((area for area in around if area.kind == AreaKind.BOROUGH), None)
    if borough is not None:
        name, inside = borough.name, borough.contains(latitude, longitude)
    else:
        name = Area.objects.filter(kind=AreaKind.BOROUGH).values_list("name", flat=True).first()
        inside = name is None
    within = [area for area in around if area.kind != AreaKind.BOROUGH and area.contains(latitude, longitude)]
    if not inside:
        neighbour = next((area for area in within if area.kind == AreaKind.NEIGHBOUR), None)
        return PointLocation(inside=False, borough=name, neighbour=neighbour)
    ward = next((area.ward for area in within if area.kind == AreaKind.WARD), None)
    if ward is None and find_ward:
        nearest = nearest_property(latitude, longitude, within_metres=WARD_FROM_ADDRESS_WITHIN_METRES)
        ward = nearest.place.ward if nearest else None
    return PointLocation(inside=True, borough=name or "", ward=ward)


def borough_area() -> Area | None:
    """The borough's own boundary, for checking many points at once (imports)."""
    return Area.objects.filter(kind=AreaKind.BOROUGH).first()


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
