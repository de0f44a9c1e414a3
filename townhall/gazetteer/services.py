"""Every write to the gazetteer: loading an LLPG/AddressBase-style extract.

Each row is checked in full before it joins a batch, so a rejected row never
half-saves. Good rows are written in batches, each batch in one transaction with its
audit event. Wards (by code), streets (by USRN) and properties (by UPRN) that already
exist are updated in place, so importing the same file twice changes nothing.
The columns are documented in docs/gazetteer-import.md.
"""

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models, transaction
from django.utils.translation import gettext as _

from townhall.core import audit
from townhall.gazetteer.models import Property, Street, Ward, normalise_postcode

# In the order the documentation and the demo write them.
COLUMNS = (
    "uprn",
    "usrn",
    "street_name",
    "locality",
    "town",
    "sub_building",
    "building_name",
    "building_number",
    "postcode",
    "ward_code",
    "ward_name",
    "latitude",
    "longitude",
    "classification",
)
REQUIRED_COLUMNS = ("uprn", "usrn", "street_name", "town", "postcode", "ward_code", "ward_name", "latitude", "longitude")

MAX_UPRN = 999_999_999_999  # UPRNs have at most 12 digits, USRNs at most 8.
MAX_USRN = 99_999_999
# The United Kingdom with the Channel Islands, with a margin: catches swapped or zeroed coordinates.
LATITUDE_RANGE = (Decimal(49), Decimal(61))
LONGITUDE_RANGE = (Decimal(-9), Decimal(2))
POSTCODE_SHAPE = re.compile(r"GIR 0AA|[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}")
CLASSIFICATION_SHAPE = re.compile(r"[A-Z0-9]+")
WHOLE_NUMBER = re.compile(r"[0-9]+")
SIX_PLACES = Decimal("0.000001")

# Checked here so that a long value is a rejected row, not a failed batch.
MAX_LENGTHS = {
    "street_name": Street._meta.get_field("name").max_length,
    "locality": Street._meta.get_field("locality").max_length,
    "town": Street._meta.get_field("town").max_length,
    "sub_building": Property._meta.get_field("sub_building").max_length,
    "building_name": Property._meta.get_field("building_name").max_length,
    "building_number": Property._meta.get_field("building_number").max_length,
    "classification": Property._meta.get_field("classification").max_length,
    "ward_code": Ward._meta.get_field("code").max_length,
    "ward_name": Ward._meta.get_field("name").max_length,
}
SINGLE_LINE_MAX = Property._meta.get_field("single_line").max_length

PROPERTY_FIELDS = (
    "sub_building",
    "building_name",
    "building_number",
    "postcode",
    "latitude",
    "longitude",
    "classification",
    "single_line",
)
STREET_FIELDS = ("name", "locality", "town")
WARD_FIELDS = ("name",)


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class Rejection:
    line: int
    reasons: tuple[str, ...]

    def __str__(self) -> str:
        return f"line {self.line}: {'; '.join(self.reasons)}"


@dataclass
class ImportReport:
    dry_run: bool
    properties: Tally = field(default_factory=Tally)
    streets: Tally = field(default_factory=Tally)
    wards: Tally = field(default_factory=Tally)
    rejections: list[Rejection] = field(default_factory=list)


@dataclass
class _Batch:
    first_line: int
    last_line: int = 0
    new_wards: list[Ward] = field(default_factory=list)
    changed_wards: list[Ward] = field(default_factory=list)
    new_streets: list[Street] = field(default_factory=list)
    changed_streets: list[Street] = field(default_factory=list)
    properties: list[Property] = field(default_factory=list)


@dataclass(frozen=True)
class _Row:
    uprn: int
    usrn: int
    street: Street
    ward: Ward
    place: Property


def import_gazetteer(
    *,
    rows: Iterable[Mapping[str, str | None]],
    dry_run: bool = False,
    by: AbstractBaseUser | None = None,
    batch_size: int = 1000,
    first_line: int = 2,
) -> ImportReport:
    """Load gazetteer rows (dicts keyed by `COLUMNS`), creating or updating in place.

    Rows are numbered from `first_line` (the line after a CSV header), or by the
    reader's own count when `rows` is a `csv.DictReader`, so blank lines and quoted
    line breaks keep the numbers true to the file. Nothing is ever deleted: a property
    the file leaves out stays as it is. With `dry_run`, everything is checked and
    counted but nothing is saved.
    """
    report = ImportReport(dry_run=dry_run)
    wards = {ward.code: ward for ward in Ward.objects.order_by()}
    streets = {street.usrn: street for street in Street.objects.order_by()}
    # The line where each key first appeared in this file, for repeats and disagreements.
    ward_lines: dict[str, int] = {}
    street_lines: dict[int, int] = {}
    uprn_lines: dict[int, int] = {}

    batch: _Batch | None = None
    for line, raw in _numbered(rows, first_line):
        row, reasons = _parse(raw)
        if row is not None:
            reasons = _conflicts(row, line, wards, streets, ward_lines, street_lines, uprn_lines)
        if reasons:
            report.rejections.append(Rejection(line=line, reasons=tuple(reasons)))
            continue
        assert row is not None  # noqa: S101 - _parse returns a row whenever it finds no reasons
        batch = batch or _Batch(first_line=line)
        batch.last_line = line
        uprn_lines[row.uprn] = line
        if row.ward.code not in ward_lines:
            ward_lines[row.ward.code] = line
            _claim(row.ward, known=wards, key=row.ward.code, fields=WARD_FIELDS, tally=report.wards,
                   new=batch.new_wards, changed=batch.changed_wards)  # fmt: skip
        if row.usrn not in street_lines:
            street_lines[row.usrn] = line
            _claim(row.street, known=streets, key=row.usrn, fields=STREET_FIELDS, tally=report.streets,
                   new=batch.new_streets, changed=batch.changed_streets)  # fmt: skip
        row.place.street = streets[row.usrn]
        row.place.ward = wards[row.ward.code]
        batch.properties.append(row.place)
        if len(batch.properties) >= batch_size:
            _write(batch, report=report, by=by)
            batch = None
    if batch is not None:
        _write(batch, report=report, by=by)
    return report


