import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from townhall.core.models import AuditEvent
from townhall.gazetteer.models import Property, Street, Ward
from townhall.gazetteer.services import COLUMNS, Tally, import_gazetteer
from townhall.gazetteer.tests.factories import gazetteer_row, gazetteer_rows

pytestmark = pytest.mark.django_db


def snapshot() -> list[tuple]:
    return list(
        Property.objects.order_by("uprn").values_list(
            "uprn", "street__usrn", "street__name", "ward__code", "building_number", "postcode", "single_line"
        )
    )


def test_import_creates_wards_streets_and_properties():
    report = import_gazetteer(
        rows=[*gazetteer_rows(3), gazetteer_row(uprn="990000000200", usrn="99000012", street_name="Bramble Lane")]
    )

    assert report.properties == Tally(created=4)
    assert report.streets == Tally(created=2)
    assert report.wards == Tally(created=1)
    assert report.rejections == []
    place = Property.objects.select_related("street", "ward").get(uprn=990000000101)
    assert (place.street.usrn, place.street.name, place.ward.code, place.ward.name) == (
        99000011,
        "Alder Road",
        "WXM01",
        "Ashby Green",
    )
    assert (place.latitude, place.longitude, place.classification) == (
        Decimal("51.412351"),
        Decimal("-0.209474"),
        "RD04",
    )


def test_import_builds_the_one_line_address_and_tidies_values():
    import_gazetteer(
        rows=[
            gazetteer_row(
                sub_building=" Flat 2 ",
                building_name="Larch House",
                building_number="3",
                postcode=" wx12ab",
                classification="rd06",
                latitude="51.4",
            )
        ]
    )

    place = Property.objects.get()
    assert place.single_line == "Flat 2, Larch House, 3 Alder Road, Ashby Green, Wexmoor, WX1 2AB"
    assert (place.postcode, place.classification, place.latitude) == ("WX1 2AB", "RD06", Decimal("51.400000"))


def test_reimport_updates_without_duplicating():
    import_gazetteer(rows=gazetteer_rows(3))

    report = import_gazetteer(
        rows=[
            gazetteer_row(uprn="990000000101", building_number="1", classification="RD03"),
            gazetteer_row(uprn="990000000102", building_number="2"),
            gazetteer_row(uprn="990000000103", building_number="3", postcode="WX1 2AD"),
            gazetteer_row(uprn="990000000104", building_number="4"),
        ]
    )

    assert report.properties == Tally(created=1, updated=2, unchanged=1)
    assert report.streets == Tally(unchanged=1)
    assert report.wards == Tally(unchanged=1)
    assert Property.objects.count() == 4
    assert (Street.objects.count(), Ward.objects.count()) == (1, 1)
    assert Property.objects.get(uprn=990000000101).classification == "RD03"
    assert Property.objects.get(uprn=990000000103).single_line.endswith("WX1 2AD")


def test_reimporting_the_same_file_changes_nothing():
    rows = gazetteer_rows(5)
    import_gazetteer(rows=rows)
    before, events = snapshot(), AuditEvent.objects.count()

    report = import_gazetteer(rows=rows)

    assert report.properties == Tally(unchanged=5)
    assert report.streets == Tally(unchanged=1)
    assert snapshot() == before
    assert AuditEvent.objects.count() == events


def test_reimport_renames_streets_and_wards_in_place():
    import_gazetteer(rows=gazetteer_rows(2))

    report = import_gazetteer(rows=gazetteer_rows(2, street_name="Alder Avenue", ward_name="Ashby Green North"))

    assert report.streets == Tally(updated=1)
    assert report.wards == Tally(updated=1)
    assert report.properties == Tally(updated=2)
    assert list(Street.objects.values_list("usrn", "name")) == [(99000011, "Alder Avenue")]
    assert list(Ward.objects.values_list("code", "name")) == [("WXM01", "Ashby Green North")]


def test_renaming_a_street_rewrites_addresses_the_file_leaves_out():
    import_gazetteer(rows=gazetteer_rows(3))

    report = import_gazetteer(rows=gazetteer_rows(1, street_name="Alder Avenue"))

    assert report.properties == Tally(updated=1)
    assert report.readdressed == 2
    assert [line.split(",")[0] for line in Property.objects.order_by("uprn").values_list("single_line", flat=True)] == [
        "1 Alder Avenue",
        "2 Alder Avenue",
        "3 Alder Avenue",
    ]


def test_dry_run_counts_the_addresses_a_street_rename_would_rewrite():
    import_gazetteer(rows=gazetteer_rows(3))
    before = snapshot()

    report = import_gazetteer(rows=gazetteer_rows(1, street_name="Alder Avenue"), dry_run=True)

    assert report.readdressed == 2
    assert snapshot() == before


