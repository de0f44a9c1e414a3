"""The daily reconciliation against the sandbox provider's own records, and resolving what it finds."""

import datetime as dt

import pytest
from django.utils import timezone

from townhall.accounts.models import Role
from townhall.accounts.tests.factories import StaffFactory
from townhall.catalogue.models import Channel
from townhall.core.models import AuditEvent
from townhall.payments import providers, services
from townhall.payments.models import LedgerEntry, Mismatch, MismatchKind, PaymentStatus, SandboxPayment
from townhall.payments.providers.sandbox import SandboxProvider
from townhall.payments.reconciliation import (
    AlreadyResolved,
    MismatchError,
    recheck_day,
    reconcile,
    resolve_mismatch,
)
from townhall.payments.tests.factories import awaiting_case, return_url_for

pytestmark = pytest.mark.django_db


def start(case):
    return services.start_payment(
        case=case, channel=Channel.WEB, by=None, return_url_for=return_url_for, after_url="/after/"
    )


def pay(case):
    payment = start(case)
    SandboxProvider().complete(payment.provider_id, "success")
    return services.refresh_payment(payment)


def today():
    return timezone.localdate()


def test_matching_records_find_nothing():
    pay(awaiting_case())
    failed = start(awaiting_case())
    SandboxProvider().complete(failed.provider_id, "decline")
    services.refresh_payment(failed)

    assert reconcile(today()) == []
    assert not Mismatch.objects.exists()


def test_money_the_provider_took_that_townhall_never_recorded_is_found():
    provider = SandboxProvider()
    theirs = provider.create_payment(amount=1250, reference="WX-LOST", description="Lost", return_url="http://t/")
    provider.complete(theirs.provider_id, "success")
    # A payment that never succeeded at the provider is nobody's money: not reported.
    provider.create_payment(amount=999, reference="WX-ABANDONED", description="x", return_url="http://t/")

    found = reconcile(today())

    assert [(m.kind, m.provider_id, m.payment) for m in found] == [
        (MismatchKind.UNKNOWN_TO_TOWNHALL, theirs.provider_id, None)
    ]
    assert "£12.50" in found[0].detail and "WX-LOST" in found[0].detail
    assert found[0].found_on == today()


def test_a_status_that_differs_is_found():
    case = awaiting_case()
    payment = pay(case)
    # Townhall recorded a failure (say, by hand) for money the provider took.
    type(payment).objects.filter(pk=payment.pk).update(status=PaymentStatus.FAILED)

    (mismatch,) = reconcile(today())

    assert mismatch.kind == MismatchKind.STATUS and mismatch.payment == payment
    assert case.reference in mismatch.detail and "success" in mismatch.detail and "failed" in mismatch.detail


def test_an_amount_that_differs_is_found():
    payment = pay(awaiting_case())
    SandboxPayment.objects.filter(token=payment.provider_id).update(amount=3000)

    (mismatch,) = reconcile(today())

    assert mismatch.kind == MismatchKind.AMOUNT and mismatch.payment == payment
    assert "£30" in mismatch.detail and "£35" in mismatch.detail


def test_refunds_that_differ_are_found():
    payment = pay(awaiting_case())
    # Someone refunded part of it in the provider's own admin screens.
    SandboxProvider().refund(payment.provider_id, amount=500, amount_available=3500)

    (mismatch,) = reconcile(today())

    assert mismatch.kind == MismatchKind.REFUNDED and mismatch.payment == payment
    assert "£5" in mismatch.detail and "£0" in mismatch.detail


def test_refunds_made_through_townhall_agree():
    payment = pay(awaiting_case())
    refund = services.request_refund(payment=payment, amount=500, reason="Goodwill", by=StaffFactory())
    services.send_refund({"refund_id": refund.pk}, f"refund:{refund.pk}")

    assert reconcile(today()) == []


