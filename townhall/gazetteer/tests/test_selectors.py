from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from townhall.gazetteer import selectors
from townhall.gazetteer.tests.factories import PropertyFactory, StreetFactory, WardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def alder_road():
    return StreetFactory(name="Alder Road", locality="Ashby Green")


def numbers(places) -> list[str]:
    return [" ".join(part for part in (place.sub_building, place.building_number) if part) for place in places]


def test_properties_at_postcode_finds_them_however_the_postcode_is_typed(alder_road):
    PropertyFactory(street=alder_road, postcode="WX1 2AB", building_number="1")
    PropertyFactory(street=alder_road, postcode="WX1 2AD", building_number="3")

    assert numbers(selectors.properties_at_postcode(" wx12ab")) == ["1"]


def test_properties_at_postcode_lists_numbers_in_natural_order(alder_road):
    for number in ("10", "2", "10A", "1", "9", "100"):
        PropertyFactory(street=alder_road, postcode="WX1 2AB", building_number=number)
    for flat in ("Flat 10", "Flat 2", "Flat 1"):
        PropertyFactory(street=alder_road, postcode="WX1 2AB", building_number="4", sub_building=flat)

    places = selectors.properties_at_postcode("WX1 2AB")

    assert numbers(places) == ["1", "2", "Flat 1 4", "Flat 2 4", "Flat 10 4", "9", "10", "10A", "100"]


def test_properties_at_postcode_orders_by_street_first(alder_road):
    bramble = StreetFactory(name="Bramble Lane")
    PropertyFactory(street=bramble, postcode="WX1 2AB", building_number="1")
    PropertyFactory(street=alder_road, postcode="WX1 2AB", building_number="5")

    assert [place.street.name for place in selectors.properties_at_postcode("WX1 2AB")] == [
        "Alder Road",
        "Bramble Lane",
    ]


def test_properties_at_postcode_reads_streets_and_wards_in_one_query(alder_road, django_assert_num_queries):
    for number in range(1, 6):
        PropertyFactory(street=alder_road, postcode="WX1 2AB", building_number=str(number), ward=WardFactory())

    with django_assert_num_queries(1):
        lines = [(place.street.name, place.ward.name) for place in selectors.properties_at_postcode("WX1 2AB")]

    assert len(lines) == 5


def test_properties_at_a_blank_postcode_is_an_empty_list_without_a_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert selectors.properties_at_postcode("  ") == []


def test_search_properties_needs_every_word_in_any_case(alder_road):
    PropertyFactory(street=alder_road, building_number="12")
    PropertyFactory(street=alder_road, building_number="14")
    PropertyFactory(street=StreetFactory(name="Bramble Lane"), building_number="12")

    assert [place.single_line.split(",")[0] for place in selectors.search_properties("12 ALDER")] == ["12 Alder Road"]


def test_search_properties_matches_words_across_the_address(alder_road):
    PropertyFactory(street=alder_road, building_number="3", building_name="Larch House", sub_building="Flat 2")

    assert len(selectors.search_properties("larch, flat 2 ashby")) == 1


def test_search_properties_puts_addresses_starting_with_the_text_first(alder_road):
    PropertyFactory(street=alder_road, building_number="4", building_name="Larch House", sub_building="Flat 12")
    PropertyFactory(street=StreetFactory(name="Zephyr Way"), building_number="12", building_name="Alder Cottage")
    PropertyFactory(street=alder_road, building_number="12")

    found = selectors.search_properties("12 alder")

    assert [place.single_line.split(",")[0] for place in found] == ["12 Alder Road", "Flat 12", "Alder Cottage"]


def test_search_properties_orders_numbers_naturally_and_honours_the_limit(alder_road):
    for number in (10, 9, 2, 1, 11, 3):
        PropertyFactory(street=alder_road, building_number=str(number))

    assert numbers(selectors.search_properties("alder road", limit=4)) == ["1", "2", "3", "9"]


def test_search_properties_with_no_words_is_empty_without_a_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert selectors.search_properties(" , ") == []


