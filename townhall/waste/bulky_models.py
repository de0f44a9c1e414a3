"""Models of bulky waste, imported by townhall/waste/models.py.

The council's catalogue of items (`BulkyItem`) is priced item by item, by bands of how
many items there are (`BulkyPriceBand`), or both: an item with its own price costs that
each, the others are counted together and priced by the band their number falls in.
Officers keep both in the admin. A `BulkyBooking` is the waste data of one request (its
case), holding its place in the bookings calendar: the items as priced when booked, where
they will be left, and what the collection costs.
"""

import builtins

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["BulkyBooking", "BulkyItem", "BulkyPriceBand"]


class BulkyItem(models.Model):
    """Something the crews collect, as residents choose it: "Sofa", "Fridge or freezer"."""

    name = models.CharField(max_length=120, help_text=_("As residents see it, for example Sofa."))
    slug = models.SlugField(max_length=60, unique=True)
    hint = models.CharField(max_length=200, blank=True, help_text=_("Shown under the name, for example Up to 3 seats."))
    price_pence = models.PositiveIntegerField(
        null=True,
        blank=True,
        verbose_name=_("price of each, in pence"),
        help_text=_("Blank for an item priced by the bands, with the other items without a price of their own."),
    )
    position = models.PositiveSmallIntegerField(default=0, help_text=_("Items are listed in this order."))
    active = models.BooleanField(default=True, help_text=_("Residents can choose it."))

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class BulkyPriceBand(models.Model):
    """The price of a collection of up to `max_items` items without a price of their own:
    for example up to 3 items £35, up to 6 items £55."""

    max_items = models.PositiveSmallIntegerField(
        unique=True, validators=[MinValueValidator(1)], help_text=_("The most items this price covers.")
    )
    price_pence = models.PositiveIntegerField(verbose_name=_("price, in pence"))

    class Meta:
        ordering = ["max_items"]
        constraints = [models.CheckConstraint(condition=Q(max_items__gte=1), name="bulky_band_max_items_positive")]

    def __str__(self) -> str:
        return f"Up to {self.max_items} items: {self.price_pence}p"


class BulkyBooking(models.Model):
    """A bulky waste collection: the module data of its case (DESIGN §4)."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="bulky_booking")
    property = models.ForeignKey("gazetteer.Property", on_delete=models.PROTECT, related_name="bulky_bookings")
    # Its place in the calendar; moved and resized by the bookings engine, never replaced.
    booking = models.ForeignKey("bookings.Booking", on_delete=models.PROTECT, related_name="bulky_bookings")
    # [{"slug", "name", "quantity", "price"}]: as chosen and priced, price in pence each or
    # None for items priced by the bands.
    items = models.JSONField(default=list)
    location = models.CharField(max_length=300, help_text=_("Where the resident will leave the items."))
    price = models.PositiveIntegerField(help_text=_("What the collection costs, in pence."))
    # More items asked for and waiting to be paid for: their places are taken already.
    pending_items = models.JSONField(null=True, blank=True)
    pending_price = models.PositiveIntegerField(null=True, blank=True)
    pending_expires_at = models.DateTimeField(null=True, blank=True)
    # Cancelled by the council after the cut-off: the refund rules let the money go back.
    council_cancelled = models.BooleanField(default=False)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(pending_items__isnull=True) & Q(pending_price__isnull=True) & Q(pending_expires_at__isnull=True)
                )
                | (
                    Q(pending_items__isnull=False)
                    & Q(pending_price__isnull=False)
                    & Q(pending_expires_at__isnull=False)
                ),
                name="bulky_pending_change_complete",
            ),
        ]
        indexes = [
            models.Index(
                fields=["pending_expires_at"],
                condition=Q(pending_expires_at__isnull=False),
                name="bulky_pending_change_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Bulky waste {self.case_id}"

    @builtins.property  # `property` is the field above in this class's body
    def quantity(self) -> int:
        return sum(item["quantity"] for item in self.items)

    @builtins.property
    def has_pending_change(self) -> bool:
        return self.pending_items is not None
