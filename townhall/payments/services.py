"""Every write about money: taking a payment for a case, recording what the provider says
happened, counter payments, refunds, and the ledger entries they post.

Modules never talk to a provider: they make a case with a fee (`cases.services.submit_case`)
and send the payer through `start_payment`. The amount always comes from the case, never
from the browser. Whatever path a result arrives by (the payer's return, a webhook, the
scheduled check), it goes through `record_provider_payment` under a row lock, so a payment is recorded, and
its case released, exactly once.
"""

import contextlib
import datetime as dt
import logging
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.dispatch import Signal
from django.utils import timezone
from django.utils.formats import date_format

from townhall.cases import services as case_services
from townhall.cases.models import Case, EventKind
from townhall.catalogue.fees import refund_refusal
from townhall.catalogue.models import AWAITING_PAYMENT, Channel, NotificationEvent
from townhall.core import audit, outbox
from townhall.core.money import format_pence
from townhall.notifications import services as notifications
from townhall.payments import providers
from townhall.payments.models import (
    COUNTER_METHODS,
    COUNTER_PROVIDER,
    LIVE_STATUSES,
    EntryKind,
    LedgerEntry,
    Method,
    Mismatch,
    MismatchKind,
    Payment,
    PaymentStatus,
    Refund,
    RefundStatus,
    WebhookReceipt,
)

logger = logging.getLogger(__name__)

# Sent inside the transaction that records a case's payment in full, for modules whose
# own records wait on it (a bulky-waste booking holding a slot, say). Receivers get `case`.
case_paid = Signal()


class PaymentError(Exception):
    """Money that cannot be taken or given back, in words for the person who tried."""


class PaymentUnavailable(PaymentError):
    """The provider cannot be reached: nothing was taken, try again later."""


def paid_total(case: Case) -> int:
    return case.payments.filter(status=PaymentStatus.SUCCESS).aggregate(total=Sum("amount"))["total"] or 0


def amount_due(case: Case, attempts: list[Payment] | None = None) -> int:
    """What is still to pay on the case, in pence; from `attempts` (all of the case's
    payments) when the caller has them already."""
    paid = paid_total(case) if attempts is None else sum(p.amount for p in attempts if p.is_paid)
    return max(case.fee - paid, 0)


def start_payment(
    *,
    case: Case,
    channel: str,
    by,
    return_url_for: Callable[[str], str],
    after_url: str,
    email: str = "",
) -> Payment:
    """The card payment to send the payer to: the one in progress if there is one (a double
    click or a retry starts nothing new), else a new one for what is due.

    `return_url_for(token)` makes the absolute return URL from the payment's secret token;
    `after_url` is where the payer lands once the result is recorded. On the phone the
    agent keys the caller's card on the provider's page (MOTO). Raises PaymentError when
    nothing is due, PaymentUnavailable when the provider is down.
    """
    _settle_live_payment(case, moto=channel == Channel.PHONE, by=by)
    payment = _live_or_new_payment(case=case, channel=channel, by=by, after_url=after_url, email=email)
    if payment.provider_id:
        return payment
    failure: providers.ProviderError | None = None
    with transaction.atomic():
        # The row lock makes a concurrent double click wait here, then find the provider's payment.
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.provider_id:
            return payment
        try:
            created = providers.get_provider(payment.provider).create_payment(
                amount=payment.amount,
                reference=case.reference,
                description=payment.description,
                return_url=return_url_for(payment.return_token),
                email=payment.email,
                moto=payment.moto,
                metadata={"case": case.reference, "fund_code": payment.fund_code},
                idempotency_key=str(payment.public_id),
            )
        except providers.ProviderError as error:
            failure = error
            _record_start_failure(payment, error, by=by)
        else:
            payment.provider_id = created.provider_id
            payment.next_url = created.next_url
            payment.status = created.status
            payment.checked_at = timezone.now()
            payment.save(update_fields=["provider_id", "next_url", "status", "checked_at", "updated_at"])
    if isinstance(failure, providers.ProviderUnavailable):
        raise PaymentUnavailable(
            "The payment service is not responding at the moment. Nothing has been taken from your "
            "card and your request is saved: please try again in a few minutes."
        ) from failure
    if failure is not None:
        raise PaymentError("The payment could not be set up. Nothing has been taken from your card.") from failure
    return payment


