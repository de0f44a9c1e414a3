"""Calendars and their usual week are set up here; slots and bookings only change through
`services.py` (the staff pages), so their counters stay true: the admin shows them read only."""

from django.contrib import admin

from townhall.bookings.models import Booking, Calendar, Slot, WeeklyCapacity


class WeeklyCapacityInline(admin.TabularInline):
    model = WeeklyCapacity
    extra = 0
    fields = ["zone", "weekday", "start_time", "end_time", "places"]


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "window_days", "cutoff_days", "cutoff_time", "hold_minutes", "working_days_only"]
    list_filter = ["active", "working_days_only"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [WeeklyCapacityInline]


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Slot)
class SlotAdmin(_ReadOnly):
    list_display = ["calendar", "zone", "day", "start_time", "places", "used", "closed", "overridden"]
    list_filter = ["calendar", "closed", "overridden"]
    search_fields = ["zone"]
    date_hierarchy = "day"
    list_select_related = ["calendar"]


@admin.register(Booking)
class BookingAdmin(_ReadOnly):
    list_display = ["id", "calendar", "slot", "case", "units", "status", "expires_at", "created_at"]
    list_filter = ["calendar", "status"]
    search_fields = ["case__reference", "summary"]
    raw_id_fields = ["slot", "case", "created_by"]
    list_select_related = ["calendar", "slot", "case"]
