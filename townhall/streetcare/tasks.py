"""Background work of the report journey."""

from celery import shared_task

from townhall.cases.drafting import DRAFT_LIFETIME
from townhall.streetcare import photos


@shared_task(ignore_result=True)
def purge_pending_photos() -> int:
    """Photos added to reports nobody sent go when the report's draft would have."""
    return photos.purge_pending_photos(older_than=DRAFT_LIFETIME)