def _numbered(rows: Iterable[Mapping[str, str | None]], first_line: int) -> Iterator[tuple[int, Mapping]]:
    if hasattr(rows, "line_num"):
        # A csv reader counts physical lines: the number is the line where the row ends.
        for row in rows:
            yield rows.line_num, row
    else:
        yield from enumerate(rows, start=first_line)


def _parse(raw: Mapping[str, str | None]) -> tuple[_Row | None, list[str]]:
    """Check one row on its own; return the row ready to save, or the reasons it can't be."""
    reasons = []
    if None in raw:  # csv.DictReader keeps surplus fields under the key None
        reasons.append(_("has more fields than the header"))
    if any(value is None for key, value in raw.items() if key is not None):
        reasons.append(_("has fewer fields than the header"))
    text = {column: (raw.get(column) or "").strip() for column in COLUMNS}

    for column in REQUIRED_COLUMNS:
        if not text[column]:
            reasons.append(_("%(column)s is missing") % {"column": column})
    for column, limit in MAX_LENGTHS.items():
        if len(text[column]) > limit:
            reasons.append(_("%(column)s is longer than %(limit)d characters") % {"column": column, "limit": limit})
    if not (text["building_number"] or text["building_name"]):
        reasons.append(_("needs a building_number or a building_name"))

    uprn = _whole_number(text, "uprn", MAX_UPRN, reasons)
    usrn = _whole_number(text, "usrn", MAX_USRN, reasons)
    latitude = _coordinate(text, "latitude", LATITUDE_RANGE, reasons)
    longitude = _coordinate(text, "longitude", LONGITUDE_RANGE, reasons)
    postcode = normalise_postcode(text["postcode"])
    if postcode and not POSTCODE_SHAPE.fullmatch(postcode):
        reasons.append(_("postcode “%(value)s” is not a UK postcode") % {"value": text["postcode"]})
    classification = text["classification"].upper()
    if classification and not CLASSIFICATION_SHAPE.fullmatch(classification):
        reasons.append(
            _("classification “%(value)s” should be letters and digits only") % {"value": text["classification"]}
        )
    if reasons:
        return None, reasons

    street = Street(usrn=usrn, name=text["street_name"], locality=text["locality"], town=text["town"])
    place = Property(
        uprn=uprn,
        sub_building=text["sub_building"],
        building_name=text["building_name"],
        building_number=text["building_number"],
        postcode=postcode,
        latitude=latitude,
        longitude=longitude,
        classification=classification,
        street=street,
    )
    place.refresh_single_line()
    if len(place.single_line) > SINGLE_LINE_MAX:
        return None, [_("the whole address is longer than %(limit)d characters") % {"limit": SINGLE_LINE_MAX}]
    ward = Ward(code=text["ward_code"], name=text["ward_name"])
    return _Row(uprn=uprn, usrn=usrn, street=street, ward=ward, place=place), []


def _whole_number(text: dict[str, str], column: str, maximum: int, reasons: list[str]) -> int:
    value = text[column]
    if value and not (WHOLE_NUMBER.fullmatch(value) and 0 < int(value) <= maximum):
        reasons.append(
            _("%(column)s must be a whole number from 1 to %(maximum)d, not “%(value)s”")
            % {"column": column, "maximum": maximum, "value": value}
        )
        return 0
    return int(value or 0)


def _coordinate(text: dict[str, str], column: str, bounds: tuple[Decimal, Decimal], reasons: list[str]) -> Decimal:
    value = text[column]
    if not value:
        return Decimal(0)
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        reasons.append(_("%(column)s must be a number, not “%(value)s”") % {"column": column, "value": value})
    elif not bounds[0] <= number <= bounds[1]:
        reasons.append(
            _("%(column)s %(value)s is outside the United Kingdom (%(low)s to %(high)s)")
            % {"column": column, "value": value, "low": bounds[0], "high": bounds[1]}
        )
    else:
        return number.quantize(SIX_PLACES)
    return Decimal(0)


