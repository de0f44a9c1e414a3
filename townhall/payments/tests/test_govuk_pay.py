"""The GOV.UK Pay adapter against a local fake of GOV.UK Pay's public API (no database needed)."""

import datetime as dt
import hashlib
import hmac
import json
import logging
import socket
import zoneinfo

import pytest
import requests

from townhall.payments import providers as p
from townhall.payments.providers import govuk_pay
from townhall.payments.providers.govuk_pay import GovUkPayProvider
from townhall.payments.tests.fake_govuk_pay import sign

LONDON = zoneinfo.ZoneInfo("Europe/London")
RETURN_URL = "https://townhall.example/payments/return/abc123"


@pytest.fixture
def pay(fake_govuk_pay):
    return GovUkPayProvider()


def create(pay, **overrides):
    fields = {
        "amount": 4500,
        "reference": "TH-BULKY-7Q2",
        "description": "Bulky waste collection",
        "return_url": RETURN_URL,
    }
    return pay.create_payment(**{**fields, **overrides})


def paid(pay, fake, amount=4500):
    payment = create(pay, amount=amount)
    fake.complete(payment.provider_id, "success")
    return pay.get_payment(payment.provider_id)


# Creating a payment.


def test_get_provider_finds_the_govuk_pay_adapter_by_name():
    assert isinstance(p.get_provider("govuk_pay"), GovUkPayProvider)


def test_creates_a_payment_and_gives_the_page_to_send_the_payer_to(pay, fake_govuk_pay):
    payment = create(pay)

    assert payment.provider_id in fake_govuk_pay.payments
    assert payment.status == p.CREATED
    assert not payment.finished
    assert payment.amount == 4500
    assert payment.reference == "TH-BULKY-7Q2"
    assert payment.description == "Bulky waste collection"
    assert payment.next_url.startswith(f"{fake_govuk_pay.url}/secure/")
    assert payment.created_at.tzinfo is not None
    assert (payment.refund_status, payment.amount_available, payment.amount_refunded) == ("pending", 4500, 0)
    assert (payment.failure_code, payment.failure_message) == ("", "")


def test_sends_the_fields_govuk_pay_expects_with_the_bearer_key(pay, fake_govuk_pay):
    create(pay)

    [sent] = fake_govuk_pay.requests
    assert (sent.method, sent.path) == ("POST", "/v1/payments")
    assert sent.headers["authorization"] == f"Bearer {fake_govuk_pay.api_key}"
    assert "idempotency-key" not in sent.headers
    assert sent.json() == {
        "amount": 4500,
        "reference": "TH-BULKY-7Q2",
        "description": "Bulky waste collection",
        "return_url": RETURN_URL,
        "language": "en",
    }


def test_sends_email_moto_and_metadata_only_when_given(pay, fake_govuk_pay):
    payment = create(pay, email="ada@example.com", moto=True, metadata={"case": "TH-7Q2", "ledger_code": "WB100"})

    assert fake_govuk_pay.requests[0].json() == {
        "amount": 4500,
        "reference": "TH-BULKY-7Q2",
        "description": "Bulky waste collection",
        "return_url": RETURN_URL,
        "language": "en",
        "email": "ada@example.com",
        "moto": True,
        "metadata": {"case": "TH-7Q2", "ledger_code": "WB100"},
    }
    assert payment.metadata == {"case": "TH-7Q2", "ledger_code": "WB100"}


def test_the_same_idempotency_key_and_request_finds_the_same_payment(pay, fake_govuk_pay):
    first = create(pay, idempotency_key="th-payment-41")
    again = create(pay, idempotency_key="th-payment-41")

    assert again.provider_id == first.provider_id
    assert len(fake_govuk_pay.payments) == 1
    assert [r.headers["idempotency-key"] for r in fake_govuk_pay.requests] == ["th-payment-41", "th-payment-41"]


def test_refuses_a_reused_idempotency_key_with_a_different_request(pay, fake_govuk_pay):
    create(pay, idempotency_key="th-payment-41")

    with pytest.raises(p.ProviderRefused) as refused:
        create(pay, amount=9900, idempotency_key="th-payment-41")

    assert (refused.value.status, refused.value.code) == (409, "P0191")
    assert len(fake_govuk_pay.payments) == 1


