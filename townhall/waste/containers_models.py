"""Models of containers and assisted collections, imported by townhall/waste/models.py.

A container request (a new, replacement, extra or larger bin, box or caddy) and an
application for an assisted collection are each a `Case` of their service; the rows here
hang off the case one-to-one and hold what the module needs: what was asked for, what it
cost, the officer's decision and where the delivery stands. `ContainerRule` is the
council's table of what may be asked for and what it costs (defaults in
`containers.DEFAULT_RULES`, a row here overrides one). An approved application gives
the property its `AssistedCollection`, which the crews' lists show.

`WasteBackOfficeEvent` is what the built-in back office (`backoffice/builtin.py`) has
received: the demo's stand-in for the council's waste system.
"""

import builtins
import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = [
    "AssistedApplication",
    "AssistedCollection",
    "AssistedDuration",
    "AssistedReason",
    "Container",
    "ContainerKind",
    "ContainerReason",
    "ContainerRequest",
    "ContainerRule",
    "Decision",
    "DeliveryStatus",
    "WasteBackOfficeEvent",
]


class Container(models.TextChoices):
    REFUSE_BIN = "refuse_bin", _("Rubbish bin (wheelie bin)")
    RECYCLING_BIN = "recycling_bin", _("Recycling bin (wheelie bin)")
    RECYCLING_BOX = "recycling_box", _("Recycling box")
    FOOD_CADDY = "food_caddy", _("Food waste caddy")


class ContainerKind(models.TextChoices):
    """What sort of request it is: the council's rules are set per container and kind."""

    NEW = "new", _("For a new home")
    REPLACEMENT = "replacement", _("A replacement")
    ADDITIONAL = "additional", _("An extra one")
    LARGER = "larger", _("A larger one")


class ContainerReason(models.TextChoices):
    """The resident's answer to "Why do you need it?": it decides the kind of request."""

    NEW_HOME = "new_home", _("New home with none")
    BROKEN = "broken", _("Broken")
    LOST = "lost", _("Lost or stolen")
    EXTRA = "extra", _("Needs an extra one")
    LARGER = "larger", _("Needs a larger one")


