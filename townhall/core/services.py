"""Writes to the shared kernel's own tables."""

import datetime as dt

from django.db import transaction

from townhall.core import audit, calendar
from townhall.core.models import Holiday


@transaction.atomic
def add_holidays(*, holidays: list[tuple[dt.date, str]], source: str, by=None) -> int:
    """Record non-working days not already known; returns how many were new."""
    known = calendar.non_working_days()
    added = [Holiday(date=day, title=title, source=source) for day, title in holidays if day not in known]
    Holiday.objects.bulk_create(added, ignore_conflicts=True)
    if added:
        audit.record(actor=by, action="calendar.holidays_added", data={"dates": [h.date.isoformat() for h in added]})
    transaction.on_commit(calendar.forget_cached_holidays)
    return len(added)
