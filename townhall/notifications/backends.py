"""The demo's email backend: every message lands in a mailbox the console shows."""

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage


class DemoMailboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages: list[EmailMessage]) -> int:
        from townhall.notifications.models import DemoMailboxMessage

        for message in email_messages:
            html = next((content for content, mime in getattr(message, "alternatives", []) if mime == "text/html"), "")
            DemoMailboxMessage.objects.create(
                from_email=message.from_email,
                to=", ".join(message.to + message.cc + message.bcc),
                subject=message.subject,
                body=message.body,
                html_body=html,
            )
        return len(email_messages)
