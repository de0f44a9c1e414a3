"""Every write to bookings and capacity, one transaction and one audit event each.

Places are taken and given back only here, under the slot's row lock (`SELECT ... FOR
UPDATE`), with the `used` counter changed by `F()`; PostgreSQL's check `used <= places`
backs it up, so the last place goes once. Locks are always taken booking first, then
slots in the order of their ids, so two changes never wait on each other in a circle.

A booking is `held` (its place kept until `expires_at`), then `confirmed` (by the module,
once paid for, say), and ends `cancelled`, `released` (not confirmed in time: its place
goes back) or `completed`. Every request is a case: with `case`, a second `hold` for it
moves the first booking rather than booking twice.

Bookings are in `booking.py`, staff changes to capacity in `capacity.py`, what they share
in `common.py`; modules use the names here. The reads modules need (`available_dates`,
`available_slots`, `day_list`) live in `selectors.py` and are named here too, so a module
needs only this one import.
"""

from townhall.bookings.selectors import (
    Availability,
    SlotAvailability,
    available_dates,
    available_slots,
    day_list,
    live_booking,
)
from townhall.bookings.services.booking import (
    RELEASE_BATCH,
    cancel,
    change_units,
    complete,
    confirm,
    hold,
    move,
    release_expired,
)
from townhall.bookings.services.capacity import reset_day_capacity, set_day_capacity, set_weekly_places
from townhall.bookings.services.common import BookingError, describe_cutoff, describe_cutoff_rule

__all__ = [
    "RELEASE_BATCH",
    "Availability",
    "BookingError",
    "SlotAvailability",
    "available_dates",
    "available_slots",
    "cancel",
    "change_units",
    "complete",
    "confirm",
    "day_list",
    "describe_cutoff",
    "describe_cutoff_rule",
    "hold",
    "live_booking",
    "move",
    "release_expired",
    "reset_day_capacity",
    "set_day_capacity",
    "set_weekly_places",
]