def test_search_properties_takes_one_query_however_many_results(alder_road, django_assert_num_queries):
    for number in range(1, 21):
        PropertyFactory(street=alder_road, building_number=str(number), ward=WardFactory())

    with django_assert_num_queries(1):
        found = selectors.search_properties("alder")
        lines = [(place.street.name, place.ward.name) for place in found]

    assert len(lines) == 20


def test_property_by_uprn_finds_the_property_with_its_street_and_ward(django_assert_num_queries):
    place = PropertyFactory(uprn=990000000042)

    with django_assert_num_queries(1):
        found = selectors.property_by_uprn(990000000042)
        assert (found.street.name, found.ward.name) == (place.street.name, place.ward.name)


def test_property_by_uprn_is_none_for_an_unknown_uprn():
    assert selectors.property_by_uprn(990000000043) is None


def test_search_streets_needs_every_word_across_name_locality_and_town(django_assert_num_queries):
    StreetFactory(name="Alder Road", locality="Ashby Green")
    StreetFactory(name="Alder Close", locality="Cresswick")
    StreetFactory(name="Bramble Lane", locality="Ashby Green")

    with django_assert_num_queries(1):
        found = selectors.search_streets("alder ashby")

    assert [street.name for street in found] == ["Alder Road"]


def test_search_streets_orders_by_name_and_honours_the_limit():
    for name in ("Cobnut Way", "Alder Road", "Bramble Lane"):
        StreetFactory(name=name)

    assert [street.name for street in selectors.search_streets("wexmoor", limit=2)] == ["Alder Road", "Bramble Lane"]


# About 11 m of latitude, and of longitude at 51.42° north.
NORTH_11M = Decimal("0.0001")
EAST_11M = Decimal("0.00016")


def test_the_nearest_property_to_a_point_gives_its_street_ward_and_distance(django_assert_num_queries):
    ward = WardFactory(name="Brindle Heath")
    near = PropertyFactory(
        street=StreetFactory(name="Pipit Way"), ward=ward, latitude=Decimal("51.420000"), longitude=Decimal("-0.190000")
    )
    PropertyFactory(street=StreetFactory(name="Far Lane"), latitude=near.latitude + 5 * NORTH_11M)

    with django_assert_num_queries(1):
        found = selectors.nearest_property(near.latitude + NORTH_11M, near.longitude)
        assert (found.place.street.name, found.place.ward.name) == ("Pipit Way", "Brindle Heath")

    assert found.place == near
    assert 10 <= found.metres <= 12


def test_nearness_counts_a_degree_of_longitude_as_shorter_than_one_of_latitude():
    # Given two houses the same number of degrees away, one north and one east of the point
    point = (Decimal("51.420000"), Decimal("-0.190000"))
    PropertyFactory(street=StreetFactory(name="North Row"), latitude=point[0] + 2 * NORTH_11M, longitude=point[1])
    PropertyFactory(street=StreetFactory(name="East Row"), latitude=point[0], longitude=point[1] + 2 * NORTH_11M)

    # the one to the east is nearer: ~14 m against ~22 m
    assert selectors.nearest_property(*point).place.street.name == "East Row"


def test_no_property_within_reach_is_none_not_a_far_away_street():
    PropertyFactory(latitude=Decimal("51.420000"), longitude=Decimal("-0.190000"))

    assert selectors.nearest_property(Decimal("51.420000") + 30 * NORTH_11M, Decimal("-0.190000")) is None
    # in the corner of the box searched but outside the circle
    corner = selectors.nearest_property(
        Decimal("51.420000") + 17 * NORTH_11M, Decimal("-0.190000") + 17 * EAST_11M, within_metres=250
    )
    assert corner is None


def test_the_nearest_property_is_found_through_the_position_index():
    PropertyFactory(latitude=Decimal("51.420000"), longitude=Decimal("-0.190000"))
    with CaptureQueriesContext(connection) as queries:
        selectors.nearest_property(Decimal("51.420100"), Decimal("-0.190000"))

    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            cursor.execute(f"EXPLAIN {queries.captured_queries[0]['sql']}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan")
    assert "property_position_idx" in plan, plan
    assert "Index Cond: ((latitude >=" in plan, plan
