import csv
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from townhall.gazetteer.models import Property
from townhall.gazetteer.services import COLUMNS
from townhall.gazetteer.tests.factories import gazetteer_row, gazetteer_rows

pytestmark = pytest.mark.django_db


def write_csv(path: Path, rows: list[dict[str, str]], header: tuple[str, ...] | list[str] = COLUMNS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_gazetteer", *args, stdout=out)
    return out.getvalue()


def test_command_prints_counts_and_each_rejection(tmp_path):
    rows = [*gazetteer_rows(3), gazetteer_row(uprn="990000000200", postcode="WX1")]
    path = write_csv(tmp_path / "gazetteer.csv", rows)

    output = run(str(path))

    assert output.splitlines() == [
        "Properties: 3 created, 0 updated, 0 unchanged.",
        "Streets: 1 created, 0 updated, 0 unchanged.",
        "Wards: 1 created, 0 updated, 0 unchanged.",
        "Rejected: 1 row.",
        "line 5: postcode “WX1” is not a UK postcode",
    ]
    assert Property.objects.count() == 3


def test_command_run_twice_reports_everything_unchanged(tmp_path):
    path = write_csv(tmp_path / "gazetteer.csv", gazetteer_rows(2))
    run(str(path))

    output = run(str(path))

    assert "Properties: 0 created, 0 updated, 2 unchanged." in output.splitlines()
    assert Property.objects.count() == 2


def test_command_dry_run_saves_nothing(tmp_path):
    path = write_csv(tmp_path / "gazetteer.csv", gazetteer_rows(2))

    output = run(str(path), "--dry-run")

    assert output.splitlines()[0] == "Properties: 2 created, 0 updated, 0 unchanged."
    assert output.splitlines()[-1] == "Dry run: nothing was saved."
    assert not Property.objects.exists()


def test_command_accepts_a_spreadsheet_header_in_capitals_with_extra_columns(tmp_path):
    header = [column.upper() for column in COLUMNS]
    rows = [{column.upper(): value for column, value in good.items()} | {"NOTES": "x"} for good in gazetteer_rows(2)]
    path = tmp_path / "gazetteer.csv"
    write_csv(path, rows, header=[*header, "NOTES"])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # a byte-order mark

    output = run(str(path))

    assert output.splitlines()[0] == "Ignoring the columns: notes."
    assert Property.objects.count() == 2


def test_command_accepts_a_header_without_optional_columns(tmp_path):
    header = ["uprn", "usrn", "street_name", "town", "building_number", "postcode"]
    header += ["ward_code", "ward_name", "latitude", "longitude"]
    path = write_csv(tmp_path / "gazetteer.csv", gazetteer_rows(1), header=header)

    run(str(path))

    assert Property.objects.get().single_line == "1 Alder Road, Wexmoor, WX1 2AB"


def test_command_fails_when_the_file_is_missing(tmp_path):
    with pytest.raises(CommandError, match="Can't read") as error:
        run(str(tmp_path / "missing.csv"))

    assert error.value.returncode == 1


def test_command_fails_on_a_file_that_is_not_utf8_and_saves_nothing(tmp_path):
    path = write_csv(tmp_path / "gazetteer.csv", gazetteer_rows(2))
    path.write_bytes(path.read_bytes() + "990000000300,99000011,Zoë Road\n".encode("latin-1"))

    with pytest.raises(CommandError, match="Can't read"):
        run(str(path))

    assert not Property.objects.exists()


@pytest.mark.parametrize(
    ("header", "message"),
    [
        pytest.param([], "The header lacks the columns: uprn, usrn, street_name", id="empty file"),
        pytest.param(
            [column for column in COLUMNS if column != "postcode"],
            "The header lacks the columns: postcode.",
            id="a column missing",
        ),
        pytest.param([*COLUMNS, "UPRN"], "The header repeats the columns: uprn.", id="a column twice"),
    ],
)
def test_command_fails_on_a_wrong_header_and_saves_nothing(tmp_path, header, message):
    path = write_csv(tmp_path / "gazetteer.csv", gazetteer_rows(1) if header else [], header=header)

    with pytest.raises(CommandError, match=message):
        run(str(path))

    assert not Property.objects.exists()


def test_documented_example_imports_without_rejections(tmp_path):
    guide = (settings.BASE_DIR / "docs" / "gazetteer-import.md").read_text()
    example = guide.split("```csv\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.csv"
    path.write_text(example)

    output = run(str(path))

    assert "Properties: 4 created, 0 updated, 0 unchanged." in output
    assert "Rejected: 0 rows." in output


def test_command_counts_addresses_rewritten_by_a_street_rename(tmp_path):
    run(str(write_csv(tmp_path / "before.csv", gazetteer_rows(3))))
    renamed = write_csv(tmp_path / "renamed.csv", gazetteer_rows(1, street_name="Alder Avenue"))

    output = run(str(renamed))

    assert "Properties: 0 created, 1 updated, 0 unchanged." in output.splitlines()
    assert "Rewrote the addresses of 2 more properties on renamed streets." in output.splitlines()
