"""The payment state machine, the ledger, counter payments and refunds, with the sandbox provider."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from townhall.accounts.tests.factories import StaffFactory
from townhall.cases.models import EventKind
from townhall.catalogue.fees import register_refund_rule
from townhall.catalogue.models import AWAITING_PAYMENT, Channel, FeeKind
from townhall.core.models import AuditEvent, OutboxMessage
from townhall.notifications.models import Notification
from townhall.payments import providers, services
from townhall.payments.models import LedgerEntry, Method, Mismatch, MismatchKind, PaymentStatus, RefundStatus
from townhall.payments.providers.sandbox import SandboxProvider
from townhall.payments.tests.factories import awaiting_case, manager, paid_service, return_url_for

pytestmark = pytest.mark.django_db


def start(case, **kwargs):
    return services.start_payment(
        case=case,
        channel=kwargs.pop("channel", Channel.WEB),
        by=kwargs.pop("by", None),
        return_url_for=return_url_for,
        after_url=f"/requests/{case.reference}/pay/",
        **kwargs,
    )


def pay(case, outcome="success"):
    payment = start(case)
    SandboxProvider().complete(payment.provider_id, outcome)
    return services.refresh_payment(payment)


def test_a_request_with_a_fee_waits_for_payment_out_of_the_workflow():
    case = awaiting_case()

    assert case.fee == 3500
    assert case.status == AWAITING_PAYMENT["key"]
    assert case.due_date is None
    assert case.staff_status_label == "Awaiting payment"
    assert not Notification.objects.filter(case=case).exists()


def test_a_free_request_is_received_at_once():
    service = paid_service(fee_pence=0)
    service.fee_kind = FeeKind.NONE
    service.save()

    case = awaiting_case(service)

    assert case.fee == 0
    assert case.status == service.initial_state


def test_starting_a_payment_asks_the_provider_for_what_the_case_owes():
    case = awaiting_case()

    payment = start(case)

    assert payment.amount == 3500
    assert payment.fund_code == "WASTE-BULKY"
    assert payment.status == PaymentStatus.CREATED
    assert payment.next_url == f"/payments/sandbox/{payment.provider_id}/"
    assert payment.method == Method.CARD_ONLINE and not payment.moto


def test_a_second_click_on_pay_finds_the_same_payment():
    case = awaiting_case()

    first = start(case)
    second = start(case)

    assert first.pk == second.pk
    assert case.payments.count() == 1


def test_a_successful_payment_releases_the_case_posts_income_and_sends_a_receipt():
    case = awaiting_case()

    payment = pay(case)

    case.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCESS and payment.paid_at is not None
    assert case.status == case.service.initial_state
    assert case.due_date is not None
    entry = LedgerEntry.objects.get(payment=payment)
    assert (entry.kind, entry.amount, entry.fund_code, entry.channel) == ("payment", 3500, "WASTE-BULKY", "web")
    assert entry.posted_on == timezone.localdate()
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == [EventKind.AWAITING_PAYMENT, EventKind.PAYMENT, EventKind.SUBMITTED]
    events = set(Notification.objects.filter(case=case).values_list("event", flat=True))
    assert events == {"payment_received", "submitted"}
    receipt = Notification.objects.get(case=case, event="payment_received")
    assert "£35" in receipt.subject and payment.receipt_reference in receipt.body


def test_the_same_result_recorded_twice_posts_once():
    case = awaiting_case()
    payment = pay(case)

    again = services.refresh_payment(payment)
    services.record_provider_payment(again, SandboxProvider().get_payment(payment.provider_id))

    assert LedgerEntry.objects.filter(payment=payment).count() == 1
    assert case.events.filter(kind=EventKind.PAYMENT).count() == 1
    assert Notification.objects.filter(case=case, event="payment_received").count() == 1


@pytest.mark.parametrize("outcome", ["decline", "cancel", "error", "timeout"])
def test_a_failed_payment_keeps_the_case_waiting_and_can_be_tried_again(outcome):
    case = awaiting_case()

    failed = pay(case, outcome)
    retried = start(case)

    case.refresh_from_db()
    assert not failed.is_paid and not failed.is_live
    assert failed.failure_explanation
    assert case.status == AWAITING_PAYMENT["key"]
    assert retried.pk != failed.pk and retried.is_live
    assert not LedgerEntry.objects.exists()


def test_an_abandoned_payment_is_settled_by_the_scheduled_check(django_capture_on_commit_callbacks):
    case = awaiting_case()
    payment = start(case)
    SandboxProvider().complete(payment.provider_id, "success")  # paid, then the browser was closed
    type(payment).objects.filter(pk=payment.pk).update(created_at=timezone.now() - dt.timedelta(minutes=10))

    assert services.check_live_payments() == 1

    case.refresh_from_db()
    assert case.status == case.service.initial_state
    assert case.payments.get().is_paid


def test_a_payment_never_finished_expires_and_the_case_can_be_paid_again():
    case = awaiting_case()
    payment = start(case)
    old = timezone.now() - dt.timedelta(hours=2)
    type(payment).objects.filter(pk=payment.pk).update(created_at=old)
    from townhall.payments.models import SandboxPayment

    SandboxPayment.objects.filter(token=payment.provider_id).update(created_at=old)

    services.check_live_payments()

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED and payment.failure_code == providers.EXPIRED
    assert start(case).pk != payment.pk


def test_the_provider_being_down_loses_nothing_and_says_so(settings):
    case = awaiting_case()
    settings.PAYMENTS_SANDBOX_OUTAGE = True

    with pytest.raises(services.PaymentUnavailable, match="try again"):
        start(case)

    settings.PAYMENTS_SANDBOX_OUTAGE = False
    case.refresh_from_db()
    assert case.status == AWAITING_PAYMENT["key"]
    assert case.payments.get().status == PaymentStatus.ERROR
    assert start(case).is_live


def test_a_paid_case_has_nothing_more_to_pay():
    case = awaiting_case()
    pay(case)

    with pytest.raises(services.PaymentError, match="nothing to pay"):
        start(case)


def test_a_second_success_for_one_case_is_flagged_for_staff():
    case = awaiting_case()
    first = start(case)
    SandboxProvider().complete(first.provider_id, "success")
    # The payer's first attempt succeeded at the provider but we had not heard yet; they paid again.
    type(first).objects.filter(pk=first.pk).update(status=PaymentStatus.FAILED)
    second = pay(case)
    type(first).objects.filter(pk=first.pk).update(status=PaymentStatus.STARTED)

    services.refresh_payment(first)

    assert second.is_paid
    mismatch = Mismatch.objects.get(kind=MismatchKind.PAID_TWICE)
    assert case.reference in mismatch.detail


def test_only_one_live_payment_per_case_is_possible():
    case = awaiting_case()
    payment = start(case)

    with pytest.raises(IntegrityError), transaction.atomic():
        type(payment).objects.create(
            case=case, amount=1, description="x", channel="web", method="card_online", provider="sandbox"
        )


def test_the_ledger_refuses_changes():
    case = awaiting_case()
    pay(case)
    entry = LedgerEntry.objects.get()

    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=1)
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM payments_ledgerentry")


def test_a_phone_payment_is_moto_and_records_the_agent():
    case = awaiting_case(channel=Channel.PHONE)
    agent = StaffFactory()

    payment = start(case, channel=Channel.PHONE, by=agent)

    assert payment.moto and payment.method == Method.CARD_PHONE
    assert payment.taken_by == agent
    assert SandboxProvider().get_payment(payment.provider_id)


def test_a_counter_payment_is_recorded_paid_and_releases_the_case():
    case = awaiting_case(channel=Channel.FACE_TO_FACE)
    clerk = StaffFactory()

    payment = services.record_counter_payment(case=case, method=Method.CASH, receipt_number="T-0042", by=clerk)

    case.refresh_from_db()
    assert payment.is_paid and payment.provider == "counter" and payment.channel == "face_to_face"
    assert case.status == case.service.initial_state
    assert LedgerEntry.objects.get().method == Method.CASH
    assert AuditEvent.objects.filter(action="payment.counter_recorded", actor=clerk).exists()


def test_a_counter_payment_refuses_a_card_method():
    case = awaiting_case()

    with pytest.raises(services.PaymentError):
        services.record_counter_payment(case=case, method=Method.CARD_ONLINE, receipt_number="", by=StaffFactory())


# Refunds


def test_a_partial_card_refund_is_sent_after_commit_and_posted(django_capture_on_commit_callbacks):
    case = awaiting_case()
    payment = pay(case)
    staff = manager(case.team)

    with django_capture_on_commit_callbacks(execute=True):
        refund = services.request_refund(payment=payment, amount=1000, reason="Only one item collected", by=staff)

    refund.refresh_from_db()
    payment.refresh_from_db()
    assert refund.status == RefundStatus.SUCCESS and refund.provider_refund_id
    assert payment.amount_refunded == 1000 and payment.refundable_amount == 2500
    assert LedgerEntry.objects.filter(kind="refund").get().amount == -1000
    assert case.events.filter(kind=EventKind.REFUND).exists()
    assert Notification.objects.filter(case=case, event="refunded").exists()
    assert SandboxProvider().get_payment(payment.provider_id).amount_refunded == 1000


def test_a_refund_cannot_exceed_what_is_left():
    case = awaiting_case()
    payment = pay(case)
    staff = manager(case.team)
    services.request_refund(payment=payment, amount=3000, reason="Most of it", by=staff)

    with pytest.raises(services.PaymentError, match="at most £5"):
        services.request_refund(payment=payment, amount=1000, reason="More", by=staff)


@pytest.mark.parametrize(("amount", "reason", "message"), [(0, "Why", "more than £0"), (100, " ", "reason")])
def test_a_refund_needs_an_amount_and_a_reason(amount, reason, message):
    payment = pay(awaiting_case())

    with pytest.raises(services.PaymentError, match=message):
        services.request_refund(payment=payment, amount=amount, reason=reason, by=StaffFactory())


def test_a_refund_while_the_provider_is_down_waits_in_the_outbox(settings, django_capture_on_commit_callbacks):
    payment = pay(awaiting_case())
    settings.PAYMENTS_SANDBOX_OUTAGE = True

    with django_capture_on_commit_callbacks(execute=True):
        refund = services.request_refund(payment=payment, amount=3500, reason="Cancelled", by=StaffFactory())

    refund.refresh_from_db()
    assert refund.status == RefundStatus.REQUESTED
    message = OutboxMessage.objects.get(key=f"refund:{refund.pk}")
    assert message.status != "sent" and message.attempts == 1
    assert not LedgerEntry.objects.filter(kind="refund").exists()


def test_a_refund_the_provider_refuses_is_released_and_noted():
    payment = pay(awaiting_case())
    refund = services.request_refund(payment=payment, amount=3500, reason="Cancelled", by=StaffFactory())
    # Someone refunded it in the provider's own admin screens meanwhile.
    SandboxProvider().refund(payment.provider_id, amount=3500, amount_available=3500)

    services.send_refund({"refund_id": refund.pk}, f"refund:{refund.pk}")

    refund.refresh_from_db()
    payment.refresh_from_db()
    assert refund.status == RefundStatus.ERROR
    assert payment.amount_refunded == 0
    assert payment.case.events.filter(kind=EventKind.NOTE, text__contains="Refund of £35 failed").exists()


def test_sending_a_refund_twice_refunds_once():
    payment = pay(awaiting_case())
    refund = services.request_refund(payment=payment, amount=500, reason="Goodwill", by=StaffFactory())

    services.send_refund({"refund_id": refund.pk}, "k")
    services.send_refund({"refund_id": refund.pk}, "k")

    assert SandboxProvider().get_payment(payment.provider_id).amount_refunded == 500
    assert LedgerEntry.objects.filter(kind="refund").count() == 1


def test_a_counter_refund_is_made_at_once():
    case = awaiting_case()
    payment = services.record_counter_payment(case=case, method=Method.CASH, receipt_number="", by=StaffFactory())

    refund = services.request_refund(payment=payment, amount=3500, reason="Cancelled", by=StaffFactory())

    assert refund.status == RefundStatus.SUCCESS
    assert sum(LedgerEntry.objects.values_list("amount", flat=True)) == 0


def test_a_modules_refund_rule_can_refuse():
    @register_refund_rule("test-no-refunds", "No refunds in tests")
    def no_refunds(payment, amount):
        return "No refund within 24 hours of the collection."

    service = paid_service(refund_rule="test-no-refunds")
    payment = pay(awaiting_case(service))

    with pytest.raises(services.PaymentError, match="24 hours"):
        services.request_refund(payment=payment, amount=100, reason="Asked", by=StaffFactory())
    assert payment.refunds.count() == 0


# Requests nobody pays for


def test_cancelling_an_unpaid_request_stops_the_payment_in_progress_and_tells_the_requester():
    case = awaiting_case()
    payment = start(case)

    services.cancel_unpaid_request(case=case, reason="The resident changed their mind", by=StaffFactory())

    case.refresh_from_db()
    payment.refresh_from_db()
    assert case.is_closed and case.status == "withdrawn"
    assert payment.status == PaymentStatus.CANCELLED
    assert SandboxProvider().get_payment(payment.provider_id).status == providers.CANCELLED
    assert Notification.objects.filter(case=case, event="public_update", body__contains="not paid for").exists()


def test_a_request_paid_just_before_it_was_cancelled_stays_open_and_paid():
    case = awaiting_case()
    payment = start(case)
    SandboxProvider().complete(payment.provider_id, "success")

    with pytest.raises(services.PaymentError, match="just been paid"):
        services.cancel_unpaid_request(case=case, reason="Too late", by=None)

    case.refresh_from_db()
    assert not case.is_closed and case.status == case.service.initial_state


def test_a_request_cannot_be_cancelled_while_the_provider_is_down(settings):
    case = awaiting_case()
    start(case)
    settings.PAYMENTS_SANDBOX_OUTAGE = True

    with pytest.raises(services.PaymentUnavailable):
        services.cancel_unpaid_request(case=case, reason="Gone", by=None)

    case.refresh_from_db()
    assert case.status == AWAITING_PAYMENT["key"]


def test_requests_unpaid_for_too_long_are_withdrawn_by_the_scheduled_job():
    old, recent = awaiting_case(), awaiting_case()
    type(old).objects.filter(pk=old.pk).update(submitted_at=timezone.now() - dt.timedelta(days=15))

    assert services.withdraw_abandoned_requests(older_than=dt.timedelta(days=14)) == 1

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.is_closed and not recent.is_closed


def test_money_arriving_for_a_closed_request_is_flagged_to_be_refunded():
    case = awaiting_case()
    payment = start(case)
    services.cancel_unpaid_request(case=case, reason="Closed", by=None)
    # The provider took the money after all (its cancel raced the payer).
    type(payment).objects.filter(pk=payment.pk).update(status=PaymentStatus.STARTED)
    from townhall.payments.models import SandboxPayment

    SandboxPayment.objects.filter(token=payment.provider_id).update(status="success", failure_code="")

    services.refresh_payment(payment)

    mismatch = Mismatch.objects.get(kind=MismatchKind.PAID_WHILE_CLOSED)
    assert case.reference in mismatch.detail
    case.refresh_from_db()
    assert case.is_closed


def test_staff_cannot_move_an_unpaid_request_through_the_workflow():
    from townhall.cases.services import CaseError, change_status

    case = awaiting_case()

    with pytest.raises(CaseError, match="waiting for its payment"):
        change_status(case=case, status="in_progress", by=StaffFactory())


def test_a_payment_started_on_the_phone_is_cancelled_when_the_resident_pays_online():
    case = awaiting_case(channel=Channel.PHONE)
    on_the_phone = start(case, channel=Channel.PHONE, by=StaffFactory())

    online = start(case)

    on_the_phone.refresh_from_db()
    assert on_the_phone.status == PaymentStatus.CANCELLED
    assert online.is_live and not online.moto


def test_a_payment_being_authorised_is_left_to_finish():
    case = awaiting_case()
    payment = start(case)
    from townhall.payments.models import SandboxPayment

    SandboxPayment.objects.filter(token=payment.provider_id).update(status="submitted")

    with pytest.raises(services.PaymentError, match="being authorised"):
        start(case)
    assert case.payments.count() == 1
