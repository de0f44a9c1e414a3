"""Matching the provider's records of a day against ours, and listing what differs for
staff: money the provider took that Townhall never recorded, payments whose status or
amount disagree, refunds that do not add up."""

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from townhall.core import audit
from townhall.core.money import format_pence
from townhall.payments import providers, services
from townhall.payments.models import COUNTER_PROVIDER, Mismatch, MismatchKind, Payment, PaymentStatus, RefundStatus

logger = logging.getLogger(__name__)


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def reconcile(day: dt.date, *, provider_name: str | None = None) -> list[Mismatch]:
    """Compare `day`'s payments at the provider with ours; record each new mismatch once.
    Raises ProviderUnavailable if the provider cannot be asked (the job runs again)."""
    provider = providers.get_provider(provider_name)
    if provider.name == COUNTER_PROVIDER:
        return []
    start, end = day_bounds(day)
    theirs = {payment.provider_id: payment for payment in provider.search_payments(from_date=start, to_date=end)}
    ours = {
        payment.provider_id: payment
        for payment in Payment.objects.filter(provider=provider.name, provider_id__in=list(theirs))
        .select_related("case")
        .prefetch_related("refunds")
    }
    found = []
    for provider_id, their in theirs.items():
        our = ours.get(provider_id)
        if our is None:
            if their.status == PaymentStatus.SUCCESS:
                found.append(
                    _mismatch(
                        day,
                        provider.name,
                        MismatchKind.UNKNOWN_TO_TOWNHALL,
                        provider_id,
                        None,
                        f"The provider took {format_pence(their.amount)} (reference {their.reference}) "
                        "that Townhall has no record of.",
                    )
                )
            continue
        if our.is_live and their.finished:
            # A payer who never came back, and the scheduled check has not caught up: settle it now.
            our = services.record_provider_payment(our, their)
        if their.finished and our.status != their.status:
            found.append(
                _mismatch(
                    day,
                    provider.name,
                    MismatchKind.STATUS,
                    provider_id,
                    our,
                    f"{our.case.reference}: the provider says “{their.status}”, Townhall says “{our.status}”.",
                )
            )
        if our.amount != their.amount:
            found.append(
                _mismatch(
                    day,
                    provider.name,
                    MismatchKind.AMOUNT,
                    provider_id,
                    our,
                    f"{our.case.reference}: the provider has {format_pence(their.amount)}, "
                    f"Townhall has {format_pence(our.amount)}.",
                )
            )
        settled_refunds = sum(r.amount for r in our.refunds.all() if r.status == RefundStatus.SUCCESS)
        if their.status == PaymentStatus.SUCCESS and their.amount_refunded != settled_refunds:
            found.append(
                _mismatch(
                    day,
                    provider.name,
                    MismatchKind.REFUNDED,
                    provider_id,
                    our,
                    f"{our.case.reference}: the provider has refunded {format_pence(their.amount_refunded)}, "
                    f"Townhall records {format_pence(settled_refunds)}.",
                )
            )
    return [mismatch for mismatch in found if mismatch is not None]


def _mismatch(day, provider_name, kind, provider_id, payment, detail) -> Mismatch | None:
    mismatch, created = Mismatch.objects.get_or_create(
        provider=provider_name,
        kind=kind,
        provider_id=provider_id,
        defaults={"found_on": day, "payment": payment, "detail": detail[:500]},
    )
    if created:
        logger.warning("Payment mismatch: %s", detail)
    return mismatch if created else None


class MismatchError(Exception):
    """A mismatch that cannot be resolved as asked, in words for the member of staff."""


class AlreadyResolved(MismatchError):
    """Someone resolved the mismatch first."""


@transaction.atomic
def resolve_mismatch(*, mismatch: Mismatch, resolution: str, by) -> Mismatch:
    """Close a mismatch with what was done about it (a refund made, a payment recorded by
    hand, a note that the provider was wrong). Raises MismatchError without a note, or if
    someone else resolved it first; the row lock makes two people resolving at once meet."""
    resolution = (resolution or "").strip()
    if not resolution:
        raise MismatchError("Enter what was done to resolve it.")
    if len(resolution) > 500:
        raise MismatchError("What was done must be 500 characters or fewer.")
    mismatch = Mismatch.objects.select_for_update().get(pk=mismatch.pk)
    if mismatch.resolved_at is not None:
        raise AlreadyResolved("This mismatch has already been resolved.")
    mismatch.resolved_at = timezone.now()
    mismatch.resolved_by = by
    mismatch.resolution = resolution
    mismatch.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    audit.record(
        actor=by,
        action="payment.mismatch_resolved",
        target=mismatch,
        data={"kind": mismatch.kind, "provider_id": mismatch.provider_id, "resolution": resolution},
    )
    return mismatch


def recheck_day(*, day: dt.date, by) -> list[Mismatch]:
    """Reconcile `day` again now, at a member of staff's request (after fixing a payment,
    or when the night's run could not reach the provider); returns the new mismatches.
    Raises ProviderUnavailable, with nothing recorded, if the provider cannot be asked."""
    found = reconcile(day)
    audit.record(actor=by, action="payment.reconciled", data={"day": day.isoformat(), "new_mismatches": len(found)})
    return found
