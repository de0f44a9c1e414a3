"""Every write about waste collections, each in one transaction with its audit event."""

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from townhall.waste.models import ScheduleVersion
from townhall.waste.selectors import CACHE_SECONDS, VERSION_CACHE_KEY


def bump_schedule_version() -> int:
    """Rounds or collection days changed: every cached bin day is stale from now on."""
    with transaction.atomic():
        row, _created = ScheduleVersion.objects.select_for_update().get_or_create(pk=1)
        ScheduleVersion.objects.filter(pk=row.pk).update(version=F("version") + 1, changed_at=timezone.now())
        version = ScheduleVersion.objects.get(pk=row.pk).version
    transaction.on_commit(lambda: cache.set(VERSION_CACHE_KEY, version, CACHE_SECONDS))
    return version
