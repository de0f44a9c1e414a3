"""Queueing notifications. Sending happens after commit, through the outbox."""

import re

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from townhall.catalogue.models import NotificationEvent, NotificationTemplate
from townhall.core import outbox
from townhall.core.money import format_pence
from townhall.notifications.models import Notification
from townhall.notifications.templates_default import DEFAULT_TEMPLATES

_PLACEHOLDER = re.compile(r"\(\(([a-z_]+)\)\)")


def fill_placeholders(text: str, values: dict[str, str]) -> str:
    """Replaces ((name)) with its value; an unknown placeholder is left for a person to see."""
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), text)


def template_text(*, service, event: str) -> tuple[str, str]:
    """The service's own template for the event, else the council's default, else the built-in one."""
    templates = {
        t.service_id: t
        for t in NotificationTemplate.objects.filter(Q(service=service) | Q(service__isnull=True), event=event)
    }
    chosen = templates.get(service.pk) or templates.get(None)
    return (chosen.subject, chosen.body) if chosen else DEFAULT_TEMPLATES[event]


def queue_email(*, to: str, subject: str, body: str, case=None, event: str = "") -> Notification:
    """Record an email and queue it in the caller's transaction; it goes once, after commit."""
    notification = Notification.objects.create(recipient=to, subject=subject, body=body, case=case, event=event)
    outbox.enqueue(
        topic="email",
        payload={"notification_id": notification.pk},
        key=f"notification:{notification.pk}",
        ordering_key=f"case:{case.pk}" if case else "",
    )
    return notification


def notify_requester(*, case, event: str, update: str = "", extra: dict[str, str] | None = None) -> Notification | None:
    """Email the person who made the request about it, if they gave an address. `extra`
    fills an event's own placeholders (a receipt's amount, say)."""
    recipient = case.requester_email or (case.customer.email if case.customer else "")
    if not recipient:
        return None
    deadline = ""
    if case.due_date and event == NotificationEvent.SUBMITTED:
        deadline = f"We aim to deal with it by {case.due_date.day} {case.due_date:%B %Y}."
    values = {
        "name": case.requester_name or (case.customer.name if case.customer else "") or "resident",
        "reference": case.reference,
        "service": case.service.name,
        "status": case.status_label,
        "update": update,
        "deadline_sentence": deadline,
        "reopen_days": str(case.service.reopen_days),
        "track_url": settings.SITE_URL + reverse("portal:track"),
        "council": settings.COUNCIL_NAME,
        # Payment details belong to receipts and refunds, which pass their own in `extra`.
        "amount": format_pence(case.fee),
        "payment_reference": "",
        "paid_at": "",
        "method": "",
        **(extra or {}),
    }
    subject, body = template_text(service=case.service, event=event)
    return queue_email(
        to=recipient,
        subject=fill_placeholders(subject, values),
        body=fill_placeholders(body, values),
        case=case,
        event=event,
    )


def notify_team(*, case, subject: str, body: str) -> Notification | None:
    """Tell the case's team by email, where the team has a shared inbox."""
    if not case.team.email:
        return None
    return queue_email(to=case.team.email, subject=subject, body=body, case=case, event="team_alert")