def _settle_live_payment(case: Case, *, moto: bool, by) -> None:
    """Before sending anyone to pay: find out how the payment in progress stands. Unused
    (a double click, a retry) it is sent to again; once the payer has been on the provider's
    page its link is spent, so it is cancelled and a new one made, as it is when the payer
    comes by another channel. One being authorised is left to finish."""
    live = case.payments.filter(status__in=LIVE_STATUSES).first()
    if live is None or not live.provider_id:
        return
    live = refresh_payment(live, by=by)
    if live.status == PaymentStatus.CREATED and live.moto == moto:
        return
    if live.status in (PaymentStatus.SUBMITTED, PaymentStatus.CAPTURABLE):
        raise PaymentError("The payment is being authorised by the card provider. Check again in a minute.")
    if live.is_live:
        try:
            providers.get_provider(live.provider).cancel_payment(live.provider_id)
        except providers.ProviderUnavailable as error:
            raise PaymentUnavailable("The payment service is not responding at the moment. Try again later.") from error
        except providers.ProviderRefused:
            pass  # it finished meanwhile: recorded just below
        refresh_payment(live, by=by)


def settled_quietly(payment: Payment) -> Payment:
    """The payment as the provider has it now, or as recorded if the provider cannot say."""
    try:
        return refresh_payment(payment)
    except PaymentUnavailable:
        return payment


def _record_start_failure(payment: Payment, error: providers.ProviderError, *, by) -> None:
    """The attempt is over (a retry starts a new one); the case still waits for payment."""
    unavailable = isinstance(error, providers.ProviderUnavailable)
    payment.status = PaymentStatus.ERROR
    payment.failure_message = "The payment service could not be reached" if unavailable else str(error)[:255]
    payment.save(update_fields=["status", "failure_message", "updated_at"])
    audit.record(actor=by, action="payment.provider_failed", target=payment, data={"error": str(error)})
    logger.warning("Could not create payment %s: %s", payment.public_id, error)


def _live_or_new_payment(*, case: Case, channel: str, by, after_url: str, email: str) -> Payment:
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("service").get(pk=case.pk)
        live = case.payments.filter(status__in=LIVE_STATUSES).first()
        if live is not None:
            return live
        due = amount_due(case)
        if due <= 0:
            raise PaymentError("There is nothing to pay on this request.")
        payment = Payment.objects.create(
            case=case,
            amount=due,
            description=f"{case.service.name} ({case.reference})"[:255],
            fund_code=case.service.fund_code,
            channel=channel,
            method=Method.CARD_PHONE if channel == Channel.PHONE else Method.CARD_ONLINE,
            moto=channel == Channel.PHONE,
            provider=providers.get_provider().name,
            after_url=after_url,
            email=email or case.requester_email,
            taken_by=by if _is_staff(by) else None,
        )
        audit.record(actor=by, action="payment.started", target=payment, data={"case": case.reference, "amount": due})
        return payment


_FINISHED = {PaymentStatus.SUCCESS, PaymentStatus.FAILED, PaymentStatus.CANCELLED, PaymentStatus.ERROR}


def _is_staff(user) -> bool:
    return user is not None and user.is_authenticated and user.is_council_staff


def refresh_payment(payment: Payment, *, by=None) -> Payment:
    """Ask the provider where the payment stands and record it. Raises PaymentUnavailable."""
    if payment.is_counter or not payment.provider_id:
        return payment
    try:
        current = providers.get_provider(payment.provider).get_payment(payment.provider_id)
    except providers.ProviderUnavailable as error:
        raise PaymentUnavailable(
            "We could not check your payment with the payment service just now. If you paid, it will show "
            "here within a few minutes: you will not be charged twice."
        ) from error
    return record_provider_payment(payment, current, by=by)


@transaction.atomic
def record_provider_payment(payment: Payment, current: providers.ProviderPayment, *, by=None) -> Payment:
    """Record the provider's view of the payment; the first success is acted on, once."""
    payment = Payment.objects.select_for_update().select_related("case__service").get(pk=payment.pk)
    payment.checked_at = timezone.now()
    fields = ["checked_at", "updated_at"]
    if payment.status not in _FINISHED or (payment.status == PaymentStatus.ERROR and current.finished):
        payment.status = current.status
        payment.failure_code = current.failure_code
        payment.failure_message = current.failure_message[:255]
        payment.next_url = "" if current.finished else (current.next_url or payment.next_url)
        fields += ["status", "failure_code", "failure_message", "next_url"]
        if current.status == PaymentStatus.SUCCESS:
            payment.paid_at = timezone.now()
            fields.append("paid_at")
    payment.save(update_fields=fields)
    if payment.status == PaymentStatus.SUCCESS and "paid_at" in fields:
        _record_success(payment, by=by)
    elif payment.status in _FINISHED and "status" in fields:
        audit.record(
            actor=by,
            action="payment.failed",
            target=payment,
            data={"code": payment.failure_code, "status": payment.status},
        )
    return payment