@pytest.mark.parametrize(
    ("overrides", "field", "description"),
    [
        ({"amount": 0}, "amount", "Invalid attribute value: amount. Must be greater than or equal to 1"),
        ({"amount": 10_000_001}, "amount", "Invalid attribute value: amount. Must be less than or equal to 10000000"),
        ({"reference": "R" * 256}, "reference", "Must be less than or equal to 255 characters length"),
        ({"description": "D" * 256}, "description", "Must be less than or equal to 255 characters length"),
        ({"return_url": "not a url"}, "return_url", "Invalid attribute value: return_url. Must be a valid URL format"),
        ({"metadata": {str(n): n for n in range(16)}}, "metadata", "Must contain between 1 and 15 keys"),
    ],
)
def test_refuses_what_govuk_pay_finds_invalid_with_its_own_words(pay, fake_govuk_pay, overrides, field, description):
    with pytest.raises(p.ProviderRefused, match=description) as refused:
        create(pay, **overrides)

    assert (refused.value.status, refused.value.code) == (422, "P0102")
    assert not fake_govuk_pay.payments


def test_accepts_the_largest_amount_and_the_longest_reference(pay):
    payment = create(pay, amount=10_000_000, reference="R" * 255, description="D" * 255)

    assert (payment.amount, len(payment.reference)) == (10_000_000, 255)


# The fake itself answers as the API reference says, for requests the adapter never makes.


def test_the_fake_refuses_a_missing_attribute_and_unparseable_json(fake_govuk_pay):
    auth = {"Authorization": f"Bearer {fake_govuk_pay.api_key}"}

    missing = requests.post(
        f"{fake_govuk_pay.url}/v1/payments",
        json={"amount": 100, "reference": "R", "description": "D"},
        headers=auth,
        timeout=5,
    )
    garbled = requests.post(f"{fake_govuk_pay.url}/v1/payments", data=b"{not json", headers=auth, timeout=5)

    assert missing.status_code == 422
    assert missing.json() == {
        "field": "return_url",
        "code": "P0101",
        "description": "Missing mandatory attribute: return_url",
    }
    assert garbled.status_code == 400
    assert garbled.json() == {"code": "P0197", "description": "Unable to parse JSON"}


# Reading a payment: every state and failure code.


@pytest.mark.parametrize("status", [p.STARTED, p.SUBMITTED, p.CAPTURABLE])
def test_reads_every_unfinished_state(pay, fake_govuk_pay, status):
    payment = create(pay)
    fake_govuk_pay.progress(payment.provider_id, status)

    payment = pay.get_payment(payment.provider_id)

    assert (payment.status, payment.finished, payment.failure_code) == (status, False, "")


@pytest.mark.parametrize(
    ("outcome", "status", "code", "message"),
    [
        ("success", p.SUCCESS, "", ""),
        ("declined", p.FAILED, p.DECLINED, "Payment method rejected"),
        ("expired", p.FAILED, p.EXPIRED, "Payment expired"),
        ("cancelled_by_user", p.FAILED, p.CANCELLED_BY_USER, "Payment was cancelled by the user"),
        ("error", p.ERROR, p.PROVIDER_ERROR, "Payment provider returned an error"),
    ],
)
def test_reads_every_finished_state_with_its_failure_code(pay, fake_govuk_pay, outcome, status, code, message):
    payment = create(pay)
    fake_govuk_pay.complete(payment.provider_id, outcome)

    payment = pay.get_payment(payment.provider_id)

    assert (payment.status, payment.finished) == (status, True)
    assert (payment.failure_code, payment.failure_message) == (code, message)
    assert payment.next_url == ""
    assert status in p.FINISHED_STATES


def test_a_successful_payment_can_be_refunded_in_full(pay, fake_govuk_pay):
    payment = paid(pay, fake_govuk_pay)

    assert (payment.refund_status, payment.amount_available, payment.amount_refunded) == ("available", 4500, 0)


def test_a_failed_payment_cannot_be_refunded(pay, fake_govuk_pay):
    payment = create(pay)
    fake_govuk_pay.complete(payment.provider_id, "declined")

    payment = pay.get_payment(payment.provider_id)

    assert (payment.refund_status, payment.amount_available) == ("unavailable", 0)


def test_refuses_an_unknown_payment_as_not_found(pay):
    with pytest.raises(p.ProviderRefused, match="Not found") as refused:
        pay.get_payment("no0such0payment0000000000a")

    assert (refused.value.status, refused.value.code) == (404, "P0200")


# Cancelling.


def test_cancelling_an_unfinished_payment_marks_it_cancelled_by_the_service(pay, fake_govuk_pay):
    payment = create(pay)

    pay.cancel_payment(payment.provider_id)

    payment = pay.get_payment(payment.provider_id)
    assert (payment.status, payment.finished) == (p.CANCELLED, True)
    assert (payment.failure_code, payment.failure_message) == (
        p.CANCELLED_BY_SERVICE,
        "Payment was cancelled by the service",
    )
    assert fake_govuk_pay.requests[1].path == f"/v1/payments/{payment.provider_id}/cancel"


