"""Writes of the webhook pages: subscribers, each change with its audit event (never the secret)."""

from django.db import transaction

from townhall.core import audit
from townhall.integrations.models import WebhookSubscriber
from townhall.integrations.webhooks import new_secret


@transaction.atomic
def add_subscriber(*, name: str, url: str, event_kinds: list[str], active: bool, by) -> WebhookSubscriber:
    """A new subscriber, with a fresh signing secret to give its owner."""
    subscriber = WebhookSubscriber.objects.create(
        name=name, url=url, event_kinds=sorted(event_kinds), active=active, secret=new_secret()
    )
    audit.record(actor=by, action="webhook_subscriber.created", target=subscriber, data=_described(subscriber))
    return subscriber


@transaction.atomic
def change_subscriber(
    *,
    subscriber: WebhookSubscriber,
    name: str,
    url: str,
    event_kinds: list[str],
    active: bool,
    replace_secret: bool,
    by,
) -> WebhookSubscriber:
    """Change a subscriber; deliveries already queued are signed with the secret current
    when they are sent."""
    subscriber.name, subscriber.url, subscriber.event_kinds, subscriber.active = name, url, sorted(event_kinds), active
    if replace_secret:
        subscriber.secret = new_secret()
    subscriber.save()
    audit.record(
        actor=by,
        action="webhook_subscriber.changed",
        target=subscriber,
        data={**_described(subscriber), "secret_replaced": replace_secret},
    )
    return subscriber


def _described(subscriber: WebhookSubscriber) -> dict:
    return {
        "name": subscriber.name,
        "url": subscriber.url,
        "events": subscriber.event_kinds,
        "active": subscriber.active,
    }
