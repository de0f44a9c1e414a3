"""Loading rounds, which properties each round serves, and the council's schedule changes
from the CSV files a council's round-planning system exports (docs/waste-rounds-import.md).

Like the gazetteer's importer, each row is checked in full before it is saved, so a
rejected row never half-saves and is reported with its line number and every reason.
Each file is saved in one transaction with its audit event; rows already there are
updated in place (rounds by code, a property's round by its stream, changes by round and
date), so importing the same files twice changes nothing. Nothing is ever deleted. The
schedule's version is bumped once at the end if anything changed, so every cached bin
day is stale from then on, and only then.
"""

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from townhall.core import audit
from townhall.gazetteer.models import Property
from townhall.gazetteer.services import MAX_UPRN, Rejection, Tally
from townhall.waste import schedule, services
from townhall.waste.models import PropertyRound, Round, ScheduleChange, Stream

ROUND_COLUMNS = ("code", "name", "stream", "weekday", "frequency_weeks", "anchor_date", "area", "active")
ROUND_REQUIRED = ("code", "name", "stream", "weekday", "frequency_weeks", "anchor_date")
ASSIGNMENT_COLUMNS = ("uprn", "round_code")
ASSIGNMENT_REQUIRED = ASSIGNMENT_COLUMNS
CHANGE_COLUMNS = ("round_code", "original_date", "new_date", "reason")
CHANGE_REQUIRED = ("original_date", "reason")

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_FREQUENCY_WEEKS = 8
# schedule.collections finds a collection moved by up to a week into or out of a window.
MAX_MOVE_DAYS = 7
TRUE_WORDS = {"", "true", "yes", "y", "1"}  # blank: a round is active unless the file says not
FALSE_WORDS = {"false", "no", "n", "0"}
SLUG = re.compile(r"[-a-zA-Z0-9_]+")
WHOLE_NUMBER = re.compile(r"[0-9]+")
BATCH_SIZE = 2000

MAX_LENGTHS = {
    "code": Round._meta.get_field("code").max_length,
    "name": Round._meta.get_field("name").max_length,
    "area": Round._meta.get_field("area").max_length,
    "reason": ScheduleChange._meta.get_field("reason").max_length,
}
ROUND_FIELDS = ("name", "stream", "weekday", "frequency_weeks", "anchor_date", "area", "active")


@dataclass
class FileReport:
    """What one file did: rows created, updated and unchanged, and the rows rejected."""

    tally: Tally = field(default_factory=Tally)
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.tally.created or self.tally.updated)


@dataclass
class RoundsImport:
    rounds: FileReport | None = None
    assignments: FileReport | None = None
    changes: FileReport | None = None
    # The schedule's version after the import; None when nothing changed and it was left alone.
    version: int | None = None

    @property
    def files(self) -> dict[str, FileReport]:
        found = {"rounds": self.rounds, "assignments": self.assignments, "changes": self.changes}
        return {name: report for name, report in found.items() if report is not None}


class _Rejected(Exception):
    def __init__(self, *reasons: str) -> None:
        super().__init__(reasons)
        self.reasons = tuple(reasons)


Rows = Iterable[Mapping[str, str | None]]


def import_rounds(
    *,
    rounds: Rows | None = None,
    assignments: Rows | None = None,
    changes: Rows | None = None,
    by: AbstractBaseUser | None = None,
) -> RoundsImport:
    """Load any of the three files (rows as dicts keyed by their columns, e.g. a
    `csv.DictReader`), rounds first, since the others name them by code."""
    report = RoundsImport()
    if rounds is not None:
        report.rounds = _import_round_rows(rounds, by)
    if assignments is not None:
        report.assignments = _import_assignment_rows(assignments, by)
    if changes is not None:
        report.changes = _import_change_rows(changes, by)
    if any(file.changed for file in report.files.values()):
        report.version = services.bump_schedule_version()
    return report


# Rounds