def test_refuses_to_cancel_a_finished_payment(pay, fake_govuk_pay):
    payment = paid(pay, fake_govuk_pay)

    with pytest.raises(p.ProviderRefused) as refused:
        pay.cancel_payment(payment.provider_id)

    assert (refused.value.status, refused.value.code) == (400, "P0501")
    assert pay.get_payment(payment.provider_id).status == p.SUCCESS


# Refunds.


def test_refunds_part_of_a_payment_and_tracks_what_is_left(pay, fake_govuk_pay):
    payment = paid(pay, fake_govuk_pay)

    refund = pay.refund(payment.provider_id, amount=1500, amount_available=4500)

    assert (refund.amount, refund.status) == (1500, p.REFUND_SUBMITTED)
    assert refund.refund_id and refund.created_at.tzinfo is not None
    assert fake_govuk_pay.requests[-1].json() == {"amount": 1500, "refund_amount_available": 4500}
    payment = pay.get_payment(payment.provider_id)
    assert (payment.refund_status, payment.amount_available, payment.amount_refunded) == ("available", 3000, 1500)


def test_reads_a_refund_once_it_has_reached_the_payer(pay, fake_govuk_pay):
    payment = paid(pay, fake_govuk_pay)
    refund = pay.refund(payment.provider_id, amount=1500, amount_available=4500)
    fake_govuk_pay.refund_succeeds(payment.provider_id)

    refund = pay.get_refund(payment.provider_id, refund.refund_id)

    assert (refund.amount, refund.status) == (1500, p.REFUND_SUCCESS)


def test_reads_a_refund_that_failed(pay, fake_govuk_pay):
    payment = paid(pay, fake_govuk_pay)
    refund = pay.refund(payment.provider_id, amount=1500, amount_available=4500)
    fake_govuk_pay.refund_fails(payment.provider_id, refund.refund_id)

    assert pay.get_refund(payment.provider_id, refund.refund_id).status == p.REFUND_ERROR
    assert pay.get_payment(payment.provider_id).amount_available == 4500


def test_a_full_refund_leaves_nothing_to_refund(pay, fake_govuk_pay):
    payment = paid(pay, fake_govuk_pay)

    pay.refund(payment.provider_id, amount=4500, amount_available=4500)

    payment = pay.get_payment(payment.provider_id)
    assert (payment.refund_status, payment.amount_available, payment.amount_refunded) == ("full", 0, 4500)


def test_refuses_a_refund_when_the_amount_available_has_changed(pay, fake_govuk_pay):
    payment = paid(pay, fake_govuk_pay)
    pay.refund(payment.provider_id, amount=1000, amount_available=4500)

    with pytest.raises(p.ProviderRefused, match="Refund amount available mismatch") as refused:
        pay.refund(payment.provider_id, amount=1000, amount_available=4500)

    assert (refused.value.status, refused.value.code) == (412, "P0604")
    assert pay.get_payment(payment.provider_id).amount_available == 3500


def test_refuses_a_refund_larger_than_the_amount_available(pay, fake_govuk_pay):
    payment = paid(pay, fake_govuk_pay)

    with pytest.raises(p.ProviderRefused, match="amount_not_available") as refused:
        pay.refund(payment.provider_id, amount=4501, amount_available=4500)

    assert (refused.value.status, refused.value.code) == (400, "P0603")


def test_refuses_a_refund_of_a_payment_not_yet_paid(pay):
    payment = create(pay)

    with pytest.raises(p.ProviderRefused, match="Payment refund status: pending") as refused:
        pay.refund(payment.provider_id, amount=100, amount_available=4500)

    assert (refused.value.status, refused.value.code) == (400, "P0603")


def test_refuses_an_unknown_refund_as_not_found(pay, fake_govuk_pay):
    payment = paid(pay, fake_govuk_pay)

    with pytest.raises(p.ProviderRefused) as refused:
        pay.get_refund(payment.provider_id, "no0such0refund00000000000a")

    assert (refused.value.status, refused.value.code) == (404, "P0700")


# Searching, for reconciliation.


