"""Staff changes to capacity: one day's places, or an area's usual week."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from townhall.bookings.models import Calendar, Slot, WeeklyCapacity
from townhall.bookings.services.common import BookingError, check_zone, ensure_slot, lock_slots, slot_lookup
from townhall.core import audit


def set_day_capacity(
    calendar: Calendar,
    zone: str,
    day: dt.date,
    *,
    places: int,
    closed: bool,
    note: str = "",
    by: Any,
    start: dt.time | None = None,
) -> Slot:
    """Staff change one day: its places (more, fewer, or a day the usual week has none) or
    close it. Bookings already made stay; places cannot go below what is booked. The day
    then keeps these places whatever the usual week or the bank holidays say."""
    check_zone(zone)
    if places < 0:
        raise BookingError(_("Places must be 0 or more"), code="invalid")
    with transaction.atomic():
        slot_pk = ensure_slot(calendar, zone, day, start, places=places)
        slot = lock_slots(slot_pk)[slot_pk]
        if places < slot.used:
            raise BookingError(
                ngettext(
                    "Places must be %(used)s or more: %(used)s place is already booked",
                    "Places must be %(used)s or more: %(used)s places are already booked",
                    slot.used,
                )
                % {"used": slot.used},
                code="below_used",
            )
        before = {"places": slot.places, "closed": slot.closed, "overridden": slot.overridden}
        slot.places, slot.closed, slot.note, slot.overridden = places, closed, note[:200], True
        slot.save(update_fields=["places", "closed", "note", "overridden", "updated_at"])
        audit.record(
            actor=by,
            action="bookings.day_changed",
            target=slot,
            data={
                "calendar": calendar.slug,
                "zone": zone,
                "day": day.isoformat(),
                "places": places,
                "closed": closed,
                "note": slot.note,
                "before": before,
            },
        )
        return slot


def reset_day_capacity(
    calendar: Calendar, zone: str, day: dt.date, *, by: Any, start: dt.time | None = None
) -> Slot | None:
    """Undo staff changes to a day: it follows the usual week and the bank holidays again
    (keeping at least the places already booked)."""
    with transaction.atomic():
        slot = Slot.objects.select_for_update().filter(**slot_lookup(calendar, zone, day, start)).first()
        if slot is None or not slot.overridden:
            return slot
        usual = WeeklyCapacity.objects.filter(
            calendar=calendar, zone=zone, weekday=day.weekday(), start_time=start
        ).first()
        slot.places = max(usual.places if usual else 0, slot.used)
        slot.closed, slot.note, slot.overridden = False, "", False
        slot.save(update_fields=["places", "closed", "note", "overridden", "updated_at"])
        audit.record(
            actor=by,
            action="bookings.day_reset",
            target=slot,
            data={"calendar": calendar.slug, "zone": zone, "day": day.isoformat(), "places": slot.places},
        )
        return slot


def set_weekly_places(
    calendar: Calendar, zone: str, places_by_weekday: dict[int, int], *, by: Any, today: dt.date | None = None
) -> None:
    """The usual week for a zone, booked by the whole day: places per weekday (0 for none;
    0 is Monday). Days from `today` already made from the usual week follow it (never below
    what is booked); days staff changed by hand keep their places."""
    check_zone(zone)
    if set(places_by_weekday) - set(range(7)) or any(p < 0 for p in places_by_weekday.values()):
        raise BookingError(_("Places must be 0 or more for each day of the week"), code="invalid")
    today = today or timezone.localdate()
    with transaction.atomic():
        Calendar.objects.select_for_update().filter(pk=calendar.pk).first()  # one change to a week at a time
        before = dict(
            WeeklyCapacity.objects.filter(calendar=calendar, zone=zone, start_time__isnull=True).values_list(
                "weekday", "places"
            )
        )
        for weekday, places in sorted(places_by_weekday.items()):
            if places == before.get(weekday, 0):
                continue
            usual = WeeklyCapacity.objects.filter(calendar=calendar, zone=zone, weekday=weekday, start_time=None)
            if places:
                if not usual.update(places=places):
                    WeeklyCapacity.objects.create(calendar=calendar, zone=zone, weekday=weekday, places=places)
            else:
                usual.delete()
            made = Slot.objects.filter(
                calendar=calendar,
                zone=zone,
                start_time__isnull=True,
                overridden=False,
                day__gte=today,
                day__iso_week_day=weekday + 1,
            )
            if not places:
                # Days nobody ever booked go; the others keep only what is booked.
                made.filter(bookings__isnull=True).delete()
            made.update(places=Greatest(places, F("used")), updated_at=timezone.now())
        audit.record(
            actor=by,
            action="bookings.week_changed",
            target=calendar,
            data={
                "zone": zone,
                "before": {str(k): v for k, v in sorted(before.items())},
                "after": {str(k): v for k, v in sorted(places_by_weekday.items())},
            },
        )
