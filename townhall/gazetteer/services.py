"""Every write to the gazetteer: loading an LLPG/AddressBase-style extract, and the
boundaries of the borough, its wards and its neighbours (`save_area`).

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
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from townhall.core import audit
from townhall.gazetteer.geometry import Rings, boundary_problems
from townhall.gazetteer.models import Area, AreaKind, Property, Street, Ward, normalise_postcode

# In the order the documentation lists them.
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
REQUIRED_COLUMNS = (
    "uprn",
    "usrn",
    "street_name",
    "town",
    "postcode",
    "ward_code",
    "ward_name",
    "latitude",
    "longitude",
)

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
COMPARED_FIELDS = ("street_id", "ward_id", *PROPERTY_FIELDS)
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
    # Properties outside the batch that renamed their street, whose one-line address was rewritten.
    readdressed: int = 0


@dataclass
class _Batch:
    first_line: int = 0
    last_line: int = 0
    new_wards: list[Ward] = field(default_factory=list)
    changed_wards: list[Ward] = field(default_factory=list)
    new_streets: list[Street] = field(default_factory=list)
    changed_streets: list[Street] = field(default_factory=list)
    properties: list[Property] = field(default_factory=list)


class _Rejected(Exception):
    def __init__(self, reasons: list[str]) -> None:
        super().__init__(reasons)
        self.reasons = tuple(reasons)


@dataclass(frozen=True)
class _Row:
    """One row that passed the checks it can have on its own."""

    uprn: int
    usrn: int
    street: dict[str, str]  # name, locality, town
    ward_code: str
    ward: dict[str, str]  # name
    place: dict[str, str | Decimal]  # every Property field but single_line, which needs the street


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
    run = _Import(report=ImportReport(dry_run=dry_run), by=by)
    batch = _Batch()
    for line, raw in _numbered(rows, first_line):
        try:
            run.take(_parse(raw), line, batch)
        except _Rejected as rejected:
            run.report.rejections.append(Rejection(line=line, reasons=rejected.reasons))
            continue
        if len(batch.properties) >= batch_size:
            run.write(batch)
            batch = _Batch()
    if batch.properties:
        run.write(batch)
    return run.report


class _Import:
    """The state of one import: every ward and street known so far, and where the file first named each key."""

    def __init__(self, *, report: ImportReport, by: AbstractBaseUser | None) -> None:
        self.report = report
        self.by = by
        # Wards and streets are few enough to hold; properties are looked up a batch at a time.
        self.wards = {ward.code: ward for ward in Ward.objects.order_by()}
        self.streets = {street.usrn: street for street in Street.objects.order_by()}
        self.ward_lines: dict[str, int] = {}
        self.street_lines: dict[int, int] = {}
        self.uprn_lines: dict[int, int] = {}

    def take(self, row: _Row, line: int, batch: _Batch) -> None:
        """Add a row to the batch, or reject it if it disagrees with an earlier row (the first row wins)."""
        self._check_agrees(row)
        # Streets and wards are built once per import, not once per row.
        known_street = row.usrn in self.street_lines
        street = self.streets[row.usrn] if known_street else Street(usrn=row.usrn, **row.street)
        place = Property(uprn=row.uprn, street=street, **row.place)
        place.refresh_single_line()
        if len(place.single_line) > SINGLE_LINE_MAX:
            raise _Rejected([_("the whole address is longer than %(limit)d characters") % {"limit": SINGLE_LINE_MAX}])

        batch.first_line = batch.first_line or line
        batch.last_line = line
        self.uprn_lines[row.uprn] = line
        if not known_street:
            self.street_lines[row.usrn] = line
            _claim(
                street,
                row.street,
                known=self.streets,
                key=row.usrn,
                tally=self.report.streets,
                new=batch.new_streets,
                changed=batch.changed_streets,
            )
        if row.ward_code not in self.ward_lines:
            self.ward_lines[row.ward_code] = line
            _claim(
                Ward(code=row.ward_code, **row.ward),
                row.ward,
                known=self.wards,
                key=row.ward_code,
                tally=self.report.wards,
                new=batch.new_wards,
                changed=batch.changed_wards,
            )
        place.street = self.streets[row.usrn]
        place.ward = self.wards[row.ward_code]
        batch.properties.append(place)

    def _check_agrees(self, row: _Row) -> None:
        reasons = []
        if row.uprn in self.uprn_lines:
            reasons.append(
                _("uprn %(uprn)d repeats line %(line)d") % {"uprn": row.uprn, "line": self.uprn_lines[row.uprn]}
            )
        if row.usrn in self.street_lines:
            street = self.streets[row.usrn]
            if _differs(street, row.street):
                reasons.append(
                    _("usrn %(usrn)d is “%(earlier)s” on line %(line)d, not “%(this)s”")
                    % {
                        "usrn": row.usrn,
                        "earlier": street,
                        "line": self.street_lines[row.usrn],
                        "this": ", ".join(part for part in row.street.values() if part),
                    }
                )
        if row.ward_code in self.ward_lines:
            ward = self.wards[row.ward_code]
            if _differs(ward, row.ward):
                reasons.append(
                    _("ward_code %(code)s is “%(earlier)s” on line %(line)d, not “%(this)s”")
                    % {
                        "code": row.ward_code,
                        "earlier": ward,
                        "line": self.ward_lines[row.ward_code],
                        "this": row.ward["name"],
                    }
                )
        if reasons:
            raise _Rejected(reasons)

    def write(self, batch: _Batch) -> None:
        """Compare one batch with the database (one query) and save it in one transaction."""
        uprns = [place.uprn for place in batch.properties]
        with transaction.atomic():
            # Plain tuples, not model instances: the upsert below needs nothing else.
            existing = Property.objects.filter(uprn__in=uprns).order_by().values_list("uprn", *COMPARED_FIELDS)
            stored = {values[0]: values[1:] for values in existing}
            new, changed = [], []
            for place in batch.properties:
                if place.uprn not in stored:
                    new.append(place)
                elif stored[place.uprn] != _compared(place):
                    changed.append(place)
            readdressed = _readdress(batch.changed_streets, skip=uprns, save=not self.report.dry_run)
            tally = self.report.properties
            tally.created += len(new)
            tally.updated += len(changed)
            tally.unchanged += len(batch.properties) - len(new) - len(changed)
            self.report.readdressed += readdressed
            if self.report.dry_run:
                return

            Ward.objects.bulk_create(batch.new_wards)
            Ward.objects.bulk_update(batch.changed_wards, WARD_FIELDS)
            Street.objects.bulk_create(batch.new_streets)
            Street.objects.bulk_update(batch.changed_streets, STREET_FIELDS)
            # One upsert for new and changed alike: far faster than bulk_update's CASE per field.
            # bulk_create fills in the ids of the streets and wards saved just above.
            Property.objects.bulk_create(
                new + changed,
                update_conflicts=True,
                unique_fields=["uprn"],
                update_fields=[*PROPERTY_FIELDS, "street", "ward"],
            )
            counts = {
                "properties_created": len(new),
                "properties_updated": len(changed),
                "properties_readdressed": readdressed,
                "streets_created": len(batch.new_streets),
                "streets_updated": len(batch.changed_streets),
                "wards_created": len(batch.new_wards),
                "wards_updated": len(batch.changed_wards),
            }
            if any(counts.values()):
                audit.record(
                    actor=self.by,
                    action="gazetteer.imported",
                    data={"lines": [batch.first_line, batch.last_line], **counts},
                )


def _numbered(rows: Iterable[Mapping[str, str | None]], first_line: int) -> Iterator[tuple[int, Mapping]]:
    if hasattr(rows, "line_num"):
        # A csv reader counts physical lines: the number is the line where the row ends.
        for row in rows:
            yield rows.line_num, row
    else:
        yield from enumerate(rows, start=first_line)


def _parse(raw: Mapping[str, str | None]) -> _Row:
    """Check one row on its own and return it ready to save, or raise every reason it can't be."""
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
        raise _Rejected(reasons)

    return _Row(
        uprn=uprn,
        usrn=usrn,
        street={"name": text["street_name"], "locality": text["locality"], "town": text["town"]},
        ward_code=text["ward_code"],
        ward={"name": text["ward_name"]},
        place={
            "sub_building": text["sub_building"],
            "building_name": text["building_name"],
            "building_number": text["building_number"],
            "postcode": postcode,
            "latitude": latitude,
            "longitude": longitude,
            "classification": classification,
        },
    )


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