def test_search_follows_every_page(pay, fake_govuk_pay, monkeypatch):
    monkeypatch.setattr(govuk_pay, "PAGE_SIZE", 2)
    created = {create(pay, reference=f"TH-{n}").provider_id for n in range(5)}
    now = dt.datetime.now(dt.UTC)

    found = pay.search_payments(from_date=now - dt.timedelta(hours=1), to_date=now + dt.timedelta(hours=1))

    assert {payment.provider_id for payment in found} == created
    searches = [r.query for r in fake_govuk_pay.requests if r.method == "GET"]
    assert [(q["page"], q["display_size"]) for q in searches] == [("1", "2"), ("2", "2"), ("3", "2")]


def test_search_asks_for_whole_utc_seconds_and_keeps_to_the_window(pay, fake_govuk_pay):
    def at(hour, minute):
        fake_govuk_pay.clock = lambda: dt.datetime(2026, 7, 1, hour, minute, tzinfo=dt.UTC)
        return create(pay).provider_id

    at(8, 59)
    inside = {at(9, 0), at(9, 30)}
    at(10, 0)  # to_date is exclusive

    found = pay.search_payments(
        from_date=dt.datetime(2026, 7, 1, 10, 0, tzinfo=LONDON),  # 09:00 UTC in summer time
        to_date=dt.datetime(2026, 7, 1, 10, 59, 59, 500_000, tzinfo=LONDON),  # rounded up to 11:00:00
    )

    assert {payment.provider_id for payment in found} == inside
    query = fake_govuk_pay.requests[-1].query
    assert (query["from_date"], query["to_date"]) == ("2026-07-01T09:00:00Z", "2026-07-01T10:00:00Z")


def test_search_finds_nothing_in_an_empty_window(pay):
    now = dt.datetime.now(dt.UTC)

    assert pay.search_payments(from_date=now - dt.timedelta(days=1), to_date=now) == []


def test_search_refuses_a_datetime_without_a_time_zone(pay):
    with pytest.raises(ValueError, match="aware"):
        pay.search_payments(from_date=dt.datetime(2026, 7, 1), to_date=dt.datetime(2026, 7, 2))  # noqa: DTZ001


# What goes wrong: refusals are final, outages are temporary.


def test_refuses_a_wrong_api_key(pay, settings):
    settings.GOVUK_PAY_API_KEY = "api_test_not_the_key"

    with pytest.raises(p.ProviderRefused) as refused:
        create(pay)

    assert (refused.value.status, refused.value.code) == (401, "")


def test_makes_no_call_without_an_api_key(pay, fake_govuk_pay, settings):
    settings.GOVUK_PAY_API_KEY = ""

    with pytest.raises(p.ProviderRefused, match="GOVUK_PAY_API_KEY"):
        create(pay)

    assert not fake_govuk_pay.requests


@pytest.mark.parametrize("status", [429, 500, 502, 503])
def test_rate_limits_and_server_errors_are_temporary(pay, fake_govuk_pay, status):
    fake_govuk_pay.fail_next(status)

    with pytest.raises(p.ProviderUnavailable, match=str(status)):
        create(pay)

    assert create(pay).status == p.CREATED  # the next attempt goes through


def test_an_outage_lasts_until_govuk_pay_comes_back(pay, fake_govuk_pay):
    payment = create(pay)
    fake_govuk_pay.go_down()

    for _attempt in range(3):
        with pytest.raises(p.ProviderUnavailable):
            pay.get_payment(payment.provider_id)

    fake_govuk_pay.come_back()
    assert pay.get_payment(payment.provider_id).status == p.CREATED


def test_an_unreachable_govuk_pay_is_temporary(pay, settings):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.GOVUK_PAY_API_URL = f"http://127.0.0.1:{port}"  # nothing listens there now

    with pytest.raises(p.ProviderUnavailable, match="could not be reached"):
        create(pay)


def test_a_slow_govuk_pay_is_temporary(pay, fake_govuk_pay, settings):
    settings.GOVUK_PAY_TIMEOUT_SECONDS = 0.2
    fake_govuk_pay.hang_next(5)

    with pytest.raises(p.ProviderUnavailable, match="in time"):
        create(pay)


def test_never_logs_or_repeats_the_api_key_or_card_details(pay, fake_govuk_pay, caplog):
    caplog.set_level(logging.DEBUG)
    payment = paid(pay, fake_govuk_pay)
    fake_govuk_pay.fail_next(503)
    with pytest.raises(p.ProviderUnavailable) as unavailable:
        pay.get_payment(payment.provider_id)
    with pytest.raises(p.ProviderRefused) as refused:
        pay.cancel_payment(payment.provider_id)

    assert fake_govuk_pay.payments[payment.provider_id]["card_details"]["last_digits_card_number"] == "4242"
    said = caplog.text + str(unavailable.value) + str(refused.value) + repr(payment)
    assert fake_govuk_pay.api_key not in said
    assert "4242" not in said
    assert "Ada Resident" not in said


