"""The shared kernel's tables: the audit log, the transactional outbox and the calendar."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One append-only line of who did what, when and from where."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, help_text=_("Who acted, kept even if the user is removed."))
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_type}:{self.target_id}"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, retrying")
    DEAD = "dead", _("Stuck: gave up retrying")


class OutboxMessage(models.Model):
    """Work for the outside world, written in the same transaction as the change behind it.

    The relay delivers it after commit, at least once, retrying with back-off; its
    `key` is unique so the same effect is never queued twice, and receivers get it as
    a delivery key so that a repeat delivery does nothing.
    """

    key = models.CharField(max_length=200, unique=True)
    topic = models.CharField(max_length=80, db_index=True)
    payload = models.JSONField(default=dict)
    ordering_key = models.CharField(
        max_length=120, blank=True, db_index=True, help_text=_("Messages with the same key go out in order.")
    )
    status = models.CharField(max_length=10, choices=OutboxStatus, default=OutboxStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_due_idx",
                condition=models.Q(status__in=["pending", "failed"]),
            ),
            # Everything not yet sent, by status: the few rows the Outbox page counts and
            # lists among years of sent ones (`outbox.unsent()` matches its condition).
            models.Index(
                fields=["status", "next_attempt_at"],
                name="outbox_unsent_idx",
                condition=~models.Q(status="sent"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.key} ({self.status})"


class Holiday(models.Model):
    """A non-working day beyond the bundled England and Wales bank holidays.

    Rows come from refreshing the GOV.UK list (one-off holidays announced after this
    release) or from the council's own closure days.
    """

    date = models.DateField(unique=True)
    title = models.CharField(max_length=120)
    source = models.CharField(max_length=20, choices=[("govuk", "GOV.UK list"), ("council", "Council closure")])

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date}: {self.title}"
