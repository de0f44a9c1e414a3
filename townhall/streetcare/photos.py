"""Photos of street problems: checked by what the bytes are, turned upright, made no
larger than `MAX_SIDE` pixels, their location read, and then saved as pixels alone, so
nothing the camera wrote (EXIF or XMP: where, when, which phone) is ever stored.

A photo added during the report journey waits in `PENDING` (one folder per journey)
until the report is sent; folders nobody came back to are purged.
"""

import datetime as dt
import io
import math
import uuid
import warnings
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageOps

from townhall.core.uploads import check_upload

MAX_SIDE = 1600
MAX_PHOTOS = 3
PHOTO_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}
PENDING = "street-photos/pending"


@dataclass(frozen=True)
class PreparedPhoto:
    content: bytes
    extension: str
    width: int
    height: int
    # Where the camera said it was taken, if it said.
    latitude: Decimal | None = None
    longitude: Decimal | None = None

    def as_file(self) -> ContentFile:
        # Never the uploader's file name: it is untrusted input.
        return ContentFile(self.content, name=f"{uuid.uuid4().hex}.{self.extension}")


def prepare_photo(upload: File) -> PreparedPhoto:
    """The photo as it may be stored; raises ValidationError, in words for the person who
    sent it, when it is not a photo, is too big, or cannot be read."""
    try:
        content_type = check_upload(upload)
    except ValidationError as refused:  # empty or too large: said as it is; any other type is not a photo
        if refused.code != "wrong_type":
            raise
        content_type = None
    if content_type not in PHOTO_TYPES:
        raise ValidationError(_("The selected file must be a photo: a JPG, PNG, GIF or WEBP"), code="not_a_photo")
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # A small file that opens into a huge image (a "decompression bomb") is refused.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                image.load()
                latitude, longitude = _gps(image.getexif())
                upright = ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(_("The selected file could not be read as a photo"), code="unreadable") from error
    upright.thumbnail((MAX_SIDE, MAX_SIDE))
    return _pixels_only(upright, latitude, longitude)


def _pixels_only(image: Image.Image, latitude: Decimal | None, longitude: Decimal | None) -> PreparedPhoto:
    """A new image made of the pixels alone: no metadata can ride along into the file."""
    transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    mode = "RGBA" if transparent else "RGB"
    converted = image.convert(mode)
    bare = Image.frombytes(mode, converted.size, converted.tobytes())
    buffer = io.BytesIO()
    if transparent:
        bare.save(buffer, "PNG", optimize=True)
    else:
        bare.save(buffer, "JPEG", quality=85, optimize=True)
    return PreparedPhoto(
        content=buffer.getvalue(),
        extension="png" if transparent else "jpg",
        width=bare.width,
        height=bare.height,
        latitude=latitude,
        longitude=longitude,
    )


def _gps(exif: Image.Exif) -> tuple[Decimal | None, Decimal | None]:
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    try:
        latitude = _degrees(gps[ExifTags.GPS.GPSLatitude], gps[ExifTags.GPS.GPSLatitudeRef], south_or_west="S")
        longitude = _degrees(gps[ExifTags.GPS.GPSLongitude], gps[ExifTags.GPS.GPSLongitudeRef], south_or_west="W")
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None, None
    if not (math.isfinite(latitude) and math.isfinite(longitude)) or abs(latitude) > 90 or abs(longitude) > 180:
        return None, None
    return Decimal(f"{latitude:.6f}"), Decimal(f"{longitude:.6f}")


def _degrees(parts, reference, *, south_or_west: str) -> float:
    degrees, minutes, seconds = (float(part) for part in parts)
    value = degrees + minutes / 60 + seconds / 3600
    if isinstance(reference, bytes):
        reference = reference.decode("ascii", "replace")
    return -value if str(reference).strip("\x00 ").upper() == south_or_west else value


def keep_pending(photo: PreparedPhoto, *, journey: str) -> str:
    """Store a photo for a report not yet sent; returns where it is kept."""
    return default_storage.save(f"{PENDING}/{journey}/{photo.as_file().name}", ContentFile(photo.content))


def discard_pending(paths: list[str]) -> None:
    for path in paths:
        default_storage.delete(path)


def purge_pending_photos(*, older_than: dt.timedelta, now: dt.datetime | None = None) -> int:
    """Delete photos added to reports nobody sent; returns how many went."""
    cutoff = (now or timezone.now()) - older_than
    try:
        journeys, _files = default_storage.listdir(PENDING)
    except FileNotFoundError:
        return 0
    purged = 0
    for journey in journeys:
        folder = f"{PENDING}/{journey}"
        for name in default_storage.listdir(folder)[1]:
            path = f"{folder}/{name}"
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                purged += 1
    return purged