def test_moving_a_property_to_another_street_and_ward_updates_it():
    import_gazetteer(rows=gazetteer_rows(1))

    report = import_gazetteer(
        rows=[gazetteer_row(usrn="99000012", street_name="Bramble Lane", ward_code="WXM02", ward_name="Brindle Heath")]
    )

    assert report.properties == Tally(updated=1)
    place = Property.objects.select_related("street", "ward").get()
    assert (place.street.usrn, place.ward.code) == (99000012, "WXM02")
    assert place.single_line.startswith("1 Bramble Lane")


BAD_ROWS = [
    pytest.param({"uprn": ""}, "uprn is missing", id="uprn missing"),
    pytest.param({"uprn": "12a"}, "uprn must be a whole number from 1 to 999999999999, not “12a”", id="uprn text"),
    pytest.param({"uprn": "0"}, "uprn must be a whole number from 1 to 999999999999, not “0”", id="uprn zero"),
    pytest.param({"uprn": "-5"}, "uprn must be a whole number from 1 to 999999999999, not “-5”", id="uprn negative"),
    pytest.param({"uprn": "1.5"}, "uprn must be a whole number from 1 to 999999999999, not “1.5”", id="uprn decimal"),
    pytest.param(
        {"uprn": "1000000000000"},
        "uprn must be a whole number from 1 to 999999999999, not “1000000000000”",
        id="uprn too long",
    ),
    pytest.param({"usrn": "road"}, "usrn must be a whole number from 1 to 99999999, not “road”", id="usrn text"),
    pytest.param({"street_name": " "}, "street_name is missing", id="street name missing"),
    pytest.param({"town": ""}, "town is missing", id="town missing"),
    pytest.param({"ward_code": ""}, "ward_code is missing", id="ward code missing"),
    pytest.param({"ward_name": ""}, "ward_name is missing", id="ward name missing"),
    pytest.param({"postcode": ""}, "postcode is missing", id="postcode missing"),
    pytest.param({"postcode": "WX1"}, "postcode “WX1” is not a UK postcode", id="postcode outward only"),
    pytest.param({"postcode": "12345"}, "postcode “12345” is not a UK postcode", id="postcode digits"),
    pytest.param({"postcode": "WX1-2AB"}, "postcode “WX1-2AB” is not a UK postcode", id="postcode punctuation"),
    pytest.param({"latitude": ""}, "latitude is missing", id="latitude missing"),
    pytest.param({"latitude": "north"}, "latitude must be a number, not “north”", id="latitude text"),
    pytest.param({"latitude": "NaN"}, "latitude must be a number, not “NaN”", id="latitude nan"),
    pytest.param(
        {"latitude": "0"}, "latitude 0 is outside the United Kingdom (49 to 61)", id="latitude outside the UK"
    ),
    pytest.param(
        {"longitude": "51.41"}, "longitude 51.41 is outside the United Kingdom (-9 to 2)", id="longitude swapped"
    ),
    pytest.param(
        {"building_number": "", "building_name": ""},
        "needs a building_number or a building_name",
        id="no building number or name",
    ),
    pytest.param(
        {"building_number": "1" * 21}, "building_number is longer than 20 characters", id="building number too long"
    ),
    pytest.param(
        {"classification": "RD-04"},
        "classification “RD-04” should be letters and digits only",
        id="classification shape",
    ),
    pytest.param(
        {"sub_building": "F" * 120, "building_name": "B" * 120, "building_number": "1" * 20},
        "the whole address is longer than 300 characters",
        id="address too long",
    ),
]


@pytest.mark.parametrize(("changes", "reason"), BAD_ROWS)
def test_rejects_a_bad_row_with_its_line_and_reason(changes, reason):
    rows = [gazetteer_row(uprn="990000000001"), gazetteer_row(**changes), gazetteer_row(uprn="990000000003")]

    report = import_gazetteer(rows=rows)

    assert [(rejection.line, rejection.reasons) for rejection in report.rejections] == [(3, (reason,))]
    assert str(report.rejections[0]) == f"line 3: {reason}"
    assert sorted(Property.objects.values_list("uprn", flat=True)) == [990000000001, 990000000003]


def test_rejection_lists_every_problem_with_the_row():
    report = import_gazetteer(rows=[gazetteer_row(uprn="x", postcode="nowhere", town="")])

    assert report.rejections[0].reasons == (
        "town is missing",
        "uprn must be a whole number from 1 to 999999999999, not “x”",
        "postcode “nowhere” is not a UK postcode",
    )


