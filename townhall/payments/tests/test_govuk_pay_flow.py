"""Whole payments through the GOV.UK Pay adapter against the local fake: webhooks (signed,
replayed, forged), a provider down when the payer returns, refunds the provider makes later."""

import pytest
from django.urls import reverse

from townhall.catalogue.models import AWAITING_PAYMENT
from townhall.payments import services
from townhall.payments.models import LedgerEntry, PaymentStatus, RefundStatus, WebhookReceipt
from townhall.payments.tests.factories import awaiting_case, return_url_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def govuk_pay(settings, fake_govuk_pay):
    settings.PAYMENTS_PROVIDER = "govuk_pay"
    return fake_govuk_pay


def as_meta(headers: dict) -> dict:
    """Webhook headers as the test client takes them."""
    return {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}


def start(case):
    return services.start_payment(
        case=case, channel="web", by=None, return_url_for=return_url_for, after_url=f"/requests/{case.reference}/pay/"
    )


def test_a_payment_goes_to_govuk_pay_with_a_secret_return_url(govuk_pay):
    case = awaiting_case()

    payment = start(case)

    sent = govuk_pay.payments[payment.provider_id]
    assert payment.provider == "govuk_pay"
    assert payment.next_url.startswith(govuk_pay.url)
    assert sent["amount"] == 3500 and sent["reference"] == case.reference
    assert sent["return_url"] == return_url_for(payment.return_token)


def test_a_signed_webhook_settles_the_payment_and_a_replay_changes_nothing(client, govuk_pay):
    case = awaiting_case()
    payment = start(case)
    govuk_pay.complete(payment.provider_id, "success")
    body, headers = govuk_pay.webhook(payment.provider_id, message_id="msg-1")
    url = reverse("payments:webhook", args=["govuk_pay"])
    http_headers = as_meta(headers)

    first = client.post(url, body, content_type="application/json", **http_headers)
    replay = client.post(url, body, content_type="application/json", **http_headers)

    assert first.status_code == replay.status_code == 204
    case.refresh_from_db()
    assert case.status == case.service.initial_state
    assert LedgerEntry.objects.count() == 1
    assert WebhookReceipt.objects.count() == 1


def test_a_forged_webhook_is_refused_and_changes_nothing(client, govuk_pay):
    case = awaiting_case()
    payment = start(case)
    govuk_pay.complete(payment.provider_id, "success")
    body, _headers = govuk_pay.webhook(payment.provider_id)

    response = client.post(
        reverse("payments:webhook", args=["govuk_pay"]),
        body,
        content_type="application/json",
        HTTP_PAY_SIGNATURE="0" * 64,
    )

    assert response.status_code == 401
    case.refresh_from_db()
    assert case.status == AWAITING_PAYMENT["key"]
    assert not WebhookReceipt.objects.exists()


def test_the_webhook_body_is_not_trusted_the_provider_is_asked(client, govuk_pay):
    case = awaiting_case()
    payment = start(case)  # never paid
    body, headers = govuk_pay.webhook(payment.provider_id, "card_payment_succeeded")
    http_headers = as_meta(headers)

    client.post(reverse("payments:webhook", args=["govuk_pay"]), body, content_type="application/json", **http_headers)

    payment.refresh_from_db()
    assert payment.status != PaymentStatus.SUCCESS
    assert not LedgerEntry.objects.exists()


def test_a_payer_returning_while_the_provider_is_down_is_told_and_settled_later(client, govuk_pay):
    case = awaiting_case()
    payment = start(case)
    govuk_pay.complete(payment.provider_id, "success")
    govuk_pay.go_down()

    response = client.get(reverse("payments:return", args=[payment.return_token]))

    assert response.status_code == 503
    assert "We are checking your payment" in response.content.decode()
    govuk_pay.come_back()
    assert services.check_live_payments(older_than_minutes=0) == 1
    case.refresh_from_db()
    assert case.status == case.service.initial_state


def test_a_refund_the_provider_accepts_is_posted_when_it_succeeds(govuk_pay, django_capture_on_commit_callbacks):
    case = awaiting_case()
    payment = start(case)
    govuk_pay.complete(payment.provider_id, "success")
    payment = services.refresh_payment(payment)

    with django_capture_on_commit_callbacks(execute=True):
        refund = services.request_refund(payment=payment, amount=3500, reason="Cancelled", by=None)
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUBMITTED
    assert not LedgerEntry.objects.filter(kind="refund").exists()

    govuk_pay.refund_succeeds(payment.provider_id, refund.provider_refund_id)
    services.check_submitted_refunds()

    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCESS
    assert LedgerEntry.objects.filter(kind="refund").get().amount == -3500


def test_a_refunded_webhook_records_the_refund_at_once(client, govuk_pay, django_capture_on_commit_callbacks):
    case = awaiting_case()
    payment = start(case)
    govuk_pay.complete(payment.provider_id, "success")
    payment = services.refresh_payment(payment)
    with django_capture_on_commit_callbacks(execute=True):
        refund = services.request_refund(payment=payment, amount=1000, reason="Partly", by=None)
    refund.refresh_from_db()
    govuk_pay.refund_succeeds(payment.provider_id, refund.provider_refund_id)
    body, headers = govuk_pay.webhook(payment.provider_id, "card_payment_refunded")
    http_headers = as_meta(headers)

    client.post(reverse("payments:webhook", args=["govuk_pay"]), body, content_type="application/json", **http_headers)

    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCESS
