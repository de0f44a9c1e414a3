"""Models of garden waste, imported by townhall/waste/models.py.

A `GardenSubscription` is a year (`WASTE_GARDEN_TERM_MONTHS`) of garden waste collections
for one property, for one or more bins. Its request is a case (one-to-one), paid through
`payments`: the subscription waits as "pending" until the case is paid, then is active
from its start date to its end date. A renewal is a new subscription (and a new case)
starting the day after the one it renews ends. A change of the number of bins mid-term
is a `GardenChange`, with its own case: paid first when it costs money, applied at once
(with any refund) when it does not.

The prices are kept on the subscription as they were when it was bought, so a change of
prices next April never alters what a resident is refunded for this year.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["GardenChange", "GardenChangeKind", "GardenChangeStatus", "GardenStatus", "GardenSubscription"]


class GardenStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for payment")
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Ended")
    CANCELLED = "cancelled", _("Cancelled")


class GardenSubscription(models.Model):
    property = models.ForeignKey("gazetteer.Property", on_delete=models.PROTECT, related_name="garden_subscriptions")
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="garden_subscriptions"
    )
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="garden_subscription")
    # Renewals asked for (one at most is active or waiting for payment; others were not paid).
    renewal_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="renewals")
    bins = models.PositiveSmallIntegerField()
    start_date = models.DateField()
    end_date = models.DateField(help_text=_("The last day of the subscription."))
    status = models.CharField(max_length=10, choices=GardenStatus, default=GardenStatus.PENDING)
    # The prices when it was bought, in pence, and the concession the resident declared.
    first_bin_price = models.PositiveIntegerField()
    extra_bin_price = models.PositiveIntegerField()
    concession = models.BooleanField(default=False)
    discount_percent = models.PositiveSmallIntegerField(default=0)
    price_paid = models.PositiveIntegerField(help_text=_("What the subscription cost, in pence."))
    created_at = models.DateTimeField(default=timezone.now)
    activated_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True, help_text=_("When it expired or was cancelled."))
    # The smallest "days before the end" reminder sent so far: each reminder goes once.
    reminded_days_before = models.PositiveSmallIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(bins__gte=1), name="garden_at_least_one_bin"),
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="garden_ends_after_start"),
            models.CheckConstraint(condition=Q(discount_percent__lte=100), name="garden_discount_at_most_all"),
        ]
        indexes = [
            models.Index(fields=["property", "status", "end_date"], name="garden_property_status_end"),
            models.Index(fields=["status", "end_date"], name="garden_status_end"),
        ]

    def __str__(self) -> str:
        return f"Garden waste {self.property_id} {self.start_date}–{self.end_date} ({self.status})"

    def annual_price(self, bins: int) -> int:
        """What `bins` bins cost for a whole term at this subscription's prices, in pence."""
        full = self.first_bin_price + self.extra_bin_price * max(bins - 1, 0)
        return full - full * self.discount_percent // 100

    def covers(self, day) -> bool:
        return self.status == GardenStatus.ACTIVE and self.start_date <= day <= self.end_date


class GardenChangeKind(models.TextChoices):
    MORE = "more", _("More bins")
    FEWER = "fewer", _("Fewer bins")
    CANCEL = "cancel", _("Cancelled")


class GardenChangeStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for payment")
    DONE = "done", _("Done")
    WITHDRAWN = "withdrawn", _("Not paid for")


class GardenChange(models.Model):
    """A change to a subscription mid-term, and the money it moved: `amount` is what the
    resident paid (more bins) or was refunded (fewer bins, cancelled), in pence."""

    subscription = models.ForeignKey(GardenSubscription, on_delete=models.CASCADE, related_name="changes")
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="garden_change")
    kind = models.CharField(max_length=10, choices=GardenChangeKind)
    bins_before = models.PositiveSmallIntegerField()
    bins_after = models.PositiveSmallIntegerField()
    months_left = models.PositiveSmallIntegerField(help_text=_("Whole months of the term left when asked."))
    amount = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=GardenChangeStatus, default=GardenChangeStatus.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["subscription", "status"], name="garden_change_status")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.bins_before}→{self.bins_after}"
