"""`submit_report`: a case and its street report made together, from any channel."""

import io
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from townhall.cases.models import Case
from townhall.cases.services import CaseError, Requester
from townhall.catalogue.models import Channel
from townhall.core.models import AuditEvent
from townhall.streetcare.models import Asset, ReportPhoto, StreetReport
from townhall.streetcare.services import OutsideBoroughError, submit_report
from townhall.streetcare.tests.reporting.conftest import (
    ACROSS_THE_BORDER,
    ALDER_ROAD,
    POTHOLE_ANSWERS,
    photo_with_location,
)

pytestmark = pytest.mark.django_db
ADA = Requester(name="Ada Resident", email="ada@example.com")


def report(service, *, answers=POTHOLE_ANSWERS, point=ALDER_ROAD, **kwargs) -> Case:
    return submit_report(
        service=service,
        answers=answers,
        latitude=point[0],
        longitude=point[1],
        channel=kwargs.pop("channel", Channel.WEB),
        requester=kwargs.pop("requester", ADA),
        **kwargs,
    )


def test_a_report_is_a_case_with_its_place_title_and_ward(potholes, alder_road):
    case = report(potholes)

    street = case.street_report
    assert (case.service, case.channel, case.team.slug) == (potholes, Channel.WEB, "highways")
    assert (case.latitude, case.longitude) == ALDER_ROAD
    assert (street.latitude, street.longitude) == ALDER_ROAD
    assert (street.title, street.detail, street.ward) == ("Deep pothole", "By the bus stop.", alder_road.ward)
    assert street.public
    assert AuditEvent.objects.filter(action="streetcare.report_submitted", target_id=str(case.pk)).exists()


def test_the_categorys_location_question_is_answered_with_the_point(potholes, alder_road):
    case = report(potholes)

    assert case.answers["location"] == {
        "latitude": "51.420000",
        "longitude": "-0.190000",
        "text": "Near Alder Road, Wexmoor",
    }
    assert case.answers["where_on_street"] == "road"
    assert "title" not in case.answers  # the report's own words live on the report


def test_the_categorys_own_answers_are_checked(potholes):
    with pytest.raises(ValidationError) as refused:
        report(potholes, answers={"title": "Pothole"})

    assert "where_on_street" in refused.value.message_dict
    assert not Case.objects.exists() and not StreetReport.objects.exists()


def test_a_report_without_a_title_takes_the_categorys_name(potholes):
    case = report(potholes, answers={"where_on_street": "road"})

    assert case.street_report.title == "Pothole"


def test_the_same_submission_key_gives_the_same_case(potholes):
    key = uuid.uuid4()

    first = report(potholes, submission_key=key)
    again = report(potholes, submission_key=key, photos=[photo_with_location()])

    assert again == first
    assert Case.objects.count() == StreetReport.objects.count() == 1
    assert not ReportPhoto.objects.exists()


def test_a_point_outside_the_borough_is_refused_naming_the_neighbour(potholes):
    with pytest.raises(OutsideBoroughError) as refused:
        report(potholes, point=ACROSS_THE_BORDER)

    assert str(refused.value) == (
        "This location is outside Wexmoor. "
        "Report it to Brackenfield Borough Council at https://www.brackenfield.example/report"
    )
    assert refused.value.location.neighbour.name == "Brackenfield Borough Council"
    assert not Case.objects.exists()


@pytest.mark.parametrize("point", [("north", "-0.19"), ("91", "-0.19"), ("NaN", "0")])
def test_a_point_that_is_not_one_is_refused(potholes, point):
    with pytest.raises(ValidationError, match="latitude and a longitude"):
        report(potholes, point=point)


def test_a_category_with_a_stopping_notice_takes_no_reports(gas_smell):
    with pytest.raises(CaseError, match="call the National Gas Emergency Service"):
        report(gas_smell, answers={})

    assert not Case.objects.exists()


def test_a_service_that_is_not_a_street_category_is_refused(team, borough):
    from townhall.catalogue.tests.factories import ServiceFactory

    with pytest.raises(CaseError, match="is not a street problem category"):
        report(ServiceFactory(team=team), answers={})


def test_the_asset_travels_with_the_report(street_lights):
    lamp = Asset.objects.get(asset_id="SL1")

    case = report(street_lights, answers={}, asset=lamp)

    assert case.street_report.asset == lamp


def test_an_asset_of_another_layer_is_refused(potholes, street_lights):
    with pytest.raises(CaseError, match="not one this category"):
        report(potholes, asset=Asset.objects.get(asset_id="SL1"))


def test_a_private_categorys_reports_are_not_public(potholes):
    potholes.street_category.private = True
    potholes.street_category.save()

    assert not report(potholes).street_report.public


def test_photos_are_stored_resized_without_their_metadata(potholes, settings):
    case = report(potholes, photos=[photo_with_location(), photo_with_location(size=(300, 200), name="near.png")])

    photos = list(case.street_report.photos.all())
    assert [(p.width, p.height) for p in photos] == [(1600, 1200), (300, 200)]
    for photo in photos:
        content = photo.image.read()
        assert b"PhoneCo" not in content and b"Exif" not in content
        with Image.open(io.BytesIO(content)) as stored:
            assert dict(stored.getexif()) == {}
        assert photo.image.name.startswith("street-photos/")
        assert "pothole" not in photo.image.name  # never the uploader's file name


def test_more_than_three_photos_are_refused(potholes):
    with pytest.raises(ValidationError, match="up to 3 photos"):
        report(potholes, photos=[photo_with_location(size=(10, 10)) for _ in range(4)])

    assert not Case.objects.exists()


def test_a_file_that_is_not_a_photo_refuses_the_report_and_saves_nothing(potholes, settings):
    pdf = SimpleUploadedFile("notes.pdf", b"%PDF-1.4\n%...", content_type="application/pdf")

    with pytest.raises(ValidationError, match="must be a photo"):
        report(potholes, photos=[pdf])

    assert not Case.objects.exists()
    assert not list((settings.MEDIA_ROOT).glob("**/*.jpg"))


def test_a_failed_report_leaves_no_photo_files(potholes, settings, monkeypatch):
    from townhall.core import audit

    record = audit.record

    def fail_after_the_photos(**kwargs):
        if kwargs["action"] == "streetcare.report_submitted":
            assert [path for path in settings.MEDIA_ROOT.glob("**/*") if path.is_file()]  # the photo was saved
            raise RuntimeError("the audit log is down")
        return record(**kwargs)

    monkeypatch.setattr(audit, "record", fail_after_the_photos)

    with pytest.raises(RuntimeError):
        report(potholes, photos=[photo_with_location(size=(50, 40))])

    assert not Case.objects.exists()
    assert not [path for path in settings.MEDIA_ROOT.glob("**/*") if path.is_file()]


def test_staff_report_for_a_caller_on_the_phone(potholes, agent):
    case = report(potholes, channel=Channel.PHONE, by=agent, requester=Requester(name="Caller", phone="07700 900111"))

    assert (case.channel, case.created_by, case.requester_name) == (Channel.PHONE, agent, "Caller")


def test_coordinates_are_kept_to_six_places(potholes):
    case = report(potholes, point=(Decimal("51.4200004"), "-0.19000049"))

    assert (case.street_report.latitude, case.street_report.longitude) == (Decimal("51.420000"), Decimal("-0.190000"))