# Webhooks.


def test_reads_a_correctly_signed_webhook(pay, fake_govuk_pay):
    payment = paid(pay, fake_govuk_pay)
    body, headers = fake_govuk_pay.webhook(payment.provider_id, "card_payment_succeeded", message_id="msg-1")

    event = pay.parse_webhook(body, headers)

    assert event == p.WebhookEvent(
        message_id="msg-1", event_type="card_payment_succeeded", provider_id=payment.provider_id
    )


def test_finds_the_signature_whatever_the_header_case(pay, fake_govuk_pay, rf):
    payment = paid(pay, fake_govuk_pay)
    body, headers = fake_govuk_pay.webhook(payment.provider_id)
    request = rf.post(
        "/payments/govuk-pay/webhook",
        data=body,
        content_type="application/json",
        HTTP_PAY_SIGNATURE=headers["Pay-Signature"],
    )

    assert pay.parse_webhook(body, {"pay-signature": headers["Pay-Signature"]}).provider_id == payment.provider_id
    assert pay.parse_webhook(request.body, request.headers).provider_id == payment.provider_id
    assert pay.parse_webhook(request.body, request.META).provider_id == payment.provider_id


def test_a_refund_webhook_names_the_payment_it_refunds(pay, fake_govuk_pay):
    payment = paid(pay, fake_govuk_pay)
    message = {
        "webhook_message_id": "msg-2",
        "created_date": "2026-07-01T09:00:00.000Z",
        "resource_id": "refund0id000000000000000000",
        "api_version": 1,
        "resource_type": "refund",
        "event_type": "card_payment_refunded",
        "resource": {"refund_id": "refund0id000000000000000000", "payment_id": payment.provider_id, "amount": 100},
    }
    body = json.dumps(message).encode()

    event = pay.parse_webhook(body, {"Pay-Signature": fake_govuk_pay.sign(body)})

    assert (event.event_type, event.provider_id) == ("card_payment_refunded", payment.provider_id)


def test_refuses_a_webhook_whose_body_was_changed(pay, fake_govuk_pay):
    payment = paid(pay, fake_govuk_pay)
    body, headers = fake_govuk_pay.webhook(payment.provider_id)

    with pytest.raises(p.ProviderRefused) as refused:
        pay.parse_webhook(body.replace(b"card_payment_succeeded", b"card_payment_refunded"), headers)

    assert refused.value.code == "bad_signature"


def test_refuses_a_webhook_signed_with_another_secret(pay, fake_govuk_pay):
    payment = paid(pay, fake_govuk_pay)
    body, _headers = fake_govuk_pay.webhook(payment.provider_id)

    with pytest.raises(p.ProviderRefused) as refused:
        pay.parse_webhook(body, {"Pay-Signature": sign(body, "someone-elses-secret")})

    assert refused.value.code == "bad_signature"


@pytest.mark.parametrize("headers", [{}, {"Pay-Signature": ""}, {"Content-Type": "application/json"}])
def test_refuses_a_webhook_without_a_signature(pay, fake_govuk_pay, headers):
    payment = paid(pay, fake_govuk_pay)
    body, _headers = fake_govuk_pay.webhook(payment.provider_id)

    with pytest.raises(p.ProviderRefused) as refused:
        pay.parse_webhook(body, headers)

    assert refused.value.code == "missing_signature"


def test_refuses_every_webhook_while_no_secret_is_set(pay, fake_govuk_pay, settings):
    payment = paid(pay, fake_govuk_pay)
    body, headers = fake_govuk_pay.webhook(payment.provider_id)
    settings.GOVUK_PAY_WEBHOOK_SECRET = ""

    with pytest.raises(p.ProviderRefused) as refused:
        pay.parse_webhook(body, headers)

    assert refused.value.code == "no_webhook_secret"


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"event_type": "card_payment_succeeded"}', b"\xff\xfe"])
def test_refuses_a_correctly_signed_body_that_is_not_a_govuk_pay_message(pay, fake_govuk_pay, body):
    with pytest.raises(p.ProviderRefused) as refused:
        pay.parse_webhook(body, {"Pay-Signature": fake_govuk_pay.sign(body)})

    assert refused.value.code == "bad_message"


def test_the_webhook_helper_signs_as_govuk_pay_documents():
    body = b'{"webhook_message_id": "msg-1"}'

    assert sign(body, "secret") == hmac.new(b"secret", body, hashlib.sha256).hexdigest()
