"""Sends email through Django's configured email backend (SMTP, or the demo mailbox)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage


class DjangoEmailProvider:
    def send_email(self, *, to: str, subject: str, body: str, reference: str) -> str:
        message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to])
        # A stable Message-ID lets a mail server drop a repeat of the same notification.
        message.extra_headers["Message-ID"] = f"<{reference}@{urlsplit(settings.SITE_URL).hostname}>"
        message.send()
        return reference
