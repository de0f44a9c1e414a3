"""Checks on uploaded files: by what the bytes are, not by what the name or browser says."""

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

# Content types accepted as evidence and photos; checked against the file's own bytes.
ALLOWED_CONTENT_TYPES = {
    "image/jpeg": "JPG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
    "application/pdf": "PDF",
}


def allowed_types_text() -> str:
    """The types as hints and error messages name them: "GIF, JPG, PDF, PNG or WEBP"."""
    return get_text_list(sorted(set(ALLOWED_CONTENT_TYPES.values())))


def check_upload(upload: UploadedFile) -> str:
    """Returns the file's real content type, or raises a ValidationError a person can act on."""
    if upload.size == 0:
        raise ValidationError(_("The selected file is empty"), code="empty")
    if upload.size > settings.FILE_UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("The selected file must be smaller than %(limit)s")
            % {"limit": filesizeformat(settings.FILE_UPLOAD_MAX_BYTES)},
            code="too_large",
        )
    upload.seek(0)
    kind = filetype.guess(upload.read(261))
    upload.seek(0)
    if kind is None or kind.mime not in ALLOWED_CONTENT_TYPES:
        raise ValidationError(
            _("The selected file must be a %(types)s") % {"types": allowed_types_text()}, code="wrong_type"
        )
    return kind.mime
