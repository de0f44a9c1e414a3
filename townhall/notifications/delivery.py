"""Outbox handlers that send notifications through the configured provider."""

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from townhall.notifications.models import Notification, NotificationStatus


def email_provider():
    return import_string(settings.NOTIFICATIONS_EMAIL_PROVIDER)()


def send_email(payload: dict, delivery_key: str) -> None:
    """Send one queued email; a repeat delivery of the same message sends nothing."""
    notification = Notification.objects.select_for_update().get(pk=payload["notification_id"])
    if notification.status == NotificationStatus.SENT:
        return
    notification.provider_reference = email_provider().send_email(
        to=notification.recipient,
        subject=notification.subject,
        body=notification.body,
        reference=delivery_key.replace(":", "-"),
    )
    notification.status = NotificationStatus.SENT
    notification.sent_at = timezone.now()
    notification.save(update_fields=["status", "sent_at", "provider_reference"])
