"""Loading rounds, properties on rounds and schedule changes from CSV."""

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from townhall.core.models import AuditEvent
from townhall.gazetteer.tests.factories import PropertyFactory
from townhall.waste import importing, selectors
from townhall.waste.models import PropertyRound, Round, ScheduleChange, ScheduleVersion, Stream
from townhall.waste.tests.factories import RoundFactory

pytestmark = pytest.mark.django_db

ROUNDS = """code,name,stream,weekday,frequency_weeks,anchor_date,area,active
ref-tue-a,Rubbish Tuesday A,refuse,Tuesday,2,2026-06-02,north,yes
rec-tue-b,Recycling Tuesday B,Recycling,1,2,2026-06-09,north,
food-tue,Food Tuesday,food,tue,1,2026-06-02,north,true
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(**files: Path) -> str:
    out = StringIO()
    call_command("import_rounds", *[f"--{name}={path}" for name, path in files.items()], stdout=out)
    return out.getvalue()


def version() -> int:
    row = ScheduleVersion.objects.first()
    return row.version if row else 1  # the row starts at 1 when first bumped


@pytest.fixture
def homes():
    return [PropertyFactory(uprn=uprn) for uprn in (990_000_000_101, 990_000_000_102)]


def test_good_rounds_are_created_with_their_weekday_by_name_or_number(tmp_path):
    output = run(rounds=write(tmp_path, "rounds.csv", ROUNDS))

    assert "Rounds: 3 created, 0 updated, 0 unchanged." in output and "Rejected: 0 rows." in output
    rubbish = Round.objects.get(code="ref-tue-a")
    assert (rubbish.stream, rubbish.weekday, rubbish.frequency_weeks) == (Stream.REFUSE, 1, 2)
    assert (rubbish.anchor_date, rubbish.area, rubbish.active) == (dt.date(2026, 6, 2), "north", True)
    assert Round.objects.get(code="rec-tue-b").stream == Stream.RECYCLING
    assert Round.objects.get(code="food-tue").weekday == 1


def test_rejected_rounds_are_reported_with_their_line_and_every_reason(tmp_path):
    rows = (
        "code,name,stream,weekday,frequency_weeks,anchor_date,area,active\n"
        "ok-1,Fine,refuse,Mon,1,2026-06-01,,\n"
        "bad code!,,skips,Funday,0,2026-06-31,,maybe\n"
        "ok-1,Again,refuse,Mon,1,2026-06-01,,\n"
        "wrong-day,Wrong day,food,Tuesday,1,2026-06-03,,\n"
        "short,Too few fields\n"
    )

    output = run(rounds=write(tmp_path, "rounds.csv", rows))

    assert "Rounds: 1 created" in output and "Rejected: 4 rows." in output
    lines = [line for line in output.splitlines() if "rounds.csv line" in line]
    assert lines[0].endswith(
        "line 3: name is missing; code “bad code!” should be letters, digits, hyphens and underscores only; "
        "stream must be one of refuse, recycling, food, garden, not “skips”; "
        "weekday must be a day's name or a number from 0 (Monday) to 6 (Sunday), not “Funday”; "
        "frequency_weeks must be a whole number from 1 to 8, not “0”; "
        "anchor_date must be a date like 2026-06-16, not “2026-06-31”; active must be yes or no, not “maybe”"
    )
    assert lines[1].endswith("line 4: code ok-1 repeats line 2")
    assert lines[2].endswith("line 5: anchor_date 2026-06-03 is a Wednesday, not a Tuesday")
    assert lines[3].endswith("line 6: has fewer fields than the header")
    assert list(Round.objects.values_list("code", flat=True)) == ["ok-1"]


def test_running_the_same_files_again_changes_nothing_and_a_changed_row_updates(tmp_path, homes):
    rounds = write(tmp_path, "rounds.csv", ROUNDS)
    assignments = write(
        tmp_path, "assignments.csv", "uprn,round_code\n990000000101,ref-tue-a\n990000000102,ref-tue-a\n"
    )
    run(rounds=rounds, assignments=assignments)
    before = version()

    again = run(rounds=rounds, assignments=assignments)

    assert "Rounds: 0 created, 0 updated, 3 unchanged." in again
    assert "Properties on rounds: 0 created, 0 updated, 2 unchanged." in again
    assert "Nothing changed" in again and version() == before
    assert Round.objects.count() == 3 and PropertyRound.objects.count() == 2

    renamed = write(
        tmp_path, "renamed.csv", ROUNDS.replace("Rubbish Tuesday A,refuse,Tuesday,2", "Bins A,refuse,Tuesday,1")
    )
    output = run(rounds=renamed)

    assert "Rounds: 0 created, 1 updated, 2 unchanged." in output
    assert Round.objects.values_list("name", "frequency_weeks").get(code="ref-tue-a") == ("Bins A", 1)
    assert version() == before + 1


def test_a_round_serving_properties_cannot_change_its_stream(tmp_path, homes):
    run(rounds=write(tmp_path, "rounds.csv", ROUNDS))
    run(assignments=write(tmp_path, "assignments.csv", "uprn,round_code\n990000000101,ref-tue-a\n"))

    output = run(
        rounds=write(tmp_path, "again.csv", ROUNDS.replace("Rubbish Tuesday A,refuse", "Rubbish Tuesday A,food"))
    )

    assert "line 2: round ref-tue-a collects rubbish from its properties: a round's stream can't change" in output
    assert Round.objects.get(code="ref-tue-a").stream == Stream.REFUSE


def test_assignments_put_properties_on_rounds_one_round_per_stream(tmp_path, homes):
    run(rounds=write(tmp_path, "rounds.csv", ROUNDS))
    RoundFactory(code="ref-wed", stream=Stream.REFUSE, weekday=2)
    rows = (
        "UPRN , Round_Code\n"  # a header in another case and spacing
        "990000000101,ref-tue-a\n"
        "990000000101,rec-tue-b\n"
        "990000000101,food-tue\n"
        "990000000101,ref-wed\n"
        "990000099999,ref-tue-a\n"
        "990000000102,no-such-round\n"
        "twelve,ref-tue-a\n"
        "990000000102,food-tue\n"
    )

    output = run(assignments=write(tmp_path, "assignments.csv", rows))

    assert "Properties on rounds: 4 created, 0 updated, 0 unchanged." in output and "Rejected: 4 rows." in output
    assert "assignments.csv line 5: uprn 990000000101 is already on a rubbish round on line 2" in output
    assert "assignments.csv line 6: there is no property with uprn 990000099999" in output
    assert "assignments.csv line 7: there is no round no-such-round" in output
    assert "assignments.csv line 8: uprn must be a whole number from 1 to 999999999999, not “twelve”" in output
    first = PropertyRound.objects.filter(property=homes[0])
    assert sorted(first.values_list("stream", "round__code")) == [
        ("food", "food-tue"),
        ("recycling", "rec-tue-b"),
        ("refuse", "ref-tue-a"),
    ]


def test_an_assignment_to_another_round_of_the_stream_moves_the_property(tmp_path, homes):
    run(rounds=write(tmp_path, "rounds.csv", ROUNDS))
    RoundFactory(code="ref-wed", stream=Stream.REFUSE, weekday=2)
    run(assignments=write(tmp_path, "a.csv", "uprn,round_code\n990000000101,ref-tue-a\n"))

    output = run(assignments=write(tmp_path, "b.csv", "uprn,round_code\n990000000101,ref-wed\n"))

    assert "Properties on rounds: 0 created, 1 updated, 0 unchanged." in output
    place = PropertyRound.objects.get(property=homes[0])
    assert (place.round.code, place.stream) == ("ref-wed", Stream.REFUSE)


def test_schedule_changes_move_or_cancel_collections_of_one_round_or_all(tmp_path):
    run(rounds=write(tmp_path, "rounds.csv", ROUNDS))
    rows = (
        "round_code,original_date,new_date,reason\n"
        "ref-tue-a,2026-06-16,2026-06-17,Crew training\n"
        ",2026-12-25,2026-12-29,Christmas Day\n"
        "food-tue,2026-06-23,,Strike\n"
    )

    output = run(changes=write(tmp_path, "changes.csv", rows))

    assert "Schedule changes: 3 created" in output
    found = {
        (change.round.code if change.round else "", change.original_date): (change.new_date, change.reason)
        for change in ScheduleChange.objects.select_related("round")
    }
    assert found == {
        ("ref-tue-a", dt.date(2026, 6, 16)): (dt.date(2026, 6, 17), "Crew training"),
        ("", dt.date(2026, 12, 25)): (dt.date(2026, 12, 29), "Christmas Day"),
        ("food-tue", dt.date(2026, 6, 23)): (None, "Strike"),
    }

    again = run(changes=write(tmp_path, "again.csv", rows.replace("Christmas Day", "Christmas")))
    assert "Schedule changes: 0 created, 1 updated, 2 unchanged." in again
    assert ScheduleChange.objects.count() == 3


def test_rejected_schedule_changes_say_why(tmp_path):
    run(rounds=write(tmp_path, "rounds.csv", ROUNDS))
    rows = (
        "round_code,original_date,new_date,reason\n"
        "ref-tue-a,2026-06-09,,Not its week\n"
        "food-tue,2026-06-16,2026-06-16,Same day\n"
        "food-tue,2026-06-23,2026-07-23,Too far\n"
        "nope,16/06/2026,,\n"
        ",2026-12-25,,Christmas\n"
        ",2026-12-25,,Christmas again\n"
    )

    output = run(changes=write(tmp_path, "changes.csv", rows))

    assert "Schedule changes: 1 created" in output and "Rejected: 5 rows." in output
    assert "line 2: round ref-tue-a does not collect on 2026-06-09 (a Tuesday): give the usual collection day" in output
    assert "line 3: new_date is the same as original_date: leave it blank to cancel the collection" in output
    assert "line 4: new_date must be within 7 days of original_date" in output
    assert (
        "line 5: reason is missing; there is no round nope; "
        "original_date must be a date like 2026-06-16, not “16/06/2026”" in output
    )
    assert "line 7: round_code and original_date repeat line 6" in output


def test_one_import_bumps_the_schedule_version_once_and_shows_at_once(
    tmp_path, homes, django_capture_on_commit_callbacks
):
    before = version()

    with django_capture_on_commit_callbacks(execute=True):
        output = run(
            rounds=write(tmp_path, "rounds.csv", ROUNDS),
            assignments=write(tmp_path, "assignments.csv", "uprn,round_code\n990000000101,food-tue\n"),
            changes=write(
                tmp_path, "changes.csv", "round_code,original_date,new_date,reason\nfood-tue,2026-06-16,,Strike\n"
            ),
        )

    assert version() == before + 1 and f"Schedule version is now {before + 1}" in output
    (food,) = selectors.bin_days(homes[0], today=dt.date(2026, 6, 10))
    assert food.upcoming[0].cancelled and food.next.date == dt.date(2026, 6, 23)


def test_each_file_is_audited(tmp_path, homes):
    run(
        rounds=write(tmp_path, "rounds.csv", ROUNDS),
        assignments=write(tmp_path, "assignments.csv", "uprn,round_code\n990000000101,food-tue\nx,food-tue\n"),
    )

    events = AuditEvent.objects.filter(action="waste.rounds_imported").order_by("id")
    assert [event.data for event in events] == [
        {"file": "rounds", "created": 3, "updated": 0, "unchanged": 0, "rejected": 0},
        {"file": "assignments", "created": 1, "updated": 0, "unchanged": 0, "rejected": 1},
    ]


def test_a_file_without_its_required_columns_stops_before_anything_is_saved(tmp_path):
    rounds = write(tmp_path, "rounds.csv", ROUNDS)
    bad = write(tmp_path, "assignments.csv", "uprn,round\n1,x\n")

    with pytest.raises(CommandError, match=r"assignments\.csv: the header lacks the columns: round_code"):
        run(rounds=rounds, assignments=bad)

    assert not Round.objects.exists()


def test_the_command_needs_a_file(tmp_path):
    with pytest.raises(CommandError, match="Give at least one of"):
        run()


def test_the_importer_takes_rows_as_dicts_too(homes):
    report = importing.import_rounds(
        rounds=[
            {
                "code": "ref-mon",
                "name": "Monday rubbish",
                "stream": "refuse",
                "weekday": "0",
                "frequency_weeks": "1",
                "anchor_date": "2026-06-01",
            }
        ],
        assignments=[{"uprn": "990000000102", "round_code": "ref-mon"}],
    )

    assert report.rounds.tally.created == 1 and report.assignments.tally.created == 1
    assert report.version is not None