def test_rejects_a_repeated_uprn_and_keeps_the_first():
    report = import_gazetteer(rows=[gazetteer_row(building_number="1"), gazetteer_row(building_number="2")])

    assert [str(rejection) for rejection in report.rejections] == ["line 3: uprn 990000000101 repeats line 2"]
    assert Property.objects.get().building_number == "1"


def test_rejects_a_row_whose_street_disagrees_with_an_earlier_row():
    report = import_gazetteer(rows=[*gazetteer_rows(1), *gazetteer_rows(1, start=2, street_name="Alder Rd")])

    assert [str(rejection) for rejection in report.rejections] == [
        "line 3: usrn 99000011 is “Alder Road, Ashby Green, Wexmoor” on line 2, not “Alder Rd, Ashby Green, Wexmoor”"
    ]
    assert Street.objects.get().name == "Alder Road"


def test_rejects_a_row_whose_ward_disagrees_with_an_earlier_row():
    report = import_gazetteer(rows=[*gazetteer_rows(1), *gazetteer_rows(1, start=2, ward_name="Ashby")])

    assert [str(rejection) for rejection in report.rejections] == [
        "line 3: ward_code WXM01 is “Ashby Green” on line 2, not “Ashby”"
    ]


def test_a_rejected_row_leaves_no_street_or_ward_behind():
    report = import_gazetteer(rows=[gazetteer_row(usrn="99000077", ward_code="WXM09", postcode="nowhere")])

    assert len(report.rejections) == 1
    assert (Street.objects.count(), Ward.objects.count(), Property.objects.count()) == (0, 0, 0)


def test_a_bad_row_in_a_batch_does_not_stop_the_good_rows_around_it():
    rows = gazetteer_rows(5)
    rows[2]["latitude"] = "high"

    report = import_gazetteer(rows=rows, batch_size=2)

    assert [rejection.line for rejection in report.rejections] == [4]
    assert report.properties == Tally(created=4)
    assert Property.objects.count() == 4


def test_csv_reader_rows_are_numbered_by_their_line_in_the_file():
    lines = [
        ",".join(COLUMNS),
        ",".join(gazetteer_row().values()),
        "",  # a blank line, which the reader skips
        ",".join(gazetteer_row(uprn="990000000102", building_name='"Larch\nHouse"', postcode="bad").values()),
        ",".join(gazetteer_row(uprn="990000000103", postcode="worse").values()) + ",surplus",
        "990000000104,99000011",
    ]
    text = "\n".join(lines) + "\n"

    report = import_gazetteer(rows=csv.DictReader(io.StringIO(text)))

    assert [(rejection.line, rejection.reasons[0]) for rejection in report.rejections] == [
        (5, "postcode “bad” is not a UK postcode"),
        (6, "has more fields than the header"),
        (7, "has fewer fields than the header"),
    ]


def test_dry_run_counts_as_a_real_run_but_writes_nothing():
    import_gazetteer(rows=gazetteer_rows(2))
    before, events = snapshot(), AuditEvent.objects.count()
    rows = [
        *gazetteer_rows(1, classification="RD02"),
        gazetteer_row(
            uprn="990000000300", usrn="99000013", street_name="Cobnut Way", ward_code="WXM02", ward_name="Brindle"
        ),
        gazetteer_row(uprn="bad"),
    ]

    report = import_gazetteer(rows=rows, dry_run=True)

    assert report.dry_run
    assert report.properties == Tally(created=1, updated=1)
    assert report.streets == Tally(created=1, unchanged=1)
    assert report.wards == Tally(created=1, unchanged=1)
    assert len(report.rejections) == 1
    assert snapshot() == before
    assert (Street.objects.count(), Ward.objects.count(), AuditEvent.objects.count()) == (1, 1, events)


def test_each_batch_is_saved_with_one_audit_event():
    import_gazetteer(rows=gazetteer_rows(5), batch_size=2)

    events = list(AuditEvent.objects.filter(action="gazetteer.imported").order_by("id"))
    assert [event.data["lines"] for event in events] == [[2, 3], [4, 5], [6, 6]]
    assert events[0].data["properties_created"] == 2
    assert events[0].data["streets_created"] == 1
    assert events[0].actor_label == "anonymous or system"


def test_import_queries_do_not_grow_with_the_rows_in_a_batch():
    def queries_to_import(count: int, start: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            import_gazetteer(rows=gazetteer_rows(count, start=start), batch_size=count)
        return len(queries)

    # A first import creates the street and ward, so compare two later ones.
    queries_to_import(1, start=1)

    assert queries_to_import(10, start=100) == queries_to_import(200, start=1000)