def _import_round_rows(rows: Rows, by: AbstractBaseUser | None) -> FileReport:
    report = FileReport()
    stored = {round_.code: round_ for round_ in Round.objects.order_by()}
    serving = set(PropertyRound.objects.order_by().values_list("round_id", flat=True).distinct())
    lines: dict[str, int] = {}
    new, changed = [], []
    for line, raw in _numbered(rows):
        try:
            values = _parse_round(_text(raw, ROUND_COLUMNS, ROUND_REQUIRED))
            code = values.pop("code")
            if code in lines:
                raise _Rejected(_("code %(code)s repeats line %(line)d") % {"code": code, "line": lines[code]})
            existing = stored.get(code)
            if existing is not None and existing.stream != values["stream"] and existing.pk in serving:
                raise _Rejected(
                    _("round %(code)s collects %(stream)s from its properties: a round's stream can't change")
                    % {"code": code, "stream": existing.get_stream_display().lower()}
                )
        except _Rejected as rejected:
            report.rejections.append(Rejection(line=line, reasons=rejected.reasons))
            continue
        lines[code] = line
        if existing is None:
            new.append(Round(code=code, **values))
            report.tally.created += 1
        elif any(getattr(existing, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(existing, name, value)
            changed.append(existing)
            report.tally.updated += 1
        else:
            report.tally.unchanged += 1
    with transaction.atomic():
        Round.objects.bulk_create(new)
        Round.objects.bulk_update(changed, ROUND_FIELDS)
        _audit(by, "rounds", report)
    return report


def _parse_round(text: dict[str, str]) -> dict:
    reasons = _missing_and_long(text, ROUND_REQUIRED)
    if text["code"] and not SLUG.fullmatch(text["code"]):
        reasons.append(
            _("code “%(value)s” should be letters, digits, hyphens and underscores only") % {"value": text["code"]}
        )
    stream = _stream(text["stream"], reasons)
    weekday = _weekday(text["weekday"], reasons)
    frequency = text["frequency_weeks"]
    if frequency and not (WHOLE_NUMBER.fullmatch(frequency) and 1 <= int(frequency) <= MAX_FREQUENCY_WEEKS):
        reasons.append(
            _("frequency_weeks must be a whole number from 1 to %(maximum)d, not “%(value)s”")
            % {"maximum": MAX_FREQUENCY_WEEKS, "value": frequency}
        )
    anchor = _date(text, "anchor_date", reasons)
    if anchor is not None and weekday is not None and anchor.weekday() != weekday:
        reasons.append(
            _("anchor_date %(date)s is a %(actual)s, not a %(weekday)s")
            % {
                "date": anchor.isoformat(),
                "actual": WEEKDAYS[anchor.weekday()].title(),
                "weekday": WEEKDAYS[weekday].title(),
            }
        )
    active = text["active"].lower()
    if active not in TRUE_WORDS | FALSE_WORDS:
        reasons.append(_("active must be yes or no, not “%(value)s”") % {"value": text["active"]})
    if reasons:
        raise _Rejected(*reasons)
    return {
        "code": text["code"],
        "name": text["name"],
        "stream": stream,
        "weekday": weekday,
        "frequency_weeks": int(frequency),
        "anchor_date": anchor,
        "area": text["area"],
        "active": active in TRUE_WORDS,
    }


def _stream(value: str, reasons: list[str]) -> str:
    """A stream by its code or its name, in any case: `refuse` or `Rubbish`."""
    for stream in Stream:
        if value.casefold() in (stream.value, str(stream.label).casefold()):
            return stream.value
    if value:
        reasons.append(
            _("stream must be one of %(streams)s, not “%(value)s”")
            % {"streams": ", ".join(Stream.values), "value": value}
        )
    return ""


def _weekday(value: str, reasons: list[str]) -> int | None:
    """A weekday by name (`Tuesday`, `tue`) or number (0 Monday to 6 Sunday)."""
    if WHOLE_NUMBER.fullmatch(value) and int(value) <= 6:
        return int(value)
    lowered = value.lower()
    for number, name in enumerate(WEEKDAYS):
        if len(lowered) >= 3 and name.startswith(lowered):
            return number
    if value:
        reasons.append(
            _("weekday must be a day's name or a number from 0 (Monday) to 6 (Sunday), not “%(value)s”")
            % {"value": value}
        )
    return None


# Which round serves each property


def _import_assignment_rows(rows: Rows, by: AbstractBaseUser | None) -> FileReport:
    report = FileReport()
    rounds = {round_.code: round_ for round_ in Round.objects.order_by()}
    lines: dict[tuple[int, str], int] = {}
    batch: list[tuple[int, int, Round]] = []  # (line, uprn, round)
    with transaction.atomic():
        for line, raw in _numbered(rows):
            try:
                uprn, round_ = _parse_assignment(_text(raw, ASSIGNMENT_COLUMNS, ASSIGNMENT_REQUIRED), rounds)
                if (uprn, round_.stream) in lines:
                    raise _Rejected(
                        _("uprn %(uprn)d is already on a %(stream)s round on line %(line)d")
                        % {
                            "uprn": uprn,
                            "stream": round_.get_stream_display().lower(),
                            "line": lines[uprn, round_.stream],
                        }
                    )
            except _Rejected as rejected:
                report.rejections.append(Rejection(line=line, reasons=rejected.reasons))
                continue
            lines[uprn, round_.stream] = line
            batch.append((line, uprn, round_))
            if len(batch) >= BATCH_SIZE:
                _write_assignments(batch, report)
                batch = []
        if batch:
            _write_assignments(batch, report)
        _audit(by, "assignments", report)
    # Unknown UPRNs are found a batch at a time, after the rows rejected on their own.
    report.rejections.sort(key=lambda rejection: rejection.line)
    return report


def _parse_assignment(text: dict[str, str], rounds: dict[str, Round]) -> tuple[int, Round]:
    reasons = _missing_and_long(text, ASSIGNMENT_REQUIRED)
    uprn = text["uprn"]
    if uprn and not (WHOLE_NUMBER.fullmatch(uprn) and 0 < int(uprn) <= MAX_UPRN):
        reasons.append(
            _("uprn must be a whole number from 1 to %(maximum)d, not “%(value)s”")
            % {"maximum": MAX_UPRN, "value": uprn}
        )
    code = text["round_code"]
    if code and code not in rounds:
        reasons.append(_("there is no round %(code)s") % {"code": code})
    if reasons:
        raise _Rejected(*reasons)
    return int(uprn), rounds[code]


def _write_assignments(batch: list[tuple[int, int, Round]], report: FileReport) -> None:
    """One batch: unknown UPRNs rejected, the rest created or moved to their round in one upsert."""
    properties = dict(
        Property.objects.filter(uprn__in=[uprn for _line, uprn, _round in batch]).values_list("uprn", "pk")
    )
    stored = {
        (property_id, stream): round_id
        for property_id, stream, round_id in PropertyRound.objects.filter(
            property_id__in=properties.values()
        ).values_list("property_id", "stream", "round_id")
    }
    upserts = []
    for line, uprn, round_ in batch:
        property_id = properties.get(uprn)
        if property_id is None:
            report.rejections.append(
                Rejection(line=line, reasons=(_("there is no property with uprn %(uprn)d") % {"uprn": uprn},))
            )
            continue
        now = stored.get((property_id, round_.stream))
        if now == round_.pk:
            report.tally.unchanged += 1
            continue
        if now is None:
            report.tally.created += 1
        else:
            report.tally.updated += 1
        upserts.append(PropertyRound(property_id=property_id, round=round_, stream=round_.stream))
    # bulk_create skips save(), which sets the stream from the round: it is set above instead.
    PropertyRound.objects.bulk_create(
        upserts, update_conflicts=True, unique_fields=["property", "stream"], update_fields=["round"]
    )


# The council's changes to collection days


def _import_change_rows(rows: Rows, by: AbstractBaseUser | None) -> FileReport:
    report = FileReport()
    rounds = {round_.code: round_ for round_ in Round.objects.order_by()}
    stored = {(change.round_id, change.original_date): change for change in ScheduleChange.objects.order_by()}
    lines: dict[tuple[int | None, dt.date], int] = {}
    new, changed = [], []
    for line, raw in _numbered(rows):
        try:
            values = _parse_change(_text(raw, CHANGE_COLUMNS, CHANGE_REQUIRED), rounds)
            key = (values["round"].pk if values["round"] else None, values["original_date"])
            if key in lines:
                raise _Rejected(
                    _("round_code and original_date repeat line %(line)d") % {"line": lines[key]},
                )
        except _Rejected as rejected:
            report.rejections.append(Rejection(line=line, reasons=rejected.reasons))
            continue
        lines[key] = line
        existing = stored.get(key)
        if existing is None:
            new.append(ScheduleChange(**values))
            report.tally.created += 1
        elif (existing.new_date, existing.reason) != (values["new_date"], values["reason"]):
            existing.new_date, existing.reason = values["new_date"], values["reason"]
            changed.append(existing)
            report.tally.updated += 1
        else:
            report.tally.unchanged += 1
    with transaction.atomic():
        ScheduleChange.objects.bulk_create(new)
        ScheduleChange.objects.bulk_update(changed, ["new_date", "reason"])
        _audit(by, "changes", report)
    return report


def _parse_change(text: dict[str, str], rounds: dict[str, Round]) -> dict:
    reasons = _missing_and_long(text, CHANGE_REQUIRED)
    code = text["round_code"]
    round_ = rounds.get(code) if code else None
    if code and round_ is None:
        reasons.append(_("there is no round %(code)s") % {"code": code})
    original = _date(text, "original_date", reasons)
    new = _date(text, "new_date", reasons)
    if original is not None and new is not None:
        if new == original:
            reasons.append(_("new_date is the same as original_date: leave it blank to cancel the collection"))
        elif abs((new - original).days) > MAX_MOVE_DAYS:
            reasons.append(
                _("new_date must be within %(days)d days of original_date") % {"days": MAX_MOVE_DAYS},
            )
    if round_ is not None and original is not None and not schedule.regular_dates(round_, original, original):
        reasons.append(
            _("round %(code)s does not collect on %(date)s (a %(weekday)s): give the usual collection day")
            % {"code": code, "date": original.isoformat(), "weekday": WEEKDAYS[original.weekday()].title()}
        )
    if reasons:
        raise _Rejected(*reasons)
    return {"round": round_, "original_date": original, "new_date": new, "reason": text["reason"]}


# What every file shares


def _numbered(rows: Rows) -> Iterator[tuple[int, Mapping[str, str | None]]]:
    """Each row with its line in the file: a csv reader's own count (the line where the row
    ends, true across blank lines and quoted line breaks), else counting from line 2."""
    if hasattr(rows, "line_num"):
        for row in rows:
            yield rows.line_num, row
    else:
        yield from enumerate(rows, start=2)


def _text(raw: Mapping[str, str | None], columns: tuple[str, ...], required: tuple[str, ...]) -> dict[str, str]:
    """The row's values, trimmed, with every column present; a row with too many or too few fields is rejected."""
    reasons = []
    if None in raw:  # csv.DictReader keeps surplus fields under the key None
        reasons.append(_("has more fields than the header"))
    if any(value is None for key, value in raw.items() if key is not None):
        reasons.append(_("has fewer fields than the header"))
    if reasons:
        raise _Rejected(*reasons)
    return {column: (raw.get(column) or "").strip() for column in columns}


def _missing_and_long(text: dict[str, str], required: tuple[str, ...]) -> list[str]:
    reasons = [_("%(column)s is missing") % {"column": column} for column in required if not text[column]]
    for column, limit in MAX_LENGTHS.items():
        if len(text.get(column, "")) > limit:
            reasons.append(_("%(column)s is longer than %(limit)d characters") % {"column": column, "limit": limit})
    return reasons


def _date(text: dict[str, str], column: str, reasons: list[str]) -> dt.date | None:
    value = text[column]
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        reasons.append(
            _("%(column)s must be a date like 2026-06-16, not “%(value)s”") % {"column": column, "value": value}
        )
        return None


def _audit(by: AbstractBaseUser | None, name: str, report: FileReport) -> None:
    if report.changed:
        audit.record(
            actor=by,
            action="waste.rounds_imported",
            data={
                "file": name,
                "created": report.tally.created,
                "updated": report.tally.updated,
                "unchanged": report.tally.unchanged,
                "rejected": len(report.rejections),
            },
        )
