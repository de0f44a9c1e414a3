"""Queueing notifications. Sending happens after commit, through the outbox."""

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from townhall.cases.following import stop_following_url
from townhall.cases.models import CaseWatcher
from townhall.catalogue.models import NotificationEvent, NotificationTemplate
from townhall.core import outbox
from townhall.notifications.models import Notification
from townhall.notifications.placeholders import EVENT_PLACEHOLDERS, fill_placeholders
from townhall.notifications.templates_default import DEFAULT_TEMPLATES


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
    """Email the person who made the request about it, if they gave an address (that email
    is returned), and, when the event is news of the case, everyone following it: each
    address once, in words for a follower, ending with their link to stop.

    Fills in the placeholders `placeholders.EVENT_PLACEHOLDERS` gives the event, and no
    others: `update` is the text of an update or message, `extra` the event's own values
    (a receipt's payment details, say).
    """
    values = _request_values(case) | _event_values(case, event, update=update, extra=extra or {})

    def send(to: str, template: tuple[str, str], filled: dict[str, str], footer: str = "") -> Notification:
        subject, body = template
        return queue_email(
            to=to,
            subject=fill_placeholders(subject, filled),
            body=fill_placeholders(body, filled) + footer,
            case=case,
            event=event,
        )

    recipient = case.requester_email or (case.customer.email if case.customer else "")
    notification = send(recipient, template_text(service=case.service, event=event), values) if recipient else None
    for watcher in followers_told(case, event, besides=recipient):
        name = (watcher.customer.name if watcher.customer else "") or "resident"
        footer = (
            f"\n\nYou are getting this email because you follow request {case.reference}. "
            f"To stop getting updates: {stop_following_url(watcher)}"
        )
        send(watcher.address, FOLLOWER_TEMPLATES[event], values | {"name": name}, footer)
    return notification


# What happens to a case that its followers hear of as well as its requester (never the
# requester's own messages, receipts or refunds), in words for someone who did not make
# the request and cannot reply to it. Only the event's placeholders, as for the requester.
FOLLOWER_TEMPLATES: dict[str, tuple[str, str]] = {
    NotificationEvent.PUBLIC_UPDATE: (
        "Update on request ((reference)) you follow",
        "Dear ((name)),\n\nAn update on request ((reference)) you follow (((service))):\n\n"
        "((update))\n\nIts status is now: ((status)).\n\n((council))",
    ),
    NotificationEvent.RESOLVED: (
        "Request ((reference)) you follow is resolved",
        "Dear ((name)),\n\nRequest ((reference)) you follow (((service))) is resolved.\n\n((update))\n\n((council))",
    ),
}


def followers_told(case, event: str, *, besides: str = "") -> list[CaseWatcher]:
    """The followers told of `event` on `case` (one query), with their customer record:
    each address once, and none that is `besides` (the requester's)."""
    if event not in FOLLOWER_TEMPLATES:
        return []
    told: dict[str, CaseWatcher] = {}
    for watcher in case.watchers.select_related("customer"):
        address = watcher.address.lower()
        if address and address != besides.lower():
            told.setdefault(address, watcher)
    return list(told.values())


def _request_values(case) -> dict[str, str]:
    """The placeholders every email about a request can use."""
    return {
        "name": case.requester_name or (case.customer.name if case.customer else "") or "resident",
        "reference": case.reference,
        "service": case.service.name,
        "status": case.status_label,
        "track_url": settings.SITE_URL + reverse("portal:track"),
        "council": settings.COUNCIL_NAME,
        "reopen_days": str(case.service.reopen_days),
    }


def _event_values(case, event: str, *, update: str, extra: dict[str, str]) -> dict[str, str]:
    """The event's own placeholders. A caller giving a value the event does not declare, or
    leaving one out, is a mistake in the code: the templates officers write could not use it."""
    own = EVENT_PLACEHOLDERS[event]
    given = dict(extra)
    if "update" in own or update:
        given["update"] = update
    if "deadline_sentence" in own:
        given["deadline_sentence"] = (
            f"We aim to deal with it by {case.due_date.day} {case.due_date:%B %Y}." if case.due_date else ""
        )
    if set(given) != set(own):
        raise ValueError(f"A {event} email fills in {sorted(own)}, not {sorted(given)}")
    return given


def notify_team(*, case, subject: str, body: str) -> Notification | None:
    """Tell the case's team by email, where the team has a shared inbox."""
    if not case.team.email:
        return None
    return queue_email(to=case.team.email, subject=subject, body=body, case=case, event="team_alert")
