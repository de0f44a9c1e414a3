"""Bulky waste in the admin: officers keep the catalogue of items and the price bands here;
bookings are read only (they change through `townhall.waste.bulky`, so the places stay true).

Imported by townhall/waste/admin.py."""

from django.contrib import admin

from townhall.waste.models import BulkyBooking, BulkyItem, BulkyPriceBand


@admin.register(BulkyItem)
class BulkyItemAdmin(admin.ModelAdmin):
    list_display = ["name", "price_pence", "position", "active"]
    list_editable = ["price_pence", "position", "active"]
    list_filter = ["active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(BulkyPriceBand)
class BulkyPriceBandAdmin(admin.ModelAdmin):
    list_display = ["max_items", "price_pence"]


@admin.register(BulkyBooking)
class BulkyBookingAdmin(admin.ModelAdmin):
    list_display = ["case", "property", "booking", "price", "created_at"]
    search_fields = ["case__reference"]
    raw_id_fields = ["case", "property", "booking"]
    list_select_related = ["case", "property", "booking"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
