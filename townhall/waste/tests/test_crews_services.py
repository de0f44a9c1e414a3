"""What crews record: once however often it is sent, a later record superseding an earlier
one, each with its audit event; and residents who reported the bin told what was found."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from townhall.accounts.models import Role
from townhall.cases.models import CaseEvent, EventKind
from townhall.cases.services import Requester
from townhall.catalogue.models import Channel
from townhall.core.models import AuditEvent
from townhall.waste import crews, missed
from townhall.waste.models import CrewOutcome, CrewRecord, RoundDay, Stream
from townhall.waste.tests.missed_helpers import (
    EXTRA_ANSWERS,
    TUESDAY,
    crew_staff,
    home_on_round,
    london,
    missed_bin_service,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    return home_on_round()


@pytest.fixture
def crew():
    return crew_staff()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def jpeg(name: str = "bin.jpg") -> SimpleUploadedFile:
    data = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(data, "JPEG")
    return SimpleUploadedFile(name, data.getvalue(), content_type="image/jpeg")


def record(place, round_, crew, outcome, *, hour=7, minute=42, **extra):
    return crews.record_outcome(
        round_=round_,
        date=TUESDAY,
        outcome=outcome,
        by=crew,
        property=place,
        now=london(TUESDAY, hour, minute),
        **extra,
    )


def test_the_same_outcome_sent_twice_is_recorded_once(home, crew):
    place, round_ = home

    first = record(place, round_, crew, CrewOutcome.NOT_PRESENTED)
    again = record(place, round_, crew, CrewOutcome.NOT_PRESENTED, minute=43)

    assert again == first
    assert CrewRecord.objects.count() == 1
    assert AuditEvent.objects.filter(action="waste.crew_recorded").count() == 1


def test_a_different_outcome_is_a_new_record_that_supersedes_the_first(home, crew):
    place, round_ = home
    first = record(place, round_, crew, CrewOutcome.NOT_PRESENTED)

    later = record(place, round_, crew, CrewOutcome.DONE, hour=9)

    assert later != first
    assert CrewRecord.objects.count() == 2
    event = AuditEvent.objects.filter(action="waste.crew_recorded").order_by("pk").last()
    assert event.data["supersedes"] == first.pk
    assert event.actor == crew
    assert missed.can_report(place, Stream.REFUSE, now=london(TUESDAY, 19)).crew_record == later


def test_a_whole_street_is_recorded_in_one_record(home, crew):
    place, round_ = home

    made = crews.record_outcome(
        round_=round_, date=TUESDAY, outcome=CrewOutcome.DONE, by=crew, street=place.street, now=london(TUESDAY, 8)
    )

    assert (made.property, made.street, made.recorded_by) == (None, place.street, crew)


def test_the_first_record_starts_the_round(home, crew):
    place, round_ = home

    record(place, round_, crew, CrewOutcome.DONE)

    assert RoundDay.objects.get(round=round_, date=TUESDAY).started_at == london(TUESDAY, 7, 42)


def test_starting_and_finishing_a_round_twice_changes_nothing(home, crew):
    _place, round_ = home

    crews.start_round(round_=round_, date=TUESDAY, by=crew, now=london(TUESDAY, 6))
    crews.start_round(round_=round_, date=TUESDAY, by=crew, now=london(TUESDAY, 7))
    crews.finish_round(round_=round_, date=TUESDAY, by=crew, now=london(TUESDAY, 13))
    crews.finish_round(round_=round_, date=TUESDAY, by=crew, now=london(TUESDAY, 14))

    day = RoundDay.objects.get()
    assert (day.started_at, day.completed_at) == (london(TUESDAY, 6), london(TUESDAY, 13))
    assert AuditEvent.objects.filter(action__in=["waste.round_started", "waste.round_finished"]).count() == 2


def test_a_round_cannot_be_recorded_before_its_day(home, crew):
    place, round_ = home

    with pytest.raises(crews.CrewError, match="before its day"):
        crews.record_outcome(
            round_=round_,
            date=TUESDAY,
            outcome=CrewOutcome.DONE,
            by=crew,
            property=place,
            now=london(TUESDAY) - dt.timedelta(days=1),
        )
    with pytest.raises(crews.CrewError):
        crews.finish_round(round_=round_, date=TUESDAY, by=crew, now=london(TUESDAY - dt.timedelta(days=1)))
    assert not CrewRecord.objects.exists()
    assert not RoundDay.objects.exists()


def test_a_property_or_street_not_on_the_round_is_refused(home, crew):
    _place, round_ = home
    elsewhere, _other_round = home_on_round()

    with pytest.raises(crews.CrewError, match="not on this round"):
        record(elsewhere, round_, crew, CrewOutcome.DONE)
    with pytest.raises(crews.CrewError, match="not on this round"):
        crews.record_outcome(
            round_=round_, date=TUESDAY, outcome=CrewOutcome.DONE, by=crew, street=elsewhere.street, now=london(TUESDAY)
        )
    assert not CrewRecord.objects.exists()


def test_a_photo_is_kept_with_the_record(home, crew, media):
    place, round_ = home

    made = record(place, round_, crew, CrewOutcome.BLOCKED, note="Car parked across the bin store", photo=jpeg())

    assert made.note == "Car parked across the bin store"
    assert made.photo.name.startswith("crews/")
    assert (media / made.photo.name).exists()


def test_a_photo_must_be_an_image(home, crew, media):
    place, round_ = home
    pdf = SimpleUploadedFile("bin.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "application/pdf")

    with pytest.raises(ValidationError, match="must be a JPG, PNG, GIF or WEBP image"):
        record(place, round_, crew, CrewOutcome.BLOCKED, photo=pdf)
    assert not CrewRecord.objects.exists()


def test_residents_who_reported_the_bin_see_what_the_crew_recorded_after(home, crew):
    place, round_ = home
    missed_bin_service()
    made = missed.report_missed(
        property=place,
        stream=Stream.REFUSE,
        requester=Requester(name="Ada Resident", email="ada@example.com"),
        channel=Channel.WEB,
        by=None,
        answers=EXTRA_ANSWERS,
        now=london(TUESDAY, 18, 30),
    )

    crews.record_outcome(
        round_=round_, date=TUESDAY, outcome=CrewOutcome.DONE, by=crew, property=place, now=london(TUESDAY, 19)
    )

    update = CaseEvent.objects.get(case=made.case, kind=EventKind.PUBLIC_UPDATE)
    assert update.public
    assert update.text == "Our crew recorded your rubbish bin as emptied at 19:00 on Tuesday 2 June."


def test_a_street_record_is_not_told_to_a_resident_whose_bin_has_its_own(home, crew):
    place, round_ = home
    missed_bin_service()
    made = missed.report_missed(
        property=place,
        stream=Stream.REFUSE,
        requester=Requester(name="Ada Resident", email="ada@example.com"),
        channel=Channel.WEB,
        by=None,
        answers=EXTRA_ANSWERS,
        now=london(TUESDAY, 18, 30),
    )
    record(place, round_, crew, CrewOutcome.DONE, hour=19)

    crews.record_outcome(
        round_=round_, date=TUESDAY, outcome=CrewOutcome.DONE, by=crew, street=place.street, now=london(TUESDAY, 20)
    )

    assert CaseEvent.objects.filter(case=made.case, kind=EventKind.PUBLIC_UPDATE).count() == 1


@pytest.mark.parametrize(
    ("role", "team", "allowed"),
    [
        (Role.OFFICER, "waste", True),
        (Role.TEAM_MANAGER, "waste", True),
        (Role.COUNCIL_ADMIN, "", True),
        (Role.OFFICER, "street-care", False),
        (Role.TEAM_MANAGER, "street-care", False),
        (Role.AGENT, "waste", False),
        (Role.AUDITOR, "waste", False),
        (Role.RESIDENT, "", False),
    ],
)
def test_officers_and_managers_of_the_crews_team_and_admins_may_record(role, team, allowed):
    assert crews.can_record(crew_staff(role, team_slug=team)) is allowed