def _conflicts(
    row: _Row,
    line: int,
    wards: dict[str, Ward],
    streets: dict[int, Street],
    ward_lines: dict[str, int],
    street_lines: dict[int, int],
    uprn_lines: dict[int, int],
) -> list[str]:
    """Reasons a good row disagrees with an earlier row of the same file: the first row wins."""
    reasons = []
    if row.uprn in uprn_lines:
        reasons.append(_("uprn %(uprn)d repeats line %(line)d") % {"uprn": row.uprn, "line": uprn_lines[row.uprn]})
    if row.usrn in street_lines and _differs(streets[row.usrn], row.street, STREET_FIELDS):
        reasons.append(
            _("usrn %(usrn)d is “%(earlier)s” on line %(line)d, not “%(this)s”")
            % {"usrn": row.usrn, "earlier": streets[row.usrn], "line": street_lines[row.usrn], "this": row.street}
        )
    code = row.ward.code
    if code in ward_lines and _differs(wards[code], row.ward, WARD_FIELDS):
        reasons.append(
            _("ward_code %(code)s is “%(earlier)s” on line %(line)d, not “%(this)s”")
            % {"code": code, "earlier": wards[code], "line": ward_lines[code], "this": row.ward}
        )
    return reasons


def _differs(current: models.Model, incoming: models.Model, fields: Iterable[str]) -> bool:
    return any(getattr(current, name) != getattr(incoming, name) for name in fields)


def _claim(
    incoming: models.Model,
    *,
    known: dict,
    key: object,
    fields: tuple[str, ...],
    tally: Tally,
    new: list,
    changed: list,
) -> None:
    """Count a ward or street the first time the file names it, and queue it if it is new or changed."""
    current = known.get(key)
    if current is None:
        known[key] = incoming
        new.append(incoming)
        tally.created += 1
    elif _differs(current, incoming, fields):
        for name in fields:
            setattr(current, name, getattr(incoming, name))
        changed.append(current)
        tally.updated += 1
    else:
        tally.unchanged += 1


def _write(batch: _Batch, *, report: ImportReport, by: AbstractBaseUser | None) -> None:
    """Compare one batch with the database (one query) and save it in one transaction."""
    uprns = [place.uprn for place in batch.properties]
    with transaction.atomic():
        existing = {place.uprn: place for place in Property.objects.filter(uprn__in=uprns).order_by()}
        new, changed = [], []
        for incoming in batch.properties:
            current = existing.get(incoming.uprn)
            if current is None:
                new.append(incoming)
            elif _update(current, incoming):
                changed.append(current)
        report.properties.created += len(new)
        report.properties.updated += len(changed)
        report.properties.unchanged += len(batch.properties) - len(new) - len(changed)
        if report.dry_run:
            return

        Ward.objects.bulk_create(batch.new_wards)
        Ward.objects.bulk_update(batch.changed_wards, WARD_FIELDS)
        Street.objects.bulk_create(batch.new_streets)
        Street.objects.bulk_update(batch.changed_streets, STREET_FIELDS)
        # Related objects saved just above get their ids filled in by bulk_create/bulk_update.
        Property.objects.bulk_create(new)
        Property.objects.bulk_update(changed, [*PROPERTY_FIELDS, "street", "ward"])
        readdressed = _readdress(batch.changed_streets, skip=uprns)
        if new or changed or readdressed or batch.new_wards or batch.changed_wards or batch.new_streets:
            audit.record(
                actor=by,
                action="gazetteer.imported",
                data={
                    "lines": [batch.first_line, batch.last_line],
                    "properties_created": len(new),
                    "properties_updated": len(changed),
                    "properties_readdressed": readdressed,
                    "streets_created": len(batch.new_streets),
                    "streets_updated": len(batch.changed_streets),
                    "wards_created": len(batch.new_wards),
                    "wards_updated": len(batch.changed_wards),
                },
            )


def _update(current: Property, incoming: Property) -> bool:
    """Copy the incoming values onto the stored property; say whether anything changed."""
    # An unsaved (new) street or ward has no pk, so a stored property is always "moved" to it.
    if (
        current.street_id == incoming.street.pk
        and current.ward_id == incoming.ward.pk
        and not _differs(current, incoming, PROPERTY_FIELDS)
    ):
        return False
    for name in PROPERTY_FIELDS:
        setattr(current, name, getattr(incoming, name))
    current.street = incoming.street
    current.ward = incoming.ward
    return True


def _readdress(renamed: list[Street], *, skip: list[int]) -> int:
    """Rewrite the one-line address of properties on renamed streets that this batch did not carry."""
    if not renamed:
        return 0
    stale = []
    for place in Property.objects.filter(street__in=renamed).exclude(uprn__in=skip).select_related("street"):
        before = place.single_line
        place.refresh_single_line()
        if place.single_line != before:
            stale.append(place)
    Property.objects.bulk_update(stale, ["single_line"])
    return len(stale)
