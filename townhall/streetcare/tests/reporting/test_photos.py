"""Photos are checked by content, turned upright, shrunk, their location read, and stored bare."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import ExifTags, Image

from townhall.streetcare import photos
from townhall.streetcare.tests.reporting.conftest import photo_with_location

pytestmark = pytest.mark.django_db


def test_the_location_is_read_and_every_piece_of_metadata_left_behind():
    prepared = photos.prepare_photo(photo_with_location())

    assert (str(prepared.latitude), str(prepared.longitude)) == ("51.420000", "-0.190000")
    assert (prepared.width, prepared.height, prepared.extension) == (1600, 1200, "jpg")
    assert b"PhoneCo" not in prepared.content
    with Image.open(io.BytesIO(prepared.content)) as stored:
        assert dict(stored.getexif()) == {}
        assert "exif" not in stored.info and "xmp" not in stored.info


def test_a_photo_taken_sideways_is_turned_upright_before_its_orientation_goes():
    image = Image.new("RGB", (400, 300))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # the phone was held on its side
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, xmp=b"<x:xmpmeta>secret</x:xmpmeta>")

    prepared = photos.prepare_photo(SimpleUploadedFile("side.jpg", buffer.getvalue()))

    assert (prepared.width, prepared.height) == (300, 400)
    assert b"secret" not in prepared.content
    assert prepared.latitude is None


def test_a_transparent_png_stays_a_png_without_its_text_chunks():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "taken at 12 Alder Road")
    buffer = io.BytesIO()
    Image.new("RGBA", (20, 20), (0, 0, 0, 0)).save(buffer, "PNG", pnginfo=info)

    prepared = photos.prepare_photo(SimpleUploadedFile("clear.png", buffer.getvalue()))

    assert prepared.extension == "png"
    assert b"Alder Road" not in prepared.content


def test_a_pdf_is_not_a_photo():
    with pytest.raises(ValidationError, match="must be a photo"):
        photos.prepare_photo(SimpleUploadedFile("a.pdf", b"%PDF-1.4 not a photo"))


def test_a_file_named_jpg_that_is_not_one_is_refused():
    with pytest.raises(ValidationError, match="must be a photo"):
        photos.prepare_photo(SimpleUploadedFile("a.jpg", b"<script>alert(1)</script>"))


def test_a_decompression_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)  # a small file opening into a huge image

    with pytest.raises(ValidationError, match="could not be read as a photo"):
        photos.prepare_photo(photo_with_location(size=(40, 40)))


def test_a_broken_jpeg_is_refused():
    content = photo_with_location(size=(60, 40)).read()[:300]  # the start of a JPEG, then nothing

    with pytest.raises(ValidationError, match="could not be read as a photo"):
        photos.prepare_photo(SimpleUploadedFile("cut.jpg", content))


def test_nonsense_gps_is_ignored():
    prepared = photos.prepare_photo(photo_with_location(size=(40, 40), latitude=(95, 0, 0)))

    assert (prepared.latitude, prepared.longitude) == (None, None)


def test_pending_photos_nobody_sent_are_purged():
    prepared = photos.prepare_photo(photo_with_location(size=(40, 40)))
    old = photos.keep_pending(prepared, journey="old-journey")
    fresh = photos.keep_pending(prepared, journey="fresh-journey")

    later = timezone.now() + dt.timedelta(hours=25)
    assert photos.purge_pending_photos(older_than=dt.timedelta(days=1), now=later) == 2
    assert not default_storage.exists(old) and not default_storage.exists(fresh)


def test_purging_keeps_photos_of_reports_in_progress():
    path = photos.keep_pending(photos.prepare_photo(photo_with_location(size=(40, 40))), journey="journey")

    assert photos.purge_pending_photos(older_than=dt.timedelta(days=1)) == 0
    assert default_storage.exists(path)


def test_purging_with_nothing_pending_does_nothing():
    assert photos.purge_pending_photos(older_than=dt.timedelta(days=1)) == 0


def test_the_purge_runs_as_a_periodic_task(settings):
    from townhall.streetcare.tasks import purge_pending_photos

    schedule = settings.CELERY_BEAT_SCHEDULE["streetcare-purge-pending-photos"]
    assert schedule["task"] == purge_pending_photos.name
    assert purge_pending_photos.delay().get() == 0