def _record_success(payment: Payment, *, by=None) -> None:
    """Post the income, put it on the timeline, send the receipt and, if the case is now
    paid for, release it. A second successful payment for one case is flagged for staff."""
    case = payment.case
    _post(EntryKind.PAYMENT, payment=payment, amount=payment.amount)
    case_services.record_money_event(
        case=case,
        kind=EventKind.PAYMENT,
        text=f"Payment of {format_pence(payment.amount)} received ({payment.get_method_display().lower()}).",
        by=by,
        data={"payment": str(payment.public_id), "amount": payment.amount},
    )
    audit.record(actor=by, action="payment.succeeded", target=payment, data={"amount": payment.amount})
    notifications.notify_requester(case=case, event=NotificationEvent.PAYMENT_RECEIVED, extra=receipt_values(payment))
    paid = paid_total(case)
    if case.is_closed:
        _flag(
            payment,
            MismatchKind.PAID_WHILE_CLOSED,
            f"{case.reference} was paid {format_pence(payment.amount)} after it was closed: refund the payment.",
        )
    elif paid > case.fee:
        _flag(
            payment,
            MismatchKind.PAID_TWICE,
            f"{case.reference} has been paid {format_pence(paid)} against a fee of "
            f"{format_pence(case.fee)}: refund the extra payment.",
        )
    elif paid >= case.fee and case.status == AWAITING_PAYMENT["key"]:
        case_services.release_paid_case(case=case, by=by)
        case_paid.send(sender=Payment, case=case)


def _flag(payment: Payment, kind: str, detail: str) -> None:
    """Money that needs a person: listed with the reconciliation's findings."""
    Mismatch.objects.get_or_create(
        provider=payment.provider,
        kind=kind,
        provider_id=payment.provider_id or str(payment.public_id),
        defaults={"found_on": timezone.localdate(), "payment": payment, "detail": detail},
    )


def receipt_values(payment: Payment) -> dict[str, str]:
    paid_at = timezone.localtime(payment.paid_at or payment.created_at)
    return {
        "amount": format_pence(payment.amount),
        "payment_reference": payment.receipt_reference,
        # GOV.UK style: "25 November 2026, 10:19pm".
        "paid_at": date_format(paid_at, "j F Y, g:i") + date_format(paid_at, "A").lower(),
        "method": payment.get_method_display().lower(),
    }


def _post(kind: str, *, payment: Payment, amount: int, refund: Refund | None = None) -> LedgerEntry:
    now = timezone.now()
    return LedgerEntry.objects.create(
        kind=kind,
        amount=amount,
        fund_code=payment.fund_code,
        channel=payment.channel,
        method=payment.method,
        provider=payment.provider,
        payment=payment,
        refund=refund,
        case=payment.case,
        posted_at=now,
        posted_on=timezone.localdate(now),
    )


@transaction.atomic
def record_counter_payment(*, case: Case, method: str, receipt_number: str, by) -> Payment:
    """Money taken in person (cash, cheque, the counter's card terminal) for what is due."""
    if method not in COUNTER_METHODS:
        raise PaymentError("Choose how the payment was made.")
    case = Case.objects.select_for_update().select_related("service").get(pk=case.pk)
    due = amount_due(case)
    if due <= 0:
        raise PaymentError("There is nothing to pay on this request.")
    now = timezone.now()
    payment = Payment.objects.create(
        case=case,
        amount=due,
        description=f"{case.service.name} ({case.reference})"[:255],
        fund_code=case.service.fund_code,
        channel=Channel.FACE_TO_FACE,
        method=method,
        provider=COUNTER_PROVIDER,
        status=PaymentStatus.SUCCESS,
        after_url="",
        email=case.requester_email,
        receipt_number=receipt_number.strip()[:60],
        taken_by=by,
        paid_at=now,
        checked_at=now,
    )
    audit.record(actor=by, action="payment.counter_recorded", target=payment, data={"amount": due, "method": method})
    _record_success(payment, by=by)
    return payment


