"""Payments for cases, their refunds, and the ledger every money movement is posted to.

Amounts are integer pence. A `Payment` is one attempt to take money for a case; a case
that was declined and paid at the second try has two. Statuses are the providers'
(GOV.UK Pay's vocabulary); counter payments are recorded already successful.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from townhall.catalogue.models import Channel
from townhall.payments import providers


class PaymentStatus(models.TextChoices):
    CREATED = providers.CREATED, _("Not started")
    STARTED = providers.STARTED, _("In progress")
    SUBMITTED = providers.SUBMITTED, _("Being authorised")
    CAPTURABLE = providers.CAPTURABLE, _("Authorised")
    SUCCESS = providers.SUCCESS, _("Paid")
    FAILED = providers.FAILED, _("Failed")
    CANCELLED = providers.CANCELLED, _("Cancelled")
    ERROR = providers.ERROR, _("Error")


LIVE_STATUSES = [PaymentStatus.CREATED, PaymentStatus.STARTED, PaymentStatus.SUBMITTED, PaymentStatus.CAPTURABLE]


class Method(models.TextChoices):
    CARD_ONLINE = "card_online", _("Card, online")
    CARD_PHONE = "card_phone", _("Card, by phone")
    CARD_COUNTER = "card_counter", _("Card, at the counter")
    CASH = "cash", _("Cash")
    CHEQUE = "cheque", _("Cheque")


COUNTER_METHODS = [Method.CARD_COUNTER, Method.CASH, Method.CHEQUE]
COUNTER_PROVIDER = "counter"


def receipt_reference(public_id: uuid.UUID) -> str:
    """A payment's short reference for receipts, phone calls and the finance export; the
    full id stays internal."""
    return public_id.hex[:10].upper()


def new_return_token() -> str:
    return secrets.token_urlsafe(32)


class Payment(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="payments")
    amount = models.PositiveIntegerField(help_text=_("In pence."))
    description = models.CharField(max_length=255)
    fund_code = models.CharField(max_length=40, blank=True)
    channel = models.CharField(max_length=20, choices=Channel)
    method = models.CharField(max_length=20, choices=Method)
    moto = models.BooleanField(default=False, help_text=_("Card details taken by staff over the phone."))
    provider = models.CharField(max_length=20)
    provider_id = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=20, choices=PaymentStatus, default=PaymentStatus.CREATED)
    failure_code = models.CharField(max_length=10, blank=True)
    failure_message = models.CharField(max_length=255, blank=True)
    next_url = models.URLField(max_length=2000, blank=True)
    # The provider does not add its payment id to the return URL: each payment returns to its
    # own secret URL, which is how the returning payer is matched to it.
    return_token = models.CharField(max_length=64, unique=True, default=new_return_token, editable=False)
    # Where the payer is sent once back: the public confirmation, or the agent's console page.
    after_url = models.CharField(max_length=500)
    email = models.EmailField(blank=True)
    receipt_number = models.CharField(max_length=60, blank=True, help_text=_("The till or terminal receipt."))
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    amount_refunded = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    checked_at = models.DateTimeField(null=True, blank=True, help_text=_("Last asked the provider."))
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # A double click or a retry finds the attempt in progress instead of starting another.
            models.UniqueConstraint(
                fields=["case"], condition=Q(status__in=LIVE_STATUSES), name="one_live_payment_per_case"
            ),
            models.UniqueConstraint(
                fields=["provider", "provider_id"], condition=~Q(provider_id=""), name="one_row_per_provider_payment"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(condition=Q(amount_refunded__lte=models.F("amount")), name="refunds_within_payment"),
        ]
        indexes = [
            models.Index(
                fields=["status", "created_at"], condition=Q(status__in=LIVE_STATUSES), name="live_payment_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.amount}p {self.status}"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    @property
    def is_paid(self) -> bool:
        return self.status == PaymentStatus.SUCCESS

    @property
    def refundable_amount(self) -> int:
        return self.amount - self.amount_refunded if self.is_paid else 0

    @property
    def receipt_reference(self) -> str:
        return receipt_reference(self.public_id)

    @property
    def is_counter(self) -> bool:
        return self.provider == COUNTER_PROVIDER

    @property
    def failure_explanation(self) -> str:
        """Why the payment was not taken, in words for the payer."""
        return str(FAILURE_EXPLANATIONS.get(self.failure_code, FAILURE_EXPLANATIONS[providers.PROVIDER_ERROR]))


FAILURE_EXPLANATIONS = {
    providers.DECLINED: _("The card was declined. No money has been taken. You can try again with another card."),
    providers.EXPIRED: _("The payment timed out before it was finished. No money has been taken."),
    providers.CANCELLED_BY_USER: _("The payment was cancelled. No money has been taken."),
    providers.CANCELLED_BY_SERVICE: _("The council cancelled this payment. No money has been taken."),
    providers.PROVIDER_ERROR: _(
        "There was a problem with the payment service. No money has been taken. Please try again."
    ),
}


class RefundStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    SUBMITTED = providers.REFUND_SUBMITTED, _("Sent to the card provider")
    SUCCESS = providers.REFUND_SUCCESS, _("Refunded")
    ERROR = providers.REFUND_ERROR, _("Failed")


class Refund(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.PositiveIntegerField(help_text=_("In pence."))
    reason = models.CharField(max_length=500)
    status = models.CharField(max_length=20, choices=RefundStatus, default=RefundStatus.REQUESTED)
    provider_refund_id = models.CharField(max_length=100, blank=True)
    error_message = models.CharField(max_length=255, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    refunded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive")]

    def __str__(self) -> str:
        return f"Refund {self.amount}p of {self.payment_id}"


class EntryKind(models.TextChoices):
    PAYMENT = "payment", _("Payment")
    REFUND = "refund", _("Refund")


class LedgerEntry(models.Model):
    """One money movement, posted once and never changed (PostgreSQL refuses updates and
    deletes): income positive, refunds negative. The finance export reads only this."""

    kind = models.CharField(max_length=10, choices=EntryKind)
    amount = models.IntegerField(help_text=_("In pence; refunds are negative."))
    fund_code = models.CharField(max_length=40, blank=True)
    channel = models.CharField(max_length=20, choices=Channel)
    method = models.CharField(max_length=20, choices=Method)
    provider = models.CharField(max_length=20)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="ledger_entries")
    refund = models.OneToOneField(Refund, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_entry")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    posted_at = models.DateTimeField(default=timezone.now)
    posted_on = models.DateField(help_text=_("The London day the money moved: the income report's day."))

    class Meta:
        ordering = ["posted_at", "id"]
        verbose_name_plural = "ledger entries"
        constraints = [
            models.UniqueConstraint(
                fields=["payment"], condition=Q(kind="payment"), name="one_income_entry_per_payment"
            ),
        ]
        indexes = [models.Index(fields=["posted_on", "fund_code"], name="ledger_day_fund_idx")]

    def __str__(self) -> str:
        return f"{self.posted_on} {self.fund_code} {self.amount}p"


class WebhookReceipt(models.Model):
    """A provider's webhook message already acted on: a replay is acknowledged and ignored."""

    provider = models.CharField(max_length=20)
    message_id = models.CharField(max_length=100)
    event_type = models.CharField(max_length=60)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "message_id"], name="one_receipt_per_webhook_message")
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.message_id}"