def _differs(stored: models.Model, values: Mapping[str, object]) -> bool:
    return any(getattr(stored, name) != value for name, value in values.items())


def _claim(
    incoming: models.Model,
    values: Mapping[str, str],
    *,
    known: dict,
    key: object,
    tally: Tally,
    new: list,
    changed: list,
) -> None:
    """Count a ward or street the first time the file names it, and queue it if it is new or changed."""
    stored = known.get(key)
    if stored is None:
        known[key] = incoming
        new.append(incoming)
        tally.created += 1
    elif _differs(stored, values):
        for name, value in values.items():
            setattr(stored, name, value)
        changed.append(stored)
        tally.updated += 1
    else:
        tally.unchanged += 1


def _compared(place: Property) -> tuple:
    # A street or ward new in this batch has no pk yet, so a stored property has always moved to it.
    return (place.street.pk, place.ward.pk, *(getattr(place, name) for name in PROPERTY_FIELDS))


def _readdress(renamed: list[Street], *, skip: list[int], save: bool) -> int:
    """Rewrite the one-line address of properties on renamed streets that the batch did not carry; count them."""
    if not renamed:
        return 0
    # The renamed streets as the file has them: in a dry run the database still holds the old names.
    streets = {street.pk: street for street in renamed}
    stale = []
    for place in Property.objects.filter(street__in=renamed).exclude(uprn__in=skip).order_by():
        place.street = streets[place.street_id]
        before = place.single_line
        place.refresh_single_line()
        if place.single_line != before:
            stale.append(place)
    if save:
        Property.objects.bulk_update(stale, ["single_line"])
    return len(stale)


@transaction.atomic
def save_area(
    *,
    kind: str,
    name: str,
    boundary: Rings,
    website: str = "",
    ward: Ward | None = None,
    by: AbstractBaseUser | None = None,
) -> Area:
    """Create or replace a boundary: the borough's (there is one), a ward's (one each, `ward`
    given) or a neighbouring authority's (by name, with the page residents report to).
    Raises ValidationError, saving nothing, when the boundary or website is not usable."""
    if problems := boundary_problems(boundary):
        raise ValidationError(problems)
    if kind == AreaKind.BOROUGH:
        found = Area.objects.filter(kind=kind)
    elif kind == AreaKind.WARD:
        found = Area.objects.filter(kind=kind, ward=ward)
    else:
        found = Area.objects.filter(kind=kind, name=name)
    area = found.select_for_update().first() or Area(kind=kind)
    area.name, area.website, area.ward, area.boundary = name, website, ward, boundary
    area.fit_box()
    area.full_clean()
    area.save()
    audit.record(actor=by, action="gazetteer.area_saved", target=area, data={"kind": kind, "name": name})
    return area