def handle_webhook(*, provider_name: str, body: bytes, headers) -> None:
    """Act on a provider's signed webhook: look the payment up again at the provider (the
    body is only a nudge) and record it. A replayed message is ignored. Raises
    ProviderRefused for a bad signature, PaymentUnavailable if the provider cannot be asked."""
    event = providers.get_provider(provider_name).parse_webhook(body, headers)
    if WebhookReceipt.objects.filter(provider=provider_name, message_id=event.message_id).exists():
        return
    payment = Payment.objects.filter(provider=provider_name, provider_id=event.provider_id).first()
    if payment is not None:
        refresh_payment(payment)
        check_submitted_refunds(payment=payment)  # a "refunded" event: record it now, not at the next run
    # The same message delivered twice at once is recorded by the other delivery.
    with contextlib.suppress(IntegrityError):
        WebhookReceipt.objects.create(provider=provider_name, message_id=event.message_id, event_type=event.event_type)


def cancel_unpaid_request(*, case: Case, reason: str, by=None) -> Case:
    """Close a request that waits for its payment, first cancelling any payment still in
    progress at the provider, so that nobody can pay for a request that is closed. If the
    provider says it has just been paid, the payment is recorded and nothing is closed."""
    for payment in case.payments.filter(status__in=LIVE_STATUSES):
        provider = providers.get_provider(payment.provider)
        try:
            provider.cancel_payment(payment.provider_id)
        except providers.ProviderUnavailable as error:
            raise PaymentUnavailable(
                "The payment service could not be reached to stop the payment in progress. Try again later."
            ) from error
        except providers.ProviderRefused:
            pass  # already finished at the provider: what happened is recorded just below
        if refresh_payment(payment, by=by).is_paid:
            raise PaymentError("The request has just been paid for, so it was not cancelled.")
    return case_services.withdraw_unpaid(case=case, reason=reason, by=by)


def withdraw_abandoned_requests(*, older_than: dt.timedelta) -> int:
    """The scheduled clear-out of requests nobody paid for: closed, and the requester told."""
    cutoff = timezone.now() - older_than
    withdrawn = 0
    for case in Case.objects.filter(status=AWAITING_PAYMENT["key"], submitted_at__lt=cutoff).select_related("service"):
        try:
            cancel_unpaid_request(case=case, reason=f"Not paid within {older_than.days} days.")
            withdrawn += 1
        except PaymentUnavailable:
            logger.warning("Provider unavailable; %s stays waiting for payment until the next run", case.reference)
            break
        except PaymentError:
            continue  # paid at the last moment: now released to its team
    return withdrawn


def check_live_payments(*, older_than_minutes: int = 5) -> int:
    """The scheduled safety net for payers who closed the browser mid-payment: ask the
    provider about every unfinished payment, so each case ends up paid or payable again."""
    cutoff = timezone.now() - dt.timedelta(minutes=older_than_minutes)
    checked = 0
    for payment in Payment.objects.filter(status__in=LIVE_STATUSES, created_at__lt=cutoff):
        try:
            refresh_payment(payment)
            checked += 1
        except PaymentUnavailable:
            logger.warning("Provider unavailable checking payment %s; next run will retry", payment.public_id)
            break
    return checked


# Refunds


@transaction.atomic
def request_refund(*, payment: Payment, amount: int, reason: str, by) -> Refund:
    """Give back some or all of a payment. The amount is reserved at once, so two staff
    cannot refund the same money twice; a card refund is sent to the provider after
    commit through the outbox (retried while it is down), a counter refund is done now."""
    payment = Payment.objects.select_for_update().select_related("case__service").get(pk=payment.pk)
    reason = (reason or "").strip()
    if not reason:
        raise PaymentError("Enter the reason for the refund.")
    if not payment.is_paid:
        raise PaymentError("Only a payment that succeeded can be refunded.")
    if amount <= 0:
        raise PaymentError("Enter an amount more than £0.")
    if amount > payment.refundable_amount:
        raise PaymentError(f"You can refund at most {format_pence(payment.refundable_amount)} of this payment.")
    if refusal := refund_refusal(payment.case.service, payment, amount):
        raise PaymentError(refusal)
    refund = Refund.objects.create(payment=payment, amount=amount, reason=reason[:500], requested_by=by)
    payment.amount_refunded += amount
    payment.save(update_fields=["amount_refunded", "updated_at"])
    audit.record(
        actor=by, action="payment.refund_requested", target=payment, data={"refund": refund.pk, "amount": amount}
    )
    if payment.is_counter:
        _refund_succeeded(refund, provider_refund_id="")
    else:
        outbox.enqueue(
            topic="payment_refund",
            payload={"refund_id": refund.pk},
            key=f"refund:{refund.pk}",
            ordering_key=f"payment:{payment.pk}",  # in order per payment: each states what is left
        )
    return refund


