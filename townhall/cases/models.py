"""Cases: every request from every channel, with its timeline."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from townhall.accounts.models import Team
from townhall.catalogue.models import Channel, FormDefinition, Service


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Case(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="cases")
    form = models.ForeignKey(FormDefinition, on_delete=models.PROTECT, related_name="cases")
    answers = models.JSONField(default=dict)
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    # What the requester gave, as given: anonymous requests have only this.
    requester_name = models.CharField(max_length=200, blank=True)
    requester_email = models.EmailField(blank=True, db_index=True)
    requester_phone = models.CharField(max_length=30, blank=True)
    address = models.ForeignKey(
        "gazetteer.Property", null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    channel = models.CharField(max_length=20, choices=Channel)
    status = models.CharField(max_length=40)
    is_closed = models.BooleanField(default=False)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="cases")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_cases"
    )
    priority = models.CharField(max_length=10, choices=Priority, default=Priority.NORMAL)
    fee = models.PositiveIntegerField(
        default=0, help_text=_("What the request costs, in pence, fixed when it was made.")
    )
    due_date = models.DateField(null=True, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    has_new_message = models.BooleanField(
        default=False, help_text=_("The resident has written since staff last opened the case.")
    )
    # Bumped by every change: an edit made against an older version is refused, not applied.
    version = models.PositiveIntegerField(default=1)
    # The form submission's idempotency key: a double click or a retry finds the first case.
    submission_key = models.UUIDField(unique=True, null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["team", "is_closed", "due_date"]),
            models.Index(fields=["assignee", "is_closed"]),
            # By service and state; with is_closed and id too, the public street reports
            # are counted (by category, open or fixed) from this index, not the cases' rows.
            models.Index(fields=["service", "status", "is_closed", "id"], name="case_service_status_idx"),
            # Date-windowed reads across services, newest first (Open311 GET requests, reporting).
            models.Index(fields=["submitted_at", "id"], name="case_submitted_idx"),
            models.Index(fields=["team"], condition=models.Q(has_new_message=True), name="case_new_message_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.service}"

    @property
    def status_label(self) -> str:
        return self.service.state_label(self.status)

    @property
    def staff_status_label(self) -> str:
        return self.service.staff_state_label(self.status)

    @property
    def is_overdue(self) -> bool:
        return not self.is_closed and self.due_date is not None and self.due_date < timezone.localdate()


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Request received")
    STATUS_CHANGED = "status_changed", _("Status changed")
    ASSIGNED = "assigned", _("Assigned")
    NOTE = "note", _("Internal note")
    PUBLIC_UPDATE = "public_update", _("Update")
    MESSAGE_IN = "message_in", _("Message from the resident")
    MESSAGE_OUT = "message_out", _("Message to the resident")
    ATTACHMENT = "attachment", _("Attachment")
    REOPENED = "reopened", _("Reopened")
    PRIORITY_CHANGED = "priority_changed", _("Priority changed")
    AWAITING_PAYMENT = "awaiting_payment", _("Waiting for payment")
    PAYMENT = "payment", _("Payment")
    REFUND = "refund", _("Refund")
    WATCHER_ADDED = "watcher_added", _("Follower added")
    WATCHER_REMOVED = "watcher_removed", _("Follower removed")


class CaseEvent(models.Model):
    """One line of a case's timeline. `public` lines are shown to the resident."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    public = models.BooleanField(default=False)
    text = models.TextField(blank=True)
    from_status = models.CharField(max_length=40, blank=True)
    to_status = models.CharField(max_length=40, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{self.case.reference} {self.get_kind_display()}"


class WatchReason(models.TextChoices):
    DUPLICATE_REPORT = "duplicate_report", _("Reported it too")
    SUPPORTER = "supporter", _("Supports the request")
    ASKED = "asked", _("Asked to be kept informed")


class CaseWatcher(models.Model):
    """Someone besides the requester who hears of a case's progress: a customer record, or
    only an email address when they have none."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="watchers")
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.CASCADE, related_name="watching"
    )
    email = models.EmailField(blank=True, help_text=_("The address they gave, if any."))
    reason = models.CharField(max_length=20, choices=WatchReason)
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(customer__isnull=False) | ~models.Q(email=""), name="case_watcher_is_someone"
            ),
            models.UniqueConstraint(
                fields=["case", "customer"],
                condition=models.Q(customer__isnull=False),
                name="case_watcher_once_per_customer",
            ),
            models.UniqueConstraint(
                fields=["case", "email"], condition=~models.Q(email=""), name="case_watcher_once_per_email"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} {self.customer or self.email}"

    @property
    def address(self) -> str:
        """Where their emails go: the address they gave, else their record's."""
        return self.email or (self.customer.email if self.customer else "")


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Never the uploader's file name on disk: it is untrusted input.
    return f"cases/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(CaseEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    public = models.BooleanField(default=True, help_text=_("The resident can see it."))
    question_key = models.CharField(max_length=60, blank=True, help_text=_("The form question it answers, if any."))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class Draft(models.Model):
    """A form in progress: answers so far, kept between pages and, for a signed-in
    resident, until they come back to it."""

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="drafts")
    form = models.ForeignKey(FormDefinition, on_delete=models.CASCADE, related_name="drafts")
    answers = models.JSONField(default=dict)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="drafts"
    )
    session_key = models.CharField(max_length=40, blank=True, db_index=True)
    channel = models.CharField(max_length=20, choices=Channel, default=Channel.WEB)
    # For a form an agent fills in on a caller's behalf.
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    contact = models.ForeignKey("customers.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    saved = models.BooleanField(default=False, help_text=_("The resident chose to save it and come back later."))
    submission_key = models.UUIDField(default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"Draft {self.service}"
