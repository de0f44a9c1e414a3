"""Signed webhooks: what a subscriber receives, and checking the signature as docs/webhooks.md shows."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from townhall.cases import services as case_services
from townhall.cases.models import EventKind
from townhall.core.models import OutboxMessage, OutboxStatus
from townhall.integrations import webhooks
from townhall.integrations.models import WebhookSubscriber
from townhall.integrations.tests.backoffice_testing import drain, retry_all

pytestmark = pytest.mark.django_db
SECRET = "whsec_test_secret"


class Receiver:
    """A subscriber's server on 127.0.0.1: keeps what it is sent, answers `status`."""

    def __init__(self):
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.status = 204
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/events"


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


def _subscribe(url: str, *kinds: str, **fields) -> WebhookSubscriber:
    return WebhookSubscriber.objects.create(
        name=fields.pop("name", "Highways dashboard"), url=url, secret=SECRET, event_kinds=list(kinds), **fields
    )


# The signature a receiver checks.


def _signed(body: bytes, *, secret: str = SECRET, at: int | None = None) -> tuple[str, str]:
    timestamp = str(int(time.time()) if at is None else at)
    return timestamp, webhooks.sign(secret, timestamp, body)


def test_a_good_signature_is_accepted():
    timestamp, signature = _signed(b'{"a":1}')

    assert webhooks.verify_signature(secret=SECRET, body=b'{"a":1}', timestamp=timestamp, signature=signature)


def test_a_tampered_body_is_refused():
    timestamp, signature = _signed(b'{"amount":1}')

    assert not webhooks.verify_signature(secret=SECRET, body=b'{"amount":9}', timestamp=timestamp, signature=signature)


def test_a_signature_made_with_another_secret_is_refused():
    timestamp, signature = _signed(b"{}", secret="whsec_someone_else")

    assert not webhooks.verify_signature(secret=SECRET, body=b"{}", timestamp=timestamp, signature=signature)


def test_a_replay_outside_the_tolerance_is_refused_though_its_signature_is_good():
    timestamp, signature = _signed(b"{}", at=int(time.time()) - webhooks.TOLERANCE_SECONDS - 5)

    assert not webhooks.verify_signature(secret=SECRET, body=b"{}", timestamp=timestamp, signature=signature)
    assert webhooks.verify_signature(
        secret=SECRET, body=b"{}", timestamp=timestamp, signature=signature, now=int(timestamp) + 10
    )


def test_a_changed_timestamp_or_a_malformed_one_is_refused():
    timestamp, signature = _signed(b"{}")

    assert not webhooks.verify_signature(
        secret=SECRET, body=b"{}", timestamp=str(int(timestamp) + 1), signature=signature
    )
    assert not webhooks.verify_signature(secret=SECRET, body=b"{}", timestamp="soon", signature=signature)


def test_any_of_several_signatures_may_match_while_a_secret_is_replaced():
    timestamp, signature = _signed(b"{}")

    assert webhooks.verify_signature(secret=SECRET, body=b"{}", timestamp=timestamp, signature=f"v1=0000, {signature}")


# Deliveries.


def test_a_subscriber_gets_each_event_it_asked_for_signed_with_its_delivery_key(receiver, report):
    _subscribe(receiver.url, EventKind.SUBMITTED, EventKind.STATUS_CHANGED)
    case = report(latitude="51.42", longitude="-0.19")
    case_services.add_note(case=case, text="Not asked for", by=None)
    case_services.change_status(case=case, status="in_progress", by=None)

    drain()

    assert [headers["townhall-event"] for headers, _body in receiver.received] == [
        "case.submitted",
        "case.status_changed",
    ]
    headers, body = receiver.received[1]
    event = case.events.get(kind=EventKind.STATUS_CHANGED)
    subscriber = WebhookSubscriber.objects.get()
    assert headers["townhall-delivery"] == f"webhook:{subscriber.pk}:{event.pk}"
    assert headers["content-type"] == "application/json"
    assert webhooks.verify_signature(
        secret=SECRET, body=body, timestamp=headers["townhall-timestamp"], signature=headers["townhall-signature"]
    )
    sent = json.loads(body)
    assert sent["delivery"] == headers["townhall-delivery"]
    assert sent["event"] | {"at": None} == {
        "id": event.pk,
        "kind": "status_changed",
        "at": None,
        "public": True,
        "text": "",
        "from_status": "submitted",
        "to_status": "in_progress",
    }
    assert sent["case"]["reference"] == case.reference
    assert sent["case"]["latitude"] == "51.420000"
    # The requester's personal details never leave.
    assert b"rosa@example.com" not in body and b"Rosa" not in body


def test_internal_notes_are_sent_without_their_text(receiver, report):
    _subscribe(receiver.url, EventKind.NOTE)
    case = report()
    case_services.add_note(case=case, text="Caller was rude", by=None)

    drain()

    [(_headers, body)] = receiver.received
    assert json.loads(body)["event"]["text"] == ""
    assert b"rude" not in body


def test_a_refused_delivery_is_retried_with_the_same_delivery_key_until_taken(receiver, report):
    _subscribe(receiver.url, EventKind.SUBMITTED)
    receiver.status = 500
    report()
    drain()

    message = OutboxMessage.objects.get(topic=webhooks.TOPIC)
    assert message.status == OutboxStatus.FAILED
    assert message.last_error == "WebhookFailed: Highways dashboard answered 500"

    receiver.status = 200
    retry_all()

    assert OutboxMessage.objects.get(topic=webhooks.TOPIC).status == OutboxStatus.SENT
    keys = {headers["townhall-delivery"] for headers, _body in receiver.received}
    assert keys == {message.key}
    assert len(receiver.received) == 2


def test_a_switched_off_subscriber_is_sent_nothing(receiver, report):
    subscriber = _subscribe(receiver.url, EventKind.SUBMITTED)
    receiver.status = 500
    report()
    drain()
    subscriber.active = False
    subscriber.save()

    retry_all()
    report()
    drain()

    assert len(receiver.received) == 1  # the first, refused, attempt only
    assert OutboxMessage.objects.filter(topic=webhooks.TOPIC).count() == 1


def test_a_receiver_that_is_down_holds_up_no_other(receiver, route, fake_backoffice, report):
    # Given a webhook subscriber that is down and one that is up, and a back office,
    down = _subscribe("http://127.0.0.1:9/nobody-listens", EventKind.SUBMITTED, name="Down")
    _subscribe(receiver.url, EventKind.SUBMITTED, EventKind.STATUS_CHANGED, name="Up")
    case = report()
    case_services.change_status(case=case, status="in_progress", by=None)

    drain()

    # the others get every event, in order, while the failing one waits.
    assert [headers["townhall-event"] for headers, _body in receiver.received] == [
        "case.submitted",
        "case.status_changed",
    ]
    assert [r["reference"] for r in fake_backoffice.created] == [case.reference]
    failing = OutboxMessage.objects.get(topic=webhooks.TOPIC, status=OutboxStatus.FAILED)
    assert failing.payload["subscriber_id"] == down.pk
