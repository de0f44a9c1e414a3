"""`manage.py import_rounds [--rounds FILE] [--assignments FILE] [--changes FILE]`: load
rounds, which round serves each property, and schedule changes from CSV files."""

import collections
import csv
import io
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from townhall.waste import importing

FILES = {
    "rounds": (importing.ROUND_COLUMNS, importing.ROUND_REQUIRED),
    "assignments": (importing.ASSIGNMENT_COLUMNS, importing.ASSIGNMENT_REQUIRED),
    "changes": (importing.CHANGE_COLUMNS, importing.CHANGE_REQUIRED),
}


class Command(BaseCommand):
    help = (
        "Create or update waste rounds, the properties on them and changes to collection days "
        "from CSV files (see docs/waste-rounds-import.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rounds", type=Path, help="Rounds: code, name, stream, weekday, frequency_weeks, …")
        parser.add_argument("--assignments", type=Path, help="Which round serves each property: uprn, round_code.")
        parser.add_argument(
            "--changes", type=Path, help="Moved or cancelled collections: round_code, original_date, new_date, reason."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        given = {name: options[name] for name in FILES if options[name] is not None}
        if not given:
            raise CommandError(_("Give at least one of --rounds, --assignments and --changes."))
        # Every file read and its header checked before anything is saved.
        readers = {name: _reader(path, *FILES[name]) for name, path in given.items()}
        for name, reader in readers.items():
            if ignored := [column for column in reader.fieldnames or [] if column not in FILES[name][0]]:
                self.stdout.write(
                    _("%(file)s: ignoring the columns: %(columns)s.")
                    % {"file": given[name], "columns": ", ".join(ignored)}
                )

        report = importing.import_rounds(**readers)

        labels = {"rounds": _("Rounds"), "assignments": _("Properties on rounds"), "changes": _("Schedule changes")}
        for name, file in report.files.items():
            tally = file.tally
            self.stdout.write(
                _("%(label)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
                % {
                    "label": labels[name],
                    "created": tally.created,
                    "updated": tally.updated,
                    "unchanged": tally.unchanged,
                }
            )
            rejected = len(file.rejections)
            self.stdout.write(
                ngettext("Rejected: %(count)d row.", "Rejected: %(count)d rows.", rejected) % {"count": rejected}
            )
            for rejection in file.rejections:
                self.stdout.write(f"{given[name]} {rejection}")
        if report.version is None:
            self.stdout.write(_("Nothing changed: bin days stay as they were."))
        else:
            self.stdout.write(
                _("Schedule version is now %(version)d: bin days show the changes.") % {"version": report.version}
            )


def _reader(path: Path, columns: tuple[str, ...], required: tuple[str, ...]) -> csv.DictReader:
    try:
        text = path.read_text(encoding="utf-8-sig")  # -sig: spreadsheets often start with a byte-order mark
        # Parse it all once first, so a file broken halfway stops before anything is saved.
        collections.deque(csv.reader(io.StringIO(text)), maxlen=0)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise CommandError(_("Can't read %(file)s: %(error)s") % {"file": path, "error": error}) from error
    reader = csv.DictReader(io.StringIO(text))
    # Exports differ in case and spacing of column names, never in their meaning.
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [column for column in required if column not in header]
    repeated = sorted({name for name in header if header.count(name) > 1})
    if missing:
        raise CommandError(
            _("%(file)s: the header lacks the columns: %(columns)s.") % {"file": path, "columns": ", ".join(missing)}
        )
    if repeated:
        raise CommandError(
            _("%(file)s: the header repeats the columns: %(columns)s.") % {"file": path, "columns": ", ".join(repeated)}
        )
    reader.fieldnames = header
    return reader
