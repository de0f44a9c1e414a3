from decimal import Decimal

import pytest

from townhall.gazetteer import geometry
from townhall.gazetteer.models import Property
from townhall.gazetteer.tests.factories import PropertyFactory

SQUARE = [[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0], [0.0, 0.0]]
HOLE = [[4.0, 4.0], [6.0, 4.0], [6.0, 6.0], [4.0, 6.0], [4.0, 4.0]]
ISLAND = [[20.0, 0.0], [22.0, 0.0], [22.0, 2.0], [20.0, 2.0], [20.0, 0.0]]
# A "U": the notch between its arms is outside, which a box alone would get wrong.
U_SHAPE = [[0, 0], [9, 0], [9, 9], [6, 9], [6, 3], [3, 3], [3, 9], [0, 9]]


@pytest.mark.parametrize(
    ("latitude", "longitude", "inside"),
    [
        (5, 1, True),  # inside the square, beside the hole
        (5, 5, False),  # in the hole
        (1, 21, True),  # on the island
        (5, 15, False),  # between the square and the island
        (-1, 5, False),
        (11, 5, False),
    ],
)
def test_contains_follows_holes_and_separate_parts(latitude, longitude, inside):
    assert geometry.contains([SQUARE, HOLE, ISLAND], latitude, longitude) is inside


@pytest.mark.parametrize(("latitude", "longitude", "inside"), [(6, 1.5, True), (6, 4.5, False), (1, 4.5, True)])
def test_contains_follows_a_concave_ring_that_is_not_closed(latitude, longitude, inside):
    assert geometry.contains([U_SHAPE], latitude, longitude) is inside


def test_contains_ignores_altitudes():
    with_altitude = [[*position, 35.0] for position in SQUARE]

    assert geometry.contains([with_altitude], 5, 5)


def test_bounding_box_is_south_west_north_east():
    assert geometry.bounding_box([SQUARE, ISLAND]) == (0.0, 0.0, 10.0, 22.0)


@pytest.mark.parametrize(
    ("rings", "problem"),
    [
        ([], "at least one ring"),
        ("not rings", "at least one ring"),
        ([[[0, 0], [1, 1]]], "Ring 1 needs at least three positions"),
        ([SQUARE, [[0, 0], [1, 1], [200, 1]]], "Ring 2 has a position that is not [longitude, latitude]"),
        ([[[0, 0], [1, "1"], [2, 2]]], "Ring 1 has a position"),
        ([[[0, 0], [1, True], [2, 2]]], "Ring 1 has a position"),
    ],
)
def test_boundary_problems_name_the_ring(rings, problem):
    problems = geometry.boundary_problems(rings)

    assert any(problem in text for text in problems), problems


def test_a_good_boundary_has_no_problems():
    assert geometry.boundary_problems([SQUARE, HOLE]) == []


ISLAND_FEATURE = {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ISLAND]}}


@pytest.mark.parametrize(
    ("data", "rings"),
    [
        ({"type": "Polygon", "coordinates": [SQUARE, HOLE]}, [SQUARE, HOLE]),
        ({"type": "MultiPolygon", "coordinates": [[SQUARE, HOLE], [ISLAND]]}, [SQUARE, HOLE, ISLAND]),
        (ISLAND_FEATURE, [ISLAND]),
        ({"type": "FeatureCollection", "features": [ISLAND_FEATURE]}, [ISLAND]),
    ],
)
def test_rings_from_geojson_reads_polygons_however_wrapped(data, rings):
    assert geometry.rings_from_geojson(data) == rings


def test_rings_from_geojson_refuses_points():
    with pytest.raises(ValueError, match="no GeoJSON Polygon"):
        geometry.rings_from_geojson({"type": "Point", "coordinates": [0, 0]})


def test_metres_between_allows_for_shorter_degrees_of_longitude():
    north = geometry.metres_between(51.42, -0.19, 51.421, -0.19)
    east = geometry.metres_between(51.42, -0.19, 51.42, -0.189)

    assert north == 111
    assert 68 <= east <= 70


@pytest.mark.django_db
def test_nearest_first_reads_the_box_and_ranks_by_distance():
    far = PropertyFactory(latitude=Decimal("51.420900"), longitude=Decimal("-0.190000"))
    near = PropertyFactory(latitude=Decimal("51.420100"), longitude=Decimal("-0.190000"))
    PropertyFactory(latitude=Decimal("51.440000"), longitude=Decimal("-0.190000"))  # far outside the box

    found = list(geometry.nearest_first(Property.objects.all(), 51.42, -0.19, within_metres=120))

    assert found == [near, far]
    assert geometry.metres(found[0].nearness) == 11
