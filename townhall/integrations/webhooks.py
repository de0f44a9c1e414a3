"""Signed webhooks: case events POSTed as JSON to the systems that subscribe (issue 5, item 6).

The case-event fan-out (`integrations.fanout`) calls `queue_deliveries` for every case
event: each active `WebhookSubscriber` that asked for the event's kind gets one outbox
message (topic "webhook"), keyed by subscriber and event, ordered per subscriber and case.
`deliver` then POSTs it with these headers (docs/webhooks.md is the receivers' guide):

- `Townhall-Delivery`: the delivery key, the same on every retry, so a receiver can
  ignore a repeat;
- `Townhall-Event`: `case.<kind>`;
- `Townhall-Timestamp`: when this attempt was signed, in Unix seconds;
- `Townhall-Signature`: `v1=` and the hex HMAC-SHA256 of `<timestamp>.<body>` keyed
  with the subscriber's secret.

Anything but a 2xx answer raises, and the outbox retries with back-off.
"""

import hashlib
import hmac
import json
import secrets
import time

import requests
from django.conf import settings

from townhall.cases.models import CaseEvent
from townhall.core import outbox
from townhall.integrations.models import WebhookSubscriber

TOPIC = "webhook"
SIGNATURE_SCHEME = "v1"
# How old a signed timestamp a receiver should accept (docs/webhooks.md): longer than any
# clock drift, shorter than a replayed request captured in a log is worth.
TOLERANCE_SECONDS = 5 * 60


class WebhookFailed(Exception):
    """The subscriber did not take the delivery: the outbox tries again later."""


def new_secret() -> str:
    return f"whsec_{secrets.token_urlsafe(32)}"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The `Townhall-Signature` header for `body` sent at `timestamp`."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_SCHEME}={digest}"


def verify_signature(
    *, secret: str, body: bytes, timestamp: str, signature: str, tolerance: int = TOLERANCE_SECONDS, now=None
) -> bool:
    """What a receiver checks (docs/webhooks.md shows it, to copy): the signature matches
    the raw body and timestamp under the shared secret, and the timestamp is recent.
    The header may carry several comma-separated signatures (while a secret is replaced)."""
    try:
        sent_at = int(timestamp)
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - sent_at) > tolerance:
        return False
    expected = sign(secret, timestamp, body)
    return any(hmac.compare_digest(expected, candidate.strip()) for candidate in signature.split(","))


def queue_deliveries(event: CaseEvent) -> None:
    """One delivery per active subscriber that asked for this kind of event."""
    # Matched in Python: subscribers are few, and the demo's SQLite has no JSON "contains".
    subscribers = WebhookSubscriber.objects.filter(active=True).only("pk", "name", "event_kinds")
    for subscriber in (s for s in subscribers if event.kind in s.event_kinds):
        outbox.enqueue(
            topic=TOPIC,
            payload={
                "subscriber_id": subscriber.pk,
                "event_id": event.pk,
                "case_reference": event.case.reference,
                "receiver": subscriber.name,
            },
            key=f"webhook:{subscriber.pk}:{event.pk}",
            ordering_key=f"webhook:{subscriber.pk}:case:{event.case_id}",
        )


def event_body(event: CaseEvent, delivery_key: str) -> dict:
    """What a subscriber is told: the event and the case it belongs to, never the
    requester's personal details nor the text of a line staff keep to themselves."""
    case = event.case
    return {
        "delivery": delivery_key,
        "event": {
            "id": event.pk,
            "kind": event.kind,
            "at": event.at.isoformat(),
            "public": event.public,
            "text": event.text if event.public else "",
            "from_status": event.from_status,
            "to_status": event.to_status,
        },
        "case": {
            "reference": case.reference,
            "service": case.service.slug,
            "service_name": case.service.name,
            "channel": case.channel,
            "submitted_at": case.submitted_at.isoformat(),
            "latitude": None if case.latitude is None else str(case.latitude),
            "longitude": None if case.longitude is None else str(case.longitude),
        },
    }


def deliver(payload: dict, delivery_key: str) -> None:
    """Outbox handler (topic webhook): POST the signed event to its subscriber."""
    subscriber = WebhookSubscriber.objects.filter(pk=payload["subscriber_id"], active=True).first()
    event = CaseEvent.objects.select_related("case__service").filter(pk=payload["event_id"]).first()
    if subscriber is None or event is None:
        return  # switched off or removed since, or the case is gone: nothing to send
    body = json.dumps(event_body(event, delivery_key), separators=(",", ":")).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Townhall-Webhooks/1",
        "Townhall-Delivery": delivery_key,
        "Townhall-Event": f"case.{event.kind}",
        "Townhall-Timestamp": timestamp,
        "Townhall-Signature": sign(subscriber.secret, timestamp, body),
    }
    try:
        response = requests.post(
            subscriber.url, data=body, headers=headers, timeout=settings.WEBHOOK_TIMEOUT_SECONDS, allow_redirects=False
        )
    except requests.RequestException as error:
        raise WebhookFailed(f"Could not reach {subscriber.name}: {error}") from error
    if not 200 <= response.status_code < 300:
        raise WebhookFailed(f"{subscriber.name} answered {response.status_code}")
