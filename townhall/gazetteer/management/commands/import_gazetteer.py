"""`manage.py import_gazetteer FILE [--dry-run]`: load an LLPG/AddressBase-style CSV."""

import collections
import csv
import io
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from townhall.gazetteer.services import COLUMNS, REQUIRED_COLUMNS, Tally, import_gazetteer


class Command(BaseCommand):
    help = "Create or update wards, streets and properties from a gazetteer CSV (see docs/gazetteer-import.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="A UTF-8 CSV file with a header row.")
        parser.add_argument("--dry-run", action="store_true", help="Check and count every row, but save nothing.")

    def handle(self, *args: Any, file: Path, dry_run: bool, **options: Any) -> None:
        try:
            text = file.read_text(encoding="utf-8-sig")  # -sig: spreadsheets often start with a byte-order mark
            # Parse it all once first, so a file broken halfway stops before anything is saved.
            collections.deque(csv.reader(io.StringIO(text)), maxlen=0)
        except (OSError, UnicodeDecodeError, csv.Error) as error:
            raise CommandError(_("Can't read %(file)s: %(error)s") % {"file": file, "error": error}) from error

        reader = csv.DictReader(io.StringIO(text))
        # Exports differ in case and spacing of column names, never in their meaning.
        header = [name.strip().lower() for name in reader.fieldnames or []]
        missing = [column for column in REQUIRED_COLUMNS if column not in header]
        repeated = sorted({name for name in header if header.count(name) > 1})
        if missing:
            raise CommandError(_("The header lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)})
        if repeated:
            raise CommandError(_("The header repeats the columns: %(columns)s.") % {"columns": ", ".join(repeated)})
        reader.fieldnames = header
        if ignored := [name for name in header if name not in COLUMNS]:
            self.stdout.write(_("Ignoring the columns: %(columns)s.") % {"columns": ", ".join(ignored)})

        report = import_gazetteer(rows=reader, dry_run=dry_run)

        tallies = {_("Properties"): report.properties, _("Streets"): report.streets, _("Wards"): report.wards}
        for label, tally in tallies.items():
            self.stdout.write(f"{label}: {_counts(tally)}")
        if report.readdressed:
            self.stdout.write(
                ngettext(
                    "Rewrote the address of %(count)d more property on a renamed street.",
                    "Rewrote the addresses of %(count)d more properties on renamed streets.",
                    report.readdressed,
                )
                % {"count": report.readdressed}
            )
        rejected = len(report.rejections)
        self.stdout.write(
            ngettext("Rejected: %(count)d row.", "Rejected: %(count)d rows.", rejected) % {"count": rejected}
        )
        for rejection in report.rejections:
            self.stdout.write(str(rejection))
        if dry_run:
            self.stdout.write(_("Dry run: nothing was saved."))


def _counts(tally: Tally) -> str:
    return _("%(created)d created, %(updated)d updated, %(unchanged)d unchanged.") % {
        "created": tally.created,
        "updated": tally.updated,
        "unchanged": tally.unchanged,
    }
