"""Containers and assisted collections in the admin: the council's container rules are kept
here; requests, applications, assisted collections and what the built-in back office
received are read only (they change through `townhall.waste.containers`, which tells the
resident, the crews and the back office).

Imported by townhall/waste/admin.py."""

from django.contrib import admin

from townhall.waste.models import (
    AssistedApplication,
    AssistedCollection,
    ContainerRequest,
    ContainerRule,
    WasteBackOfficeEvent,
)


@admin.register(ContainerRule)
class ContainerRuleAdmin(admin.ModelAdmin):
    list_display = ["container", "kind", "offered", "price_pence", "free_per_year", "max_quantity", "needs_approval"]
    list_filter = ["container", "kind"]


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ContainerRequest)
class ContainerRequestAdmin(ReadOnly):
    list_display = ["case", "property", "container", "kind", "quantity", "price_pence", "delivery_status"]
    list_filter = ["delivery_status", "container", "kind"]
    search_fields = ["case__reference"]
    list_select_related = ["case", "property"]


@admin.register(AssistedApplication)
class AssistedApplicationAdmin(ReadOnly):
    list_display = ["case", "property", "reason", "decision", "created_at"]
    list_filter = ["decision"]
    search_fields = ["case__reference"]
    list_select_related = ["case", "property"]


@admin.register(AssistedCollection)
class AssistedCollectionAdmin(ReadOnly):
    list_display = ["property", "active", "starts", "ends", "location_note"]
    list_filter = ["active"]
    list_select_related = ["property"]


@admin.register(WasteBackOfficeEvent)
class WasteBackOfficeEventAdmin(ReadOnly):
    list_display = ["received_at", "topic", "case_reference", "key", "deliveries"]
    list_filter = ["topic"]
    search_fields = ["case_reference", "key"]
