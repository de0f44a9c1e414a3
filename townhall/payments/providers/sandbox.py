"""The sandbox provider: a stand-in for GOV.UK Pay in the demo and in tests.

It keeps its own records (`SandboxPayment`), behaves as GOV.UK Pay does (states, failure
codes, 90-minute expiry, refunds against the amount available) and shows its own payment
page, where the tester chooses what happens: paid, declined, provider error, timed out or
cancelled. It never asks for card details. `PAYMENTS_SANDBOX_OUTAGE` makes every call fail
as a provider that is down would.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from townhall.payments import providers as p
from townhall.payments.models import SandboxPayment

EXPIRES_AFTER = dt.timedelta(minutes=90)

# What the tester can choose on the sandbox payment page: status and failure code.
OUTCOMES = {
    "success": (p.SUCCESS, ""),
    "decline": (p.FAILED, p.DECLINED),
    "error": (p.ERROR, p.PROVIDER_ERROR),
    "timeout": (p.FAILED, p.EXPIRED),
    "cancel": (p.FAILED, p.CANCELLED_BY_USER),
}
FAILURE_MESSAGES = {
    p.DECLINED: "Payment method rejected",
    p.EXPIRED: "Payment expired",
    p.CANCELLED_BY_USER: "Payment was cancelled by the user",
    p.CANCELLED_BY_SERVICE: "Payment was cancelled by the service",
    p.PROVIDER_ERROR: "Payment provider returned an error",
}


class SandboxProvider:
    name = "sandbox"

    def _available(self) -> None:
        if getattr(settings, "PAYMENTS_SANDBOX_OUTAGE", False):
            raise p.ProviderUnavailable("The sandbox payment provider is down (PAYMENTS_SANDBOX_OUTAGE).")

    def create_payment(
        self,
        *,
        amount: int,
        reference: str,
        description: str,
        return_url: str,
        email: str = "",
        moto: bool = False,
        metadata: dict | None = None,
        idempotency_key: str = "",
    ) -> p.ProviderPayment:
        self._available()
        if not 1 <= amount <= 10_000_000:
            raise p.ProviderRefused("Invalid attribute value: amount", code="P0102", status=422)
        if idempotency_key and (existing := SandboxPayment.objects.filter(idempotency_key=idempotency_key).first()):
            return self._as_provider_payment(existing)
        record = SandboxPayment.objects.create(
            token=secrets.token_hex(13),
            amount=amount,
            reference=reference[:255],
            description=description[:255],
            return_url=return_url,
            email=email,
            moto=moto,
            idempotency_key=idempotency_key,
        )
        return self._as_provider_payment(record)

    def get_payment(self, provider_id: str) -> p.ProviderPayment:
        self._available()
        return self._as_provider_payment(self._record(provider_id))

    def cancel_payment(self, provider_id: str) -> None:
        self._available()
        record = self._record(provider_id)
        if record.status in p.FINISHED_STATES:
            raise p.ProviderRefused("Cancellation of payment failed", code="P0501", status=400)
        record.status, record.failure_code = p.CANCELLED, p.CANCELLED_BY_SERVICE
        record.save(update_fields=["status", "failure_code"])

    def refund(self, provider_id: str, *, amount: int, amount_available: int) -> p.ProviderRefund:
        self._available()
        with transaction.atomic():
            record = SandboxPayment.objects.select_for_update().get(pk=self._record(provider_id).pk)
            available = record.amount - record.amount_refunded if record.status == p.SUCCESS else 0
            if amount_available != available:
                raise p.ProviderRefused("Refund amount available mismatch.", code="P0604", status=412)
            if amount > available:
                raise p.ProviderRefused("The payment is not available for refund.", code="P0603", status=400)
            refund = {"refund_id": secrets.token_hex(13), "amount": amount, "status": p.REFUND_SUCCESS}
            record.refunds = [*record.refunds, refund]
            record.amount_refunded += amount
            record.save(update_fields=["refunds", "amount_refunded"])
        return p.ProviderRefund(refund_id=refund["refund_id"], amount=amount, status=p.REFUND_SUCCESS)

    def get_refund(self, provider_id: str, refund_id: str) -> p.ProviderRefund:
        self._available()
        record = self._record(provider_id)
        refund = next((r for r in record.refunds if r["refund_id"] == refund_id), None)
        if refund is None:
            raise p.ProviderRefused("Not found", code="P0700", status=404)
        return p.ProviderRefund(refund_id=refund_id, amount=refund["amount"], status=refund["status"])

    def search_payments(self, *, from_date: dt.datetime, to_date: dt.datetime) -> list[p.ProviderPayment]:
        self._available()
        records = SandboxPayment.objects.filter(created_at__gte=from_date, created_at__lt=to_date).order_by("id")
        return [self._as_provider_payment(record) for record in records]

    def parse_webhook(self, body: bytes, headers) -> p.WebhookEvent:
        raise p.ProviderRefused("The sandbox provider sends no webhooks.")

    # The sandbox's own payment page calls these: the page opened, then the tester's choice.
    def open_page(self, token: str) -> SandboxPayment:
        record = SandboxPayment.objects.get(token=token)
        self._expire_if_due(record)
        if record.status == p.CREATED:
            record.status = p.STARTED
            record.save(update_fields=["status"])
        return record

    def complete(self, token: str, outcome: str) -> str:
        """Finish the payment as chosen and give the URL to return the payer to."""
        status, code = OUTCOMES[outcome]
        with transaction.atomic():
            record = SandboxPayment.objects.select_for_update().get(token=token)
            self._expire_if_due(record)
            if record.status not in p.FINISHED_STATES:
                record.status, record.failure_code = status, code
                record.save(update_fields=["status", "failure_code"])
        return record.return_url

    def _record(self, provider_id: str) -> SandboxPayment:
        record = SandboxPayment.objects.filter(token=provider_id).first()
        if record is None:
            raise p.ProviderRefused("Not found", code="P0200", status=404)
        self._expire_if_due(record)
        return record

    def _expire_if_due(self, record: SandboxPayment) -> None:
        if record.status not in p.FINISHED_STATES and timezone.now() - record.created_at > EXPIRES_AFTER:
            record.status, record.failure_code = p.FAILED, p.EXPIRED
            record.save(update_fields=["status", "failure_code"])

    def _as_provider_payment(self, record: SandboxPayment) -> p.ProviderPayment:
        finished = record.status in p.FINISHED_STATES
        available = record.amount - record.amount_refunded if record.status == p.SUCCESS else 0
        refund_status = ("available" if available else "full") if record.status == p.SUCCESS else "unavailable"
        return p.ProviderPayment(
            provider_id=record.token,
            status=record.status,
            amount=record.amount,
            reference=record.reference,
            description=record.description,
            finished=finished,
            failure_code=record.failure_code,
            failure_message=FAILURE_MESSAGES.get(record.failure_code, ""),
            next_url="" if finished else reverse("payments:sandbox_page", args=[record.token]),
            created_at=record.created_at,
            refund_status=refund_status,
            amount_available=available,
            amount_refunded=record.amount_refunded,
        )