class MismatchKind(models.TextChoices):
    UNKNOWN_TO_TOWNHALL = "unknown", _("Taken by the provider, not recorded here")
    STATUS = "status", _("Status differs")
    AMOUNT = "amount", _("Amount differs")
    REFUNDED = "refunded", _("Refunded amount differs")
    PAID_TWICE = "paid_twice", _("Request paid more than once")
    PAID_WHILE_CLOSED = "paid_closed", _("Paid after the request was closed")


class Mismatch(models.Model):
    """Something the daily reconciliation found that a person must look at."""

    found_on = models.DateField()
    provider = models.CharField(max_length=20)
    kind = models.CharField(max_length=20, choices=MismatchKind)
    provider_id = models.CharField(max_length=100, blank=True)
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    detail = models.CharField(max_length=500)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-found_on", "id"]
        constraints = [
            # Running the reconciliation again for a day lists each problem once.
            models.UniqueConstraint(fields=["provider", "kind", "provider_id"], name="one_mismatch_per_problem")
        ]

    def __str__(self) -> str:
        return f"{self.found_on} {self.get_kind_display()}"


class SandboxPayment(models.Model):
    """The sandbox provider's own records: what a real provider would hold on its side."""

    token = models.CharField(max_length=40, unique=True)
    amount = models.PositiveIntegerField()
    reference = models.CharField(max_length=255)
    description = models.CharField(max_length=255)
    return_url = models.URLField(max_length=2000)
    email = models.EmailField(blank=True)
    moto = models.BooleanField(default=False)
    status = models.CharField(max_length=20, default=providers.CREATED)
    failure_code = models.CharField(max_length=10, blank=True)
    amount_refunded = models.PositiveIntegerField(default=0)
    refunds = models.JSONField(default=list)
    idempotency_key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.token
