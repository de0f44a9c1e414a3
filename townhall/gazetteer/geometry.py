"""Geometry for a borough-sized patch of the Earth, where a plane scaled for the latitude
is exact enough: boundaries as GeoJSON-style rings, points in them, and rows with a
latitude and longitude found near a point through their (latitude, longitude) index.

A boundary is a list of rings, each a list of [longitude, latitude] positions (GeoJSON's
order). A point is inside when an odd number of rings surround it, so a ring inside
another is a hole and separate rings are separate parts, as in a GeoJSON MultiPolygon.
"""

import math
from decimal import Decimal

from django.db.models import F, FloatField, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

METRES_PER_DEGREE_OF_LATITUDE = 111_320
Rings = list[list[list[float]]]


def contains(rings: Rings, latitude: float, longitude: float) -> bool:
    """Whether the point is inside the boundary (even-odd rule; a point exactly on an edge
    may fall either way, which a boundary drawn to the metre never notices)."""
    inside = False
    for ring in rings:
        for start, end in zip(ring, ring[1:] + ring[:1], strict=True):
            (x1, y1), (x2, y2) = start[:2], end[:2]
            # Count the edges a line running east from the point crosses.
            if (y1 > latitude) != (y2 > latitude) and longitude < x1 + (latitude - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


def bounding_box(rings: Rings) -> tuple[float, float, float, float]:
    """(south, west, north, east) of every position in the boundary."""
    longitudes = [position[0] for ring in rings for position in ring]
    latitudes = [position[1] for ring in rings for position in ring]
    return min(latitudes), min(longitudes), max(latitudes), max(longitudes)


def boundary_problems(rings: object) -> list[str]:
    """What is wrong with a boundary, in words; empty when it is a usable list of rings."""
    if not isinstance(rings, list) or not rings:
        return [_("A boundary needs at least one ring of positions")]
    problems = []
    for number, ring in enumerate(rings, start=1):
        if not isinstance(ring, list) or len(ring) < 3:
            problems.append(_("Ring %(n)s needs at least three positions") % {"n": number})
            continue
        for position in ring:
            if not _is_position(position):
                problems.append(
                    _("Ring %(n)s has a position that is not [longitude, latitude]: %(position)s")
                    % {"n": number, "position": str(position)[:40]}
                )
                break
    return problems


def _is_position(position: object) -> bool:
    if not isinstance(position, list | tuple) or len(position) < 2:
        return False
    longitude, latitude = position[0], position[1]
    numbers = all(isinstance(value, int | float) and not isinstance(value, bool) for value in (longitude, latitude))
    return numbers and -180 <= longitude <= 180 and -90 <= latitude <= 90


def rings_from_geojson(data: dict) -> Rings:
    """The rings of a GeoJSON Polygon or MultiPolygon, bare or in a Feature or the first
    feature of a FeatureCollection; raises ValueError for anything else."""
    if data.get("type") == "FeatureCollection":
        data = (data.get("features") or [{}])[0]
    if data.get("type") == "Feature":
        data = data.get("geometry") or {}
    match data.get("type"):
        case "Polygon":
            return data["coordinates"]
        case "MultiPolygon":
            return [ring for polygon in data["coordinates"] for ring in polygon]
    raise ValueError(_("The file holds no GeoJSON Polygon or MultiPolygon"))


def metres_between(latitude: float, longitude: float, other_latitude: float, other_longitude: float) -> int:
    north_south = (other_latitude - latitude) * METRES_PER_DEGREE_OF_LATITUDE
    east_west = (other_longitude - longitude) * METRES_PER_DEGREE_OF_LATITUDE * _squash(latitude)
    return round(math.hypot(north_south, east_west))


def nearest_first(queryset: QuerySet, latitude: float, longitude: float, *, within_metres: int) -> QuerySet:
    """Rows of `queryset` (a model with latitude and longitude columns) in the box around
    the point, annotated with `nearness` and nearest first. The box is read through the
    (latitude, longitude) index, never the whole table; its corners reach further than
    `within_metres`, so callers keep rows with `metres(row.nearness) <= within_metres`."""
    latitude, longitude = float(latitude), float(longitude)
    squash = _squash(latitude)
    reach_lat = within_metres / METRES_PER_DEGREE_OF_LATITUDE
    reach_lon = reach_lat / squash
    north_south = Cast(F("latitude"), FloatField()) - latitude
    east_west = (Cast(F("longitude"), FloatField()) - longitude) * squash
    return (
        queryset.filter(
            latitude__range=(_degrees(latitude - reach_lat), _degrees(latitude + reach_lat)),
            longitude__range=(_degrees(longitude - reach_lon), _degrees(longitude + reach_lon)),
        )
        .annotate(nearness=north_south * north_south + east_west * east_west)
        .order_by("nearness")
    )


def metres(nearness: float) -> int:
    """A `nearness` from `nearest_first` in metres."""
    return round(math.sqrt(nearness) * METRES_PER_DEGREE_OF_LATITUDE)


def _squash(latitude: float) -> float:
    # A degree of longitude is this much shorter than a degree of latitude.
    return math.cos(math.radians(latitude))


def _degrees(value: float) -> Decimal:
    # The columns' own precision, so the database compares like with like (and uses the index).
    return Decimal(f"{value:.6f}")