def test_running_again_records_each_problem_once():
    provider = SandboxProvider()
    provider.complete(
        provider.create_payment(amount=1, reference="r", description="d", return_url="u").provider_id, "success"
    )
    payment = pay(awaiting_case())
    SandboxPayment.objects.filter(token=payment.provider_id).update(amount=3000)

    first = reconcile(today())
    second = reconcile(today())

    assert len(first) == 2
    assert second == []
    assert Mismatch.objects.count() == 2


def test_a_live_payment_the_provider_finished_is_settled():
    case = awaiting_case()
    payment = start(case)
    SandboxProvider().complete(payment.provider_id, "success")  # paid; the payer never came back

    assert reconcile(today()) == []

    payment.refresh_from_db()
    case.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCESS
    assert LedgerEntry.objects.get(payment=payment).amount == 3500
    assert case.status == case.service.initial_state


def test_another_days_payments_are_not_looked_at():
    provider = SandboxProvider()
    provider.complete(
        provider.create_payment(amount=1, reference="r", description="d", return_url="u").provider_id, "success"
    )

    assert reconcile(today() - dt.timedelta(days=1)) == []


def test_reconciling_while_the_provider_is_down_raises_and_records_nothing(settings):
    provider = SandboxProvider()
    provider.complete(
        provider.create_payment(amount=1, reference="r", description="d", return_url="u").provider_id, "success"
    )
    settings.PAYMENTS_SANDBOX_OUTAGE = True

    with pytest.raises(providers.ProviderUnavailable):
        recheck_day(day=today(), by=StaffFactory(role=Role.TEAM_MANAGER))

    assert not Mismatch.objects.exists()
    assert not AuditEvent.objects.filter(action="payment.reconciled").exists()


def test_checking_a_day_again_is_audited_with_what_it_found():
    provider = SandboxProvider()
    provider.complete(
        provider.create_payment(amount=1, reference="r", description="d", return_url="u").provider_id, "success"
    )
    manager = StaffFactory(role=Role.TEAM_MANAGER)

    found = recheck_day(day=today(), by=manager)

    event = AuditEvent.objects.get(action="payment.reconciled")
    assert len(found) == 1
    assert event.actor == manager and event.data == {"day": today().isoformat(), "new_mismatches": 1}


# Resolving


def _mismatch() -> Mismatch:
    return Mismatch.objects.create(
        found_on=today(), provider="sandbox", kind=MismatchKind.UNKNOWN_TO_TOWNHALL, provider_id="p1", detail="x"
    )


def test_resolving_records_the_note_who_and_when_with_an_audit_event():
    mismatch = _mismatch()
    manager = StaffFactory(role=Role.TEAM_MANAGER)

    resolved = resolve_mismatch(mismatch=mismatch, resolution="  Refunded by the provider's admin  ", by=manager)

    mismatch.refresh_from_db()
    assert mismatch.resolution == "Refunded by the provider's admin"
    assert mismatch.resolved_by == manager and mismatch.resolved_at is not None
    assert resolved.resolved_at == mismatch.resolved_at
    event = AuditEvent.objects.get(action="payment.mismatch_resolved")
    assert event.actor == manager and event.data["resolution"] == "Refunded by the provider's admin"


@pytest.mark.parametrize("note", ["", "  ", "x" * 501])
def test_resolving_refuses_a_missing_or_overlong_note(note):
    mismatch = _mismatch()

    with pytest.raises(MismatchError):
        resolve_mismatch(mismatch=mismatch, resolution=note, by=StaffFactory(role=Role.TEAM_MANAGER))

    mismatch.refresh_from_db()
    assert mismatch.resolved_at is None


def test_a_mismatch_is_resolved_once():
    mismatch = _mismatch()
    manager = StaffFactory(role=Role.TEAM_MANAGER)
    resolve_mismatch(mismatch=mismatch, resolution="First", by=manager)

    with pytest.raises(AlreadyResolved):
        resolve_mismatch(mismatch=mismatch, resolution="Second", by=manager)

    mismatch.refresh_from_db()
    assert mismatch.resolution == "First"
    assert AuditEvent.objects.filter(action="payment.mismatch_resolved").count() == 1
