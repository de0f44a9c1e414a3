"""Messages Townhall sends to people, and the demo's mailbox."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Notification(models.Model):
    """One email to one person, queued through the outbox and sent once."""

    recipient = models.EmailField()
    subject = models.CharField(max_length=250)
    body = models.TextField()
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    event = models.CharField(max_length=30, blank=True)
    status = models.CharField(max_length=10, choices=NotificationStatus, default=NotificationStatus.QUEUED)
    provider_reference = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.subject}"


class DemoMailboxMessage(models.Model):
    """Every email the demo sends, readable in the console instead of leaving the machine."""

    sent_at = models.DateTimeField(default=timezone.now, db_index=True)
    from_email = models.CharField(max_length=250)
    to = models.TextField()
    subject = models.CharField(max_length=250)
    body = models.TextField()
    html_body = models.TextField(blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"