def send_refund(payload: dict, delivery_key: str) -> None:
    """Outbox handler: ask the provider for the refund. Raising leaves it for a retry."""
    refund = Refund.objects.select_related("payment").get(pk=payload["refund_id"])
    if refund.status != RefundStatus.REQUESTED:
        return  # already sent: a repeat delivery
    payment = refund.payment
    already = payment.refunds.filter(status__in=[RefundStatus.SUBMITTED, RefundStatus.SUCCESS]).aggregate(
        total=Sum("amount")
    )["total"]
    provider = providers.get_provider(payment.provider)
    try:
        result = provider.refund(
            payment.provider_id, amount=refund.amount, amount_available=payment.amount - (already or 0)
        )
    except providers.ProviderRefused as error:
        _refund_failed(refund, str(error))
        return
    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        refund.provider_refund_id = result.refund_id
        refund.status = RefundStatus.SUBMITTED
        refund.save(update_fields=["provider_refund_id", "status"])
        if result.status == providers.REFUND_SUCCESS:
            _refund_succeeded(refund, provider_refund_id=result.refund_id)
        elif result.status == providers.REFUND_ERROR:
            _refund_failed(refund, "The card provider could not make the refund.")


def check_submitted_refunds(*, payment: Payment | None = None) -> int:
    """The scheduled check of refunds the provider has accepted but not yet made (of one
    payment, when its webhook says something happened)."""
    checked = 0
    submitted = Refund.objects.filter(status=RefundStatus.SUBMITTED).select_related("payment")
    for refund in submitted.filter(payment=payment) if payment else submitted:
        try:
            result = providers.get_provider(refund.payment.provider).get_refund(
                refund.payment.provider_id, refund.provider_refund_id
            )
        except providers.ProviderUnavailable:
            break
        with transaction.atomic():
            refund = Refund.objects.select_for_update().select_related("payment").get(pk=refund.pk)
            if refund.status != RefundStatus.SUBMITTED:
                continue
            if result.status == providers.REFUND_SUCCESS:
                _refund_succeeded(refund, provider_refund_id=result.refund_id)
            elif result.status == providers.REFUND_ERROR:
                _refund_failed(refund, "The card provider could not make the refund.")
        checked += 1
    return checked


def _refund_succeeded(refund: Refund, *, provider_refund_id: str) -> None:
    payment = refund.payment
    refund.status = RefundStatus.SUCCESS
    refund.refunded_at = timezone.now()
    refund.provider_refund_id = provider_refund_id or refund.provider_refund_id
    refund.save(update_fields=["status", "refunded_at", "provider_refund_id"])
    _post(EntryKind.REFUND, payment=payment, amount=-refund.amount, refund=refund)
    case_services.record_money_event(
        case=payment.case,
        kind=EventKind.REFUND,
        text=f"Refund of {format_pence(refund.amount)} made.",
        by=refund.requested_by,
        data={"payment": str(payment.public_id), "refund": refund.pk, "amount": refund.amount, "reason": refund.reason},
    )
    audit.record(actor=refund.requested_by, action="payment.refunded", target=payment, data={"refund": refund.pk})
    notifications.notify_requester(
        case=payment.case, event=NotificationEvent.REFUNDED, extra={"amount": format_pence(refund.amount)}
    )


@transaction.atomic
def _refund_failed(refund: Refund, message: str) -> None:
    refund = Refund.objects.select_for_update().select_related("payment").get(pk=refund.pk)
    if refund.status in (RefundStatus.SUCCESS, RefundStatus.ERROR):
        return
    refund.status = RefundStatus.ERROR
    refund.error_message = message[:255]
    refund.save(update_fields=["status", "error_message"])
    # Give the reserved amount back, so the refund can be tried again.
    Payment.objects.filter(pk=refund.payment_id).update(amount_refunded=F("amount_refunded") - refund.amount)
    case_services.add_note(
        case=refund.payment.case,
        text=f"Refund of {format_pence(refund.amount)} failed: {message} Nothing was refunded; it can be tried again.",
        by=None,
    )
    audit.record(
        actor=None, action="payment.refund_failed", target=refund.payment, data={"refund": refund.pk, "error": message}
    )
