"""Boundaries: where the borough ends, which ward a point is in, and whose area is next door."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from townhall.core.models import AuditEvent
from townhall.gazetteer import demo
from townhall.gazetteer.models import Area, AreaKind, Property
from townhall.gazetteer.selectors import locate_point
from townhall.gazetteer.services import save_area
from townhall.gazetteer.tests.factories import PropertyFactory, WardFactory

pytestmark = pytest.mark.django_db


def box(south: float, west: float, north: float, east: float) -> list[list[list[float]]]:
    return [[[west, south], [east, south], [east, north], [west, north], [west, south]]]


@pytest.fixture
def borough():
    """Wexmoor is the box 51.40–51.44 N, 0.22–0.16 W; Brackenfield lies north of it."""
    save_area(kind=AreaKind.BOROUGH, name="Wexmoor", boundary=box(51.40, -0.22, 51.44, -0.16))
    save_area(
        kind=AreaKind.NEIGHBOUR,
        name="Brackenfield Borough Council",
        website="https://www.brackenfield.example/report",
        boundary=box(51.44, -0.22, 51.48, -0.16),
    )
    save_area(kind=AreaKind.NEIGHBOUR, name="Oakhurst Council", boundary=box(51.40, -0.16, 51.44, -0.10))


def test_a_point_inside_the_borough_takes_the_ward_whose_boundary_holds_it(borough):
    west_ward, east_ward = WardFactory(name="Ashby Green"), WardFactory(name="Cresswick")
    save_area(kind=AreaKind.WARD, name=west_ward.name, ward=west_ward, boundary=box(51.40, -0.22, 51.44, -0.19))
    save_area(kind=AreaKind.WARD, name=east_ward.name, ward=east_ward, boundary=box(51.40, -0.19, 51.44, -0.16))

    location = locate_point(Decimal("51.420000"), Decimal("-0.170000"))

    assert location.inside
    assert location.ward == east_ward
    assert location.refusal == ""


def test_a_ward_without_a_boundary_is_the_nearest_addresss(borough, django_assert_num_queries):
    home = PropertyFactory(latitude=Decimal("51.420500"), longitude=Decimal("-0.190000"))

    with django_assert_num_queries(2):  # the areas around the point, then the nearest address
        location = locate_point(51.42, -0.19)

    assert location.inside
    assert location.ward == home.ward


def test_a_point_far_from_any_address_has_no_ward(borough):
    assert locate_point(51.42, -0.19).ward is None


def test_a_point_in_a_neighbours_area_is_refused_naming_it_and_where_to_report(borough):
    location = locate_point(51.45, -0.19)

    assert not location.inside
    assert location.neighbour.name == "Brackenfield Borough Council"
    assert location.refusal == (
        "This location is outside Wexmoor. "
        "Report it to Brackenfield Borough Council at https://www.brackenfield.example/report"
    )


def test_a_neighbour_without_a_website_is_named_all_the_same(borough):
    assert locate_point(51.42, -0.13).refusal == "This location is outside Wexmoor. Report it to Oakhurst Council."


def test_a_point_nobody_known_covers_gets_the_general_advice(borough, django_assert_num_queries):
    with django_assert_num_queries(2):  # nothing's box holds it; then the borough's name
        location = locate_point(51.30, -0.19)

    assert not location.inside
    assert location.neighbour is None
    assert "Report it to the council for that area: find it at https://www.gov.uk/find-local-council" in (
        location.refusal
    )


def test_without_a_borough_boundary_every_point_is_inside():
    assert locate_point(10, 10).inside


def test_save_area_replaces_the_borough_and_keeps_its_box_in_step(borough):
    save_area(kind=AreaKind.BOROUGH, name="Wexmoor", boundary=box(51.30, -0.30, 51.50, -0.10))

    area = Area.objects.get(kind=AreaKind.BOROUGH)
    assert (area.south, area.west, area.north, area.east) == (
        Decimal("51.300000"),
        Decimal("-0.300000"),
        Decimal("51.500000"),
        Decimal("-0.100000"),
    )
    assert Area.objects.filter(kind=AreaKind.BOROUGH).count() == 1
    assert locate_point(51.35, -0.25).inside
    assert AuditEvent.objects.filter(action="gazetteer.area_saved").count() == 4


def test_save_area_refuses_a_broken_boundary_and_saves_nothing():
    with pytest.raises(ValidationError, match="Ring 1 needs at least three positions"):
        save_area(kind=AreaKind.BOROUGH, name="Wexmoor", boundary=[[[0, 0], [1, 1]]])

    assert not Area.objects.exists()


def test_save_area_refuses_a_website_that_is_not_an_address():
    with pytest.raises(ValidationError):
        save_area(kind=AreaKind.NEIGHBOUR, name="Oakhurst", website="not a website", boundary=box(0, 0, 1, 1))

    assert not Area.objects.exists()


def test_import_boundary_reads_a_geojson_feature(tmp_path):
    ward = WardFactory(code="WXM01", name="Ashby Green")
    path = tmp_path / "ward.geojson"
    path.write_text(json.dumps({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": box(0, 0, 1, 1)}}))

    call_command("import_boundary", "ward", "WXM01", str(path))

    area = Area.objects.get(kind=AreaKind.WARD)
    assert (area.ward, area.name) == (ward, "Ashby Green")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "Can't read a boundary"),
        (json.dumps({"type": "Point", "coordinates": [0, 0]}), "no GeoJSON Polygon"),
        (json.dumps({"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]}), "at least three positions"),
    ],
)
def test_import_boundary_says_what_is_wrong_with_a_file(tmp_path, content, message):
    path = tmp_path / "area.geojson"
    path.write_text(content)

    with pytest.raises(CommandError, match=message):
        call_command("import_boundary", "borough", "Wexmoor", str(path))


def test_import_boundary_needs_a_known_ward(tmp_path):
    path = tmp_path / "ward.geojson"
    path.write_text(json.dumps({"type": "Polygon", "coordinates": box(0, 0, 1, 1)}))

    with pytest.raises(CommandError, match="No ward has the code WXM99"):
        call_command("import_boundary", "ward", "WXM99", str(path))


def test_the_demo_borough_holds_all_its_properties_and_has_neighbours_north_east_and_south():
    demo.build_demo_gazetteer(properties=1500, seed=3)

    borough = Area.objects.get(kind=AreaKind.BOROUGH)
    positions = Property.objects.values_list("latitude", "longitude")
    assert all(borough.contains(float(lat), float(lon)) for lat, lon in positions)
    assert locate_point(51.46, -0.19).neighbour.name == "Brackenfield Borough Council"
    assert locate_point(51.42, -0.13).neighbour.name == "Oakhurst District Council"
    assert locate_point(51.38, -0.19).neighbour.name == "Sallowmere Council"
    assert locate_point(51.42, -0.24).neighbour is None  # to the west: somewhere the demo does not name
    assert locate_point(51.42, -0.19).ward is not None


def test_the_demo_boundaries_are_rebuilt_without_doubling():
    demo.build_demo_boundaries()
    demo.build_demo_boundaries()

    assert Area.objects.filter(kind=AreaKind.NEIGHBOUR).count() == 3
