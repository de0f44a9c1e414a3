"""Downloading a case's files: the one way the tracking page, My Account and the staff
console hand out an attachment.

Each page first decides whether this person may have the file (a resident only their own
request's public files, staff only cases they can see); this module then sends it, always
saved rather than shown, as the type it was checked to be on upload. A file gone from
storage (a failed restore, a bucket tidied by hand) is a 404 page saying so, and a warning
in the log for the operator, never a server error. Staff downloads are audited.
"""

import logging

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from townhall.cases.models import Attachment
from townhall.core import audit

logger = logging.getLogger(__name__)

FALLBACK_CONTENT_TYPE = "application/octet-stream"
# The audit action of a member of staff downloading a case's file. For a restricted
# service this is also the record of a view of a restricted record (DESIGN §5).
STAFF_DOWNLOAD = "case.attachment_viewed"


def download(
    request: HttpRequest, attachment: Attachment, *, layout: str, back_url: str, by_staff: bool = False
) -> HttpResponse:
    """The file as a download, or a 404 page in `layout` (the base template of the page it
    was linked from) leading back to `back_url` when storage no longer has it. `by_staff`
    writes an audit event for the download: who, which file, of which case."""
    try:
        handle = attachment.file.open("rb")
    except OSError as exc:  # FileNotFoundError on disk; storages for S3 raise it or another OSError
        logger.warning(
            "Attachment %s (case %s, stored as %r) is missing from storage: %s",
            attachment.public_id,
            attachment.case_id,
            attachment.file.name,
            exc,
        )
        return render(request, "cases/file_unavailable.html", {"layout": layout, "back_url": back_url}, status=404)
    if by_staff:
        case = attachment.case
        audit.record(
            actor=request.user,
            action=STAFF_DOWNLOAD,
            target=case,
            data={
                "attachment": attachment.pk,
                "public_id": str(attachment.public_id),
                "name": attachment.original_name,
                "restricted": case.service.restricted,
            },
        )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type or FALLBACK_CONTENT_TYPE,
    )
    # Also set for every response by SECURE_CONTENT_TYPE_NOSNIFF; said here so that a
    # download never depends on a setting to stop a browser running it as a page.
    response["X-Content-Type-Options"] = "nosniff"
    # Personal data: no shared cache keeps a copy.
    patch_cache_control(response, private=True, no_store=True)
    return response
