"""The one slot and capacity engine: anything people book a place in (bulky waste
collections now, hall bookings and appointments later).

A `Calendar` is a bookable thing with its rules (how far ahead, the cut-off, how long an
unconfirmed booking holds its place). Capacity is kept per calendar, `zone` and day, and
optionally per time of day: a zone is whatever the module partitions by (a waste round
area, a room), as a plain string key, so the engine knows nothing of rounds or rooms.

`WeeklyCapacity` is the usual week; a `Slot` is one day's (or one time's) capacity as it
really is. Slots are made from the week when first booked, or by staff changing a day
(`overridden`): more places, fewer, or closed. A `Booking` holds `units` of a slot; the
slot's `used` counter is changed only under its row lock, and PostgreSQL refuses a
`used` above `places` whatever the code does.
"""

import datetime as dt

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]
ZONE_MAX_LENGTH = 40


class Calendar(models.Model):
    name = models.CharField(max_length=120, help_text=_("For example, Bulky waste collections."))
    slug = models.SlugField(max_length=60, unique=True)
    description = models.TextField(blank=True)
    window_days = models.PositiveSmallIntegerField(
        default=56, validators=[MinValueValidator(1)], help_text=_("How many days ahead people may book.")
    )
    cutoff_days = models.PositiveSmallIntegerField(
        default=1,
        help_text=_(
            "Booking, changing and cancelling a day close this many days before it (working days when only "
            "working days count); 0 for the day itself."
        ),
    )
    cutoff_time = models.TimeField(
        default=dt.time(14, 0), help_text=_("The time on the cut-off day, London time, when the day closes.")
    )
    hold_minutes = models.PositiveSmallIntegerField(
        default=30,
        validators=[MinValueValidator(1)],
        help_text=_("How long a booking not yet confirmed (not yet paid for, say) keeps its place."),
    )
    working_days_only = models.BooleanField(
        default=True,
        help_text=_(
            "Weekends and bank holidays are closed unless staff open them, and the cut-off counts working days."
        ),
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(window_days__gte=1), name="calendar_window_positive"),
            models.CheckConstraint(condition=Q(hold_minutes__gte=1), name="calendar_hold_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class WeeklyCapacity(models.Model):
    """The usual week: so many places in a zone on a weekday (at a time of day, for appointments)."""

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="weekly")
    zone = models.CharField(max_length=ZONE_MAX_LENGTH, help_text=_("The area or resource, e.g. a round area code."))
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS)
    start_time = models.TimeField(null=True, blank=True, help_text=_("Empty for capacity across the whole day."))
    end_time = models.TimeField(null=True, blank=True)
    places = models.PositiveIntegerField(validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = "weekly capacity"
        verbose_name_plural = "weekly capacity"
        ordering = ["calendar_id", "zone", "weekday", "start_time"]
        constraints = [
            models.UniqueConstraint(
                fields=["calendar", "zone", "weekday", "start_time"],
                nulls_distinct=False,
                name="one_weekly_capacity_per_time",
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="weekly_capacity_weekday_valid"),
            models.CheckConstraint(condition=~Q(zone=""), name="weekly_capacity_zone_given"),
            models.CheckConstraint(condition=Q(places__gte=1), name="weekly_capacity_places_positive"),
            models.CheckConstraint(
                condition=(Q(start_time__isnull=True) & Q(end_time__isnull=True))
                | (Q(start_time__isnull=False) & Q(end_time__gt=F("start_time"))),
                name="weekly_capacity_times_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.calendar_id} {self.zone} {self.get_weekday_display()} {self.start_time or ''}: {self.places}"


class Slot(models.Model):
    """One day's capacity in a zone (or one time of that day), as it really is."""

    calendar = models.ForeignKey(Calendar, on_delete=models.PROTECT, related_name="slots")
    zone = models.CharField(max_length=ZONE_MAX_LENGTH)
    day = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    places = models.PositiveIntegerField()
    used = models.PositiveIntegerField(default=0, editable=False)
    closed = models.BooleanField(default=False)
    note = models.CharField(max_length=200, blank=True, help_text=_("Why the day was changed, for staff."))
    # Set by staff by hand: changes to the usual week and bank holidays leave it alone.
    overridden = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["calendar_id", "day", "zone", "start_time"]
        constraints = [
            models.UniqueConstraint(
                fields=["calendar", "zone", "day", "start_time"], nulls_distinct=False, name="one_slot_per_time"
            ),
            # The last place goes once: whatever the code does, PostgreSQL refuses an overbooking.
            models.CheckConstraint(condition=Q(used__lte=F("places")), name="slot_used_within_places"),
            models.CheckConstraint(condition=~Q(zone=""), name="slot_zone_given"),
        ]
        indexes = [models.Index(fields=["calendar", "day"], name="slot_calendar_day_idx")]

    def __str__(self) -> str:
        time = f" {self.start_time:%H:%M}" if self.start_time else ""
        return f"{self.calendar_id} {self.zone} {self.day}{time}: {self.used}/{self.places}"

    @property
    def left(self) -> int:
        return max(self.places - self.used, 0)


class BookingStatus(models.TextChoices):
    HELD = "held", _("Held, not confirmed")
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")
    RELEASED = "released", _("Released, not confirmed in time")
    COMPLETED = "completed", _("Completed")


# Bookings that hold units of their slot.
LIVE_STATUSES = [BookingStatus.HELD, BookingStatus.CONFIRMED]


class Booking(models.Model):
    calendar = models.ForeignKey(Calendar, on_delete=models.PROTECT, related_name="bookings")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="bookings")
    # Every request is a case (DESIGN §1): the owner of the booking, when there is one.
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="bookings")
    units = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    summary = models.CharField(
        max_length=300, blank=True, help_text=_("What is booked, for the day's list: for example, Sofa, fridge.")
    )
    status = models.CharField(max_length=20, choices=BookingStatus, default=BookingStatus.HELD)
    expires_at = models.DateTimeField(null=True, blank=True, help_text=_("When a held booking gives its place back."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True, help_text=_("When cancelled, released or completed."))
    cancel_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        # Own columns only: a locking query (SELECT ... FOR UPDATE) must not join other tables.
        ordering = ["created_at", "pk"]
        constraints = [
            # A second hold for the same request moves the first instead of booking twice.
            models.UniqueConstraint(
                fields=["calendar", "case"],
                condition=Q(status__in=LIVE_STATUSES) & Q(case__isnull=False),
                name="one_live_booking_per_case",
            ),
            models.CheckConstraint(condition=Q(units__gte=1), name="booking_units_positive"),
            models.CheckConstraint(
                condition=~Q(status=BookingStatus.HELD) | Q(expires_at__isnull=False), name="held_booking_expires"
            ),
        ]
        indexes = [
            models.Index(fields=["expires_at"], condition=Q(status=BookingStatus.HELD), name="held_booking_expiry_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.slot_id} x{self.units} {self.status}"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    @property
    def day(self) -> dt.date:
        return self.slot.day

    @property
    def zone(self) -> str:
        return self.slot.zone