class ContainerRule(models.Model):
    """What the council allows for one container and kind of request, and what it costs.
    Without a row, the built-in default for that pair applies (`containers.DEFAULT_RULES`).

    A rule that needs an officer's approval cannot charge: the request would wait for its
    payment before any officer saw it."""

    container = models.CharField(max_length=20, choices=Container)
    kind = models.CharField(max_length=20, choices=ContainerKind)
    offered = models.BooleanField(default=True, help_text=_("Residents may ask for it online."))
    price_pence = models.PositiveIntegerField(
        default=0, help_text=_("The delivery charge for each container, in pence; 0 for free.")
    )
    free_per_year = models.PositiveSmallIntegerField(
        default=0,
        help_text=_("How many a property gets free in any 12 months before the charge applies (e.g. one extra box)."),
    )
    max_quantity = models.PositiveSmallIntegerField(default=1, help_text=_("The most in one request."))
    needs_approval = models.BooleanField(
        default=False,
        help_text=_("The resident declares their household size or medical need and an officer approves."),
    )

    class Meta:
        ordering = ["container", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["container", "kind"], name="one_container_rule_per_kind"),
            models.CheckConstraint(
                condition=Q(needs_approval=False) | Q(price_pence=0), name="container_rule_approval_is_free"
            ),
            models.CheckConstraint(condition=Q(max_quantity__gte=1), name="container_rule_max_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_container_display()}: {self.get_kind_display()}"


class DeliveryStatus(models.TextChoices):
    AWAITING_PAYMENT = "awaiting_payment", _("Waiting for payment")
    AWAITING_APPROVAL = "awaiting_approval", _("Waiting for an officer's decision")
    TO_DELIVER = "to_deliver", _("To be delivered")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


class Decision(models.TextChoices):
    NOT_NEEDED = "not_needed", _("Not needed")
    PENDING = "pending", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class ContainerRequest(models.Model):
    """A request for containers: the case is the delivery job, routed to the waste team."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="container_request")
    property = models.ForeignKey("gazetteer.Property", on_delete=models.PROTECT, related_name="container_requests")
    container = models.CharField(max_length=20, choices=Container)
    kind = models.CharField(max_length=20, choices=ContainerKind)
    reason = models.CharField(max_length=20, choices=ContainerReason)
    quantity = models.PositiveSmallIntegerField(default=1)
    charged_quantity = models.PositiveSmallIntegerField(default=0, help_text=_("How many of them were charged for."))
    price_pence = models.PositiveIntegerField(default=0, help_text=_("What the request cost in all, in pence."))
    # Eligibility for a larger bin, as the resident declared it.
    household_size = models.PositiveSmallIntegerField(null=True, blank=True)
    medical_need = models.BooleanField(null=True, blank=True)
    medical_details = models.TextField(blank=True)
    decision = models.CharField(max_length=20, choices=Decision, default=Decision.NOT_NEEDED)
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    delivery_status = models.CharField(max_length=20, choices=DeliveryStatus)
    delivered_at = models.DateTimeField(null=True, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["property", "container", "kind", "created_at"]),
            models.Index(fields=["delivery_status", "created_at"]),
        ]
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=1), name="container_request_quantity")]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.get_container_display()} ({self.get_kind_display()})"


class AssistedReason(models.TextChoices):
    DISABILITY = "disability", _("A disability or long-term health condition")
    INJURY = "injury", _("An illness or injury, for a while")
    AGE = "age", _("Age or frailty")
    OTHER = "other", _("Something else")


class AssistedDuration(models.TextChoices):
    PERMANENT = "permanent", _("From now on")
    TEMPORARY = "temporary", _("For a while, until a date")


class AssistedApplication(models.Model):
    """A resident who cannot put their bins out asks the crew to fetch and return them."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="assisted_application")
    property = models.ForeignKey("gazetteer.Property", on_delete=models.PROTECT, related_name="assisted_applications")
    reason = models.CharField(max_length=20, choices=AssistedReason)
    details = models.TextField(blank=True)
    bin_location = models.CharField(max_length=300, help_text=_("Where the bins are kept, for the crew."))
    duration = models.CharField(max_length=20, choices=AssistedDuration)
    until = models.DateField(null=True, blank=True)
    someone_can_help = models.BooleanField(
        help_text=_("Someone living at the address could put the bins out (as the resident said).")
    )
    decision = models.CharField(max_length=20, choices=Decision, default=Decision.PENDING)
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["property", "decision"]), models.Index(fields=["decision", "created_at"])]

    def __str__(self) -> str:
        return f"Assisted collection application {self.case_id}"


class AssistedCollection(models.Model):
    """The crew fetches this property's bins from where they are kept and puts them back.
    One per property; approving a later application updates it."""

    property = models.OneToOneField("gazetteer.Property", on_delete=models.PROTECT, related_name="assisted_collection")
    application = models.ForeignKey(
        AssistedApplication, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The resident it was approved for: the one who sees it on their bin-day page.
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="assisted_collections"
    )
    active = models.BooleanField(default=True)
    starts = models.DateField()
    ends = models.DateField(null=True, blank=True, help_text=_("Blank when it has no end date."))
    location_note = models.CharField(max_length=300, help_text=_("Where the crew finds the bins."))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(default=timezone.now)
    ended_reason = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["active", "starts"])]

    def __str__(self) -> str:
        return f"Assisted collection at {self.property_id}"

    def is_current_on(self, day: dt.date) -> bool:
        return self.active and self.starts <= day and (self.ends is None or self.ends >= day)

    @builtins.property  # `property` is the field above in this class's body
    def is_current(self) -> bool:
        return self.is_current_on(timezone.localdate())


class WasteBackOfficeEvent(models.Model):
    """An event the built-in back office received: once per key, however often delivered."""

    key = models.CharField(max_length=200, unique=True)
    topic = models.CharField(max_length=60, db_index=True)
    case_reference = models.CharField(max_length=20, blank=True, db_index=True)
    occurred_at = models.DateTimeField()
    data = models.JSONField(default=dict)
    received_at = models.DateTimeField(default=timezone.now)
    deliveries = models.PositiveIntegerField(default=1, help_text=_("How many times it arrived (repeats ignored)."))

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.topic} {self.case_reference}"
