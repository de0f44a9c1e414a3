import time
from collections import Counter, defaultdict

import pytest

from townhall.gazetteer.demo import SOUTH, WEST, build_demo_gazetteer, demo_rows
from townhall.gazetteer.models import Property, Street, Ward
from townhall.gazetteer.services import COLUMNS


def snapshot() -> list[tuple]:
    return list(
        Property.objects.order_by("uprn").values_list(
            "uprn", "street__usrn", "ward__code", "single_line", "latitude", "longitude", "classification"
        )
    )


def test_demo_rows_are_the_same_for_the_same_seed():
    assert demo_rows(properties=600, seed=5) == demo_rows(properties=600, seed=5)


def test_demo_rows_differ_for_another_seed():
    assert demo_rows(properties=600, seed=5) != demo_rows(properties=600, seed=6)


def test_demo_rows_have_exactly_the_gazetteer_columns():
    assert all(row.keys() == set(COLUMNS) for row in demo_rows(properties=300))


def test_demo_borough_has_the_default_shape():
    rows = demo_rows()

    assert len(rows) == 5200
    assert len({row["uprn"] for row in rows}) == 5200
    assert 140 <= len({row["usrn"] for row in rows}) <= 160
    assert len({row["ward_code"] for row in rows}) == 8
    assert {row["postcode"].split()[0] for row in rows} == {f"WX{n}" for n in range(1, 10)}
    classes = Counter(row["classification"] for row in rows)
    assert classes["RD06"] > 0 and classes["CR08"] + classes["CO01"] > 0
    assert sum(count for code, count in classes.items() if code.startswith("RD")) > 0.9 * len(rows)
    assert any(row["sub_building"] == "Flat 1" for row in rows)


def test_demo_postcodes_each_cover_one_street_and_ten_to_thirty_properties():
    rows = demo_rows()
    streets, sizes = defaultdict(set), Counter()
    for row in rows:
        streets[row["postcode"]].add(row["usrn"])
        sizes[row["postcode"]] += 1
    postcodes_on_street = Counter(usrn for usrns in streets.values() for usrn in usrns)

    assert all(len(usrns) == 1 for usrns in streets.values())
    assert all(size <= 30 for size in sizes.values())
    # Fewer than ten only where a short street has a postcode to itself.
    assert all(size >= 10 or postcodes_on_street[next(iter(streets[code]))] == 1 for code, size in sizes.items())


def test_demo_coordinates_lie_in_the_borough_box():
    rows = demo_rows()

    assert all(SOUTH <= float(row["latitude"]) <= SOUTH + 0.04 for row in rows)
    assert all(WEST <= float(row["longitude"]) <= WEST + 0.06 for row in rows)


@pytest.mark.django_db
def test_build_demo_gazetteer_imports_the_requested_size():
    build_demo_gazetteer(properties=400, seed=11)

    assert Property.objects.count() == 400
    assert Street.objects.count() == round(400 / 35)
    assert Ward.objects.count() <= 8


@pytest.mark.django_db
def test_build_demo_gazetteer_again_changes_nothing():
    build_demo_gazetteer(properties=400, seed=11)
    before = snapshot()

    build_demo_gazetteer(properties=400, seed=11)

    assert snapshot() == before


@pytest.mark.django_db
def test_build_demo_gazetteer_builds_the_same_borough_from_scratch():
    build_demo_gazetteer(properties=400, seed=11)
    first = snapshot()
    Property.objects.all().delete()
    Street.objects.all().delete()
    Ward.objects.all().delete()

    build_demo_gazetteer(properties=400, seed=11)

    assert snapshot() == first


@pytest.mark.django_db
def test_build_demo_gazetteer_at_the_default_size_takes_seconds():
    started = time.perf_counter()

    build_demo_gazetteer()

    assert Property.objects.count() == 5200
    # A generous bound against an accidental per-row query, not a speed target.
    assert time.perf_counter() - started < 30
