"""What crews record as they go: a round started and finished, and what they found at each
street or property (collected, bin not out, blocked, contaminated), with a note and a photo.

Each write is one transaction with its audit event, under a lock on the round's day, and
idempotent: the same outcome sent twice (a double tap, a retry on a poor signal) is
recorded once; a different one is a new record that supersedes the earlier one, which is
kept. These records decide whether a missed collection can be reported (`missed.py`), and
a resident who already reported one sees what the crew recorded on their request.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from townhall.accounts.models import Role
from townhall.accounts.permissions import has_role
from townhall.cases import services as cases
from townhall.core import audit
from townhall.core.uploads import check_upload
from townhall.gazetteer.models import Property, Street
from townhall.waste.missed import crew_record_text
from townhall.waste.models import CrewOutcome, CrewRecord, MissedCollection, PropertyRound, Round, RoundDay

# Who records rounds: officers and team managers of the crews' team (WASTE_CREWS_TEAM), and
# council administrators. Contact-centre agents, auditors and residents do not.
CREW_ROLES = frozenset({Role.OFFICER, Role.TEAM_MANAGER, Role.COUNCIL_ADMIN})
NOTE_MAX_LENGTH = CrewRecord._meta.get_field("note").max_length


class CrewError(Exception):
    """A record that cannot be made, in words for the crew."""


def can_record(user) -> bool:
    """May record crews' rounds: see CREW_ROLES."""
    if not has_role(user, *CREW_ROLES):
        return False
    if user.role == Role.COUNCIL_ADMIN:
        return True
    return user.teams.filter(slug=settings.WASTE_CREWS_TEAM).exists()


def _day_locked(round_: Round, date: dt.date) -> RoundDay:
    """The round's day under a row lock (made if need be): its records are written one at a time."""
    RoundDay.objects.get_or_create(round=round_, date=date)
    return RoundDay.objects.select_for_update().get(round=round_, date=date)


def _check_date(date: dt.date, now: dt.datetime) -> None:
    if date > timezone.localdate(now):
        raise CrewError(_("You cannot record a round before its day."))


def start_round(*, round_: Round, date: dt.date, by, now: dt.datetime | None = None) -> RoundDay:
    """The crew set out. Starting again changes nothing."""
    now = now or timezone.now()
    _check_date(date, now)
    with transaction.atomic():
        day = _day_locked(round_, date)
        if day.started_at is None:
            day.started_at = now
            day.save(update_fields=["started_at"])
            audit.record(actor=by, action="waste.round_started", target=day, data={"round": round_.code})
    return day


def finish_round(*, round_: Round, date: dt.date, by, now: dt.datetime | None = None) -> RoundDay:
    """The crew finished: from now residents may report a missed bin of today's round.
    Finishing again changes nothing."""
    now = now or timezone.now()
    _check_date(date, now)
    with transaction.atomic():
        day = _day_locked(round_, date)
        if day.completed_at is None:
            day.started_at = day.started_at or now
            day.completed_at = now
            day.save(update_fields=["started_at", "completed_at"])
            audit.record(actor=by, action="waste.round_finished", target=day, data={"round": round_.code})
    return day


def check_photo(photo: UploadedFile) -> str:
    """The photo's real content type; a ValidationError unless it is an image."""
    content_type = check_upload(photo)
    if not content_type.startswith("image/"):
        raise ValidationError(_("The photo must be a JPG, PNG, GIF or WEBP image"), code="not_an_image")
    return content_type


def record_outcome(
    *,
    round_: Round,
    date: dt.date,
    outcome: str,
    by,
    property: Property | None = None,
    street: Street | None = None,
    note: str = "",
    photo: UploadedFile | None = None,
    now: dt.datetime | None = None,
) -> CrewRecord:
    """What the crew found at one property, or at every property of one street, on the
    round's day. The first record starts the round. Raises CrewError (or ValidationError
    for the photo) when it cannot be recorded."""
    now = now or timezone.now()
    note = (note or "").strip()
    if outcome not in CrewOutcome.values:
        raise CrewError(_("Choose what you found."))
    if (property is None) == (street is None):
        raise CrewError(_("Choose a street or a property."))
    if len(note) > NOTE_MAX_LENGTH:
        raise CrewError(_("The note must be %(count)d characters or fewer.") % {"count": NOTE_MAX_LENGTH})
    _check_date(date, now)
    on_round = PropertyRound.objects.filter(round=round_)
    if property is not None and not on_round.filter(property=property).exists():
        raise CrewError(_("That address is not on this round."))
    if street is not None and not on_round.filter(property__street=street).exists():
        raise CrewError(_("That street is not on this round."))
    if photo is not None:
        check_photo(photo)
    with transaction.atomic():
        day = _day_locked(round_, date)
        if day.started_at is None:
            day.started_at = now
            day.save(update_fields=["started_at"])
        same_place = CrewRecord.objects.filter(round=round_, date=date)
        if property is not None:
            same_place = same_place.filter(property=property)
        else:
            same_place = same_place.filter(property__isnull=True, street=street)
        latest = same_place.order_by("-recorded_at", "-pk").first()
        if latest is not None and latest.outcome == outcome and latest.note == note and photo is None:
            return latest  # sent twice: recorded once
        record = CrewRecord(
            round=round_,
            date=date,
            property=property,
            street=street if property is None else property.street,
            outcome=outcome,
            note=note,
            recorded_at=now,
            recorded_by=by if by is not None and by.is_authenticated else None,
        )
        if photo is not None:
            record.photo.save(photo.name or "photo", photo, save=False)
        record.save()
        audit.record(
            actor=by,
            action="waste.crew_recorded",
            target=record,
            data={
                "round": round_.code,
                "date": str(date),
                "outcome": outcome,
                "uprn": property.uprn if property else None,
                "usrn": street.usrn if street else None,
                "supersedes": latest.pk if latest else None,
            },
        )
        _tell_reporters(record)
    return record


def _tell_reporters(record: CrewRecord) -> None:
    """Residents who reported this collection missed see on their request what the crew
    recorded since (a street's record only where the property has none of its own)."""
    reports = MissedCollection.objects.filter(
        round=record.round, collection_date=record.date, case__is_closed=False, reported_at__lt=record.recorded_at
    ).select_related("case")
    if record.property_id:
        reports = reports.filter(property_id=record.property_id)
    else:
        own = CrewRecord.objects.filter(round=record.round, date=record.date, property__isnull=False).values(
            "property_id"
        )
        reports = reports.filter(property__street_id=record.street_id).exclude(property_id__in=own)
    for report in reports:
        cases.add_public_update(case=report.case, text=crew_record_text(record, report.stream), by=None)
