"""Every write about garden waste subscriptions: subscribing, paying (the case_paid
receiver), changing the number of bins, cancelling and not going ahead; each in one
transaction with its audit event, and the property's cached bin days dropped after
commit whenever what it has collected changes (`waste.selectors.property_changed`).

Refunds go back to the card that paid, through `payments.services.request_refund` (the
provider's API, through the outbox), with no member of staff involved; whatever cannot be
refunded that way is left to staff as a note on the case.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from townhall.cases import services as case_services
from townhall.cases.models import Case
from townhall.cases.services import Requester, submit_case
from townhall.catalogue.models import AWAITING_PAYMENT, Service, ServiceStatus
from townhall.core import audit
from townhall.core.money import format_pence
from townhall.customers.models import Customer
from townhall.gazetteer.models import Property
from townhall.payments import services as payments
from townhall.payments.models import Payment, PaymentStatus
from townhall.waste import selectors
from townhall.waste.garden.rules import (
    CANCEL,
    CHANGE,
    PRICING_RULE,
    RENEW,
    SUBSCRIBE,
    GardenError,
    cancel_quote,
    change_quote,
    current_prices,
    term_end,
)
from townhall.waste.garden.selectors import current_subscription, pending_change, renewal_of, why_not_collected
from townhall.waste.garden_models import (
    GardenChange,
    GardenChangeKind,
    GardenChangeStatus,
    GardenStatus,
    GardenSubscription,
)

# The catalogue service, in the format of townhall/demo/catalogue_data.py. The garden
# pages fill its questions; the keys are fixed.
SERVICE_SPEC = {
    "slug": "garden-waste",
    "name": "Subscribe to garden waste collections",
    "department": "environment",
    "team": "waste",
    "summary": "Have your garden waste collected every other week for a year; renew, change your bins or cancel.",
    "description": "Find your address on the bin collection days pages and choose “Garden waste” to subscribe, "
    "renew or change your subscription.\n\nThe price is for a year: the first bin, then each extra bin. "
    "Residents who get Council Tax Support pay half.",
    "eligibility": "Houses in Wexmoor on a garden waste round. Flats have no garden waste collection.",
    "keywords": "green waste, brown bin, garden bin, grass cuttings, hedge trimmings, leaves, subscription, renew",
    "deadline": 10,
    "fee": {"fee_kind": "rule", "fee_rule": PRICING_RULE, "fund_code": "ENV-GARDEN"},
    "questions": [
        {"key": "address", "type": "address", "label": "What is the address?", "required": True},
        {
            "key": "request",
            "type": "single_choice",
            "label": "What do you want to do?",
            "required": True,
            "options": [
                {"value": SUBSCRIBE, "label": "Subscribe"},
                {"value": RENEW, "label": "Renew for another year"},
                {"value": CHANGE, "label": "Change the number of bins"},
                {"value": CANCEL, "label": "Cancel the subscription"},
            ],
        },
        {
            "key": "bins",
            "type": "number",
            "label": "How many garden waste bins?",
            "required": True,
            "min": 1,
            "max": settings.WASTE_GARDEN_MAX_BINS,
        },
        {
            "key": "concession",
            "type": "yes_no",
            "label": "Do you get Council Tax Support?",
            "hint": "Residents who get Council Tax Support pay half.",
            "required": True,
        },
    ],
}


def get_service() -> Service:
    service = (
        Service.objects.select_related("current_form", "team")
        .filter(slug=settings.WASTE_GARDEN_SERVICE, status=ServiceStatus.PUBLISHED)
        .first()
    )
    if service is None or not service.is_published:
        raise GardenError("Garden waste subscriptions are not available at the moment. Please try again later.")
    return service


def _answers(place: Property, request: str, bins: int, concession: bool) -> dict:
    return {
        "address": {"uprn": place.uprn, "text": place.single_line},
        "request": request,
        "bins": str(bins),
        "concession": "yes" if concession else "no",
    }


def _locked_property(place: Property) -> Property:
    """The property row under lock: one subscription decision at a time per address."""
    return Property.objects.select_for_update().get(pk=place.pk)


def _check_bins(bins: int) -> None:
    if not 1 <= bins <= settings.WASTE_GARDEN_MAX_BINS:
        raise GardenError(f"Choose from 1 to {settings.WASTE_GARDEN_MAX_BINS} bins.")


def _new_subscription(
    *,
    place: Property,
    bins: int,
    concession: bool,
    channel: str,
    by,
    customer: Customer | None,
    requester: Requester | None,
    submission_key: uuid.UUID | None,
    start: dt.date,
    renewal_of: GardenSubscription | None = None,
) -> GardenSubscription:
    prices = current_prices()
    case = submit_case(
        service=get_service(),
        answers=_answers(place, RENEW if renewal_of else SUBSCRIBE, bins, concession),
        channel=channel,
        by=by,
        customer=customer,
        requester=requester,
        address=place,
        submission_key=submission_key,
    )
    existing = GardenSubscription.objects.filter(case=case).first()
    if existing is not None:  # a double click, or the same submission again
        return existing
    discount = prices.concession_percent if concession else 0
    subscription = GardenSubscription.objects.create(
        property=place,
        customer=case.customer,
        case=case,
        renewal_of=renewal_of,
        bins=bins,
        start_date=start,
        end_date=term_end(start),
        first_bin_price=prices.first_bin,
        extra_bin_price=prices.extra_bin,
        concession=concession,
        discount_percent=discount,
        price_paid=case.fee,
    )
    audit.record(
        actor=by,
        action="garden.renewal_requested" if renewal_of else "garden.subscription_requested",
        target=subscription,
        data={"case": case.reference, "bins": bins, "price": case.fee, "concession": concession},
    )
    if case.status != AWAITING_PAYMENT["key"]:  # free (a 100% concession): active at once
        _activate(subscription, by=by)
    return subscription


@transaction.atomic
def subscribe(
    *,
    place: Property,
    bins: int,
    concession: bool,
    channel: str,
    by=None,
    customer: Customer | None = None,
    requester: Requester | None = None,
    submission_key: uuid.UUID | None = None,
    today: dt.date | None = None,
) -> GardenSubscription:
    """Ask for a year of garden waste collections: a case waiting for its payment, and the
    subscription that becomes active when it is paid."""
    today = today or timezone.localdate()
    if submission_key and (done := GardenSubscription.objects.filter(case__submission_key=submission_key).first()):
        return done
    _check_bins(bins)
    place = _locked_property(place)
    if problem := why_not_collected(place):
        raise GardenError(problem)
    if current := current_subscription(place, today=today):
        raise GardenError(
            "This address already has a garden waste subscription, until "
            f"{date_format(current.end_date, 'j F Y')}. If you have just moved in, contact us to take it over."
        )
    return _new_subscription(
        place=place,
        bins=bins,
        concession=concession,
        channel=channel,
        by=by,
        customer=customer,
        requester=requester,
        submission_key=submission_key,
        start=today,
    )


def _locked_subscription(subscription: GardenSubscription) -> GardenSubscription:
    return (
        GardenSubscription.objects.select_for_update(of=("self",))
        .select_related("property", "customer", "case")
        .get(pk=subscription.pk)
    )


def _change_case(subscription: GardenSubscription, request: str, bins: int, *, fee: int, channel: str, by, key):
    customer = subscription.customer
    return submit_case(
        service=get_service(),
        answers=_answers(subscription.property, request, bins, subscription.concession),
        channel=channel,
        by=by,
        customer=customer,
        requester=Requester(name=customer.name, email=customer.email, phone=customer.phone) if customer else None,
        address=subscription.property,
        submission_key=key,
        fee=fee,
    )


@transaction.atomic
def change_bins(
    *,
    subscription: GardenSubscription,
    bins: int,
    channel: str,
    by=None,
    submission_key: uuid.UUID | None = None,
    today: dt.date | None = None,
) -> GardenChange:
    """Change the number of bins mid-term. More bins: a case for the difference (see
    `change_quote`), applied once paid. Fewer bins: applied now, and the unused months of
    the bins given up refunded to the card that paid, as the rule says."""
    today = today or timezone.localdate()
    if submission_key and (done := GardenChange.objects.filter(case__submission_key=submission_key).first()):
        return done
    subscription = _locked_subscription(subscription)
    if not subscription.covers(today) and not (
        subscription.status == GardenStatus.ACTIVE and subscription.start_date > today
    ):
        raise GardenError("Only a subscription that is running can be changed.")
    if pending_change(subscription) is not None:
        raise GardenError("A change to this subscription is waiting for its payment. Pay for it or cancel it first.")
    quote = change_quote(subscription, bins=bins, today=today)
    case = _change_case(subscription, CHANGE, bins, fee=quote.to_pay, channel=channel, by=by, key=submission_key)
    change = GardenChange.objects.create(
        subscription=subscription,
        case=case,
        kind=quote.kind,
        bins_before=quote.bins_before,
        bins_after=quote.bins_after,
        months_left=quote.months_left,
        amount=quote.amount,
        created_by=by if by is not None and by.is_authenticated else None,
    )
    audit.record(
        actor=by,
        action="garden.change_requested",
        target=subscription,
        data={"change": change.pk, "case": case.reference, "bins": [quote.bins_before, bins], "amount": quote.amount},
    )
    if case.status != AWAITING_PAYMENT["key"]:
        _apply_change(change, by=by)
    return change


@transaction.atomic
def cancel(
    *,
    subscription: GardenSubscription,
    channel: str,
    by=None,
    submission_key: uuid.UUID | None = None,
    today: dt.date | None = None,
) -> GardenChange:
    """Stop the subscription now, and any renewal of it, each refunded as the rule says
    (a renewal not yet started has its whole term left)."""
    today = today or timezone.localdate()
    if submission_key and (done := GardenChange.objects.filter(case__submission_key=submission_key).first()):
        return done
    subscription = _locked_subscription(subscription)
    if subscription.status != GardenStatus.ACTIVE or subscription.end_date < today:
        raise GardenError("Only a subscription that is running can be cancelled.")
    if pending_change(subscription) is not None:
        raise GardenError("A change to this subscription is waiting for its payment. Pay for it or cancel it first.")
    quote = cancel_quote(subscription, today=today)
    case = _change_case(subscription, CANCEL, subscription.bins, fee=0, channel=channel, by=by, key=submission_key)
    change = GardenChange.objects.create(
        subscription=subscription,
        case=case,
        kind=GardenChangeKind.CANCEL,
        bins_before=subscription.bins,
        bins_after=0,
        months_left=quote.months_left,
        amount=quote.amount,
        status=GardenChangeStatus.DONE,
        applied_at=timezone.now(),
        created_by=by if by is not None and by.is_authenticated else None,
    )
    _end(subscription, GardenStatus.CANCELLED, by=by)
    refunded = _refund(subscription, quote.amount, f"Garden waste subscription cancelled ({case.reference})", case)
    renewed = GardenSubscription.objects.filter(renewal_of=subscription, status=GardenStatus.ACTIVE).first()
    if renewed is not None:
        renewal_quote = cancel_quote(renewed, today=today)
        _end(renewed, GardenStatus.CANCELLED, by=by)
        refunded += _refund(renewed, renewal_quote.amount, f"Garden waste renewal cancelled ({case.reference})", case)
    audit.record(
        actor=by,
        action="garden.cancelled",
        target=subscription,
        data={"change": change.pk, "case": case.reference, "refunded": refunded},
    )
    return change


def _end(subscription: GardenSubscription, status: str, *, by) -> None:
    subscription.status = status
    subscription.ended_at = timezone.now()
    subscription.save(update_fields=["status", "ended_at", "updated_at"])
    selectors.property_changed(subscription.property)


def _paid_payments(subscription: GardenSubscription) -> list[Payment]:
    cases = [
        subscription.case_id,
        *subscription.changes.exclude(kind=GardenChangeKind.CANCEL).values_list("case_id", flat=True),
    ]
    return list(
        Payment.objects.filter(case_id__in=cases, status=PaymentStatus.SUCCESS)
        .select_related("case")
        .order_by("-paid_at", "-id")
    )


def _refund(subscription: GardenSubscription, amount: int, reason: str, case: Case) -> int:
    """Give back `amount` from what was paid for the subscription (newest payment first),
    through the provider, automatically; what cannot be refunded is left to staff in a note."""
    left = amount
    for payment in _paid_payments(subscription):
        if left <= 0:
            break
        part = min(left, payment.refundable_amount)
        if part <= 0:
            continue
        try:
            payments.request_refund(payment=payment, amount=part, reason=reason, by=None)
        except payments.PaymentError as error:
            case_services.add_note(
                case=case, text=f"Automatic refund of {format_pence(part)} refused: {error}", by=None
            )
            continue
        left -= part
    if left > 0:
        case_services.add_note(
            case=case,
            text=f"{format_pence(left)} of the {format_pence(amount)} due back could not be refunded automatically "
            "(no card payment left to refund it from): refund it by hand.",
            by=None,
        )
    return amount - left


def _activate(subscription: GardenSubscription, *, by=None) -> None:
    """The subscription is paid for: active from today at the earliest, for a whole term.
    Paid for an address that has meanwhile got another subscription, it is refunded."""
    today = timezone.localdate()
    clash = (
        GardenSubscription.objects.filter(property=subscription.property_id, status=GardenStatus.ACTIVE)
        .exclude(pk=subscription.pk)
        .filter(end_date__gte=max(subscription.start_date, today))
        .exclude(pk=subscription.renewal_of_id)
        .first()
    )
    if clash is not None:
        _end(subscription, GardenStatus.CANCELLED, by=by)
        _refund(
            subscription,
            subscription.price_paid,
            "The address already had a garden waste subscription",
            subscription.case,
        )
        audit.record(actor=by, action="garden.refused_duplicate", target=subscription, data={"clash": clash.pk})
        return
    if subscription.start_date < today:  # paid some days after asking: the year runs from the payment
        subscription.start_date = today
        subscription.end_date = term_end(today)
    subscription.status = GardenStatus.ACTIVE
    subscription.activated_at = timezone.now()
    subscription.save(update_fields=["status", "activated_at", "start_date", "end_date", "updated_at"])
    selectors.property_changed(subscription.property)
    audit.record(
        actor=by,
        action="garden.activated",
        target=subscription,
        data={"start": subscription.start_date.isoformat(), "end": subscription.end_date.isoformat()},
    )
    case = Case.objects.select_related("service").get(pk=subscription.case_id)
    if subscription.renewal_of_id and not case.is_closed and case.status != AWAITING_PAYMENT["key"]:
        # A renewal needs nothing doing by the crews: the resident keeps their bins.
        case_services.change_status(
            case=case,
            status=_done_state(case.service),
            by=by,
            public_text="Your garden waste subscription is renewed until "
            f"{date_format(subscription.end_date, 'j F Y')}.",
        )


def _done_state(service: Service) -> str:
    closed = [state["key"] for state in service.workflow if state["closed"]]
    return next((key for key in closed if key != service.withdrawn_state), closed[0])


def _apply_change(change: GardenChange, *, by=None) -> None:
    subscription = _locked_subscription(change.subscription)
    if change.status != GardenChangeStatus.PENDING:
        return
    if subscription.status != GardenStatus.ACTIVE or subscription.bins != change.bins_before:
        # Cancelled, ended or changed since: give the money back rather than apply a stale change.
        change.status = GardenChangeStatus.WITHDRAWN
        change.save(update_fields=["status"])
        if change.kind == GardenChangeKind.MORE:
            _refund_case(change.case, "The subscription changed before this payment arrived")
        audit.record(actor=by, action="garden.change_refused_stale", target=subscription, data={"change": change.pk})
        return
    subscription.bins = change.bins_after
    subscription.save(update_fields=["bins", "updated_at"])
    change.status = GardenChangeStatus.DONE
    change.applied_at = timezone.now()
    change.save(update_fields=["status", "applied_at"])
    selectors.property_changed(subscription.property)
    if change.kind == GardenChangeKind.FEWER and change.amount:
        _refund(subscription, change.amount, f"Fewer garden waste bins ({change.case.reference})", change.case)
    audit.record(
        actor=by,
        action="garden.changed",
        target=subscription,
        data={"change": change.pk, "bins": [change.bins_before, change.bins_after], "amount": change.amount},
    )


def _refund_case(case: Case, reason: str) -> None:
    for payment in case.payments.filter(status=PaymentStatus.SUCCESS):
        if payment.refundable_amount:
            payments.request_refund(payment=payment, amount=payment.refundable_amount, reason=reason, by=None)


def on_case_paid(sender, case: Case, **kwargs) -> None:
    """`payments.services.case_paid`: a garden waste case is paid in full (inside the
    payment's transaction). Its subscription starts, or its change is applied."""
    if case.service.slug != settings.WASTE_GARDEN_SERVICE:
        return
    subscription = GardenSubscription.objects.select_for_update().filter(case=case).first()
    if subscription is not None:
        if subscription.status == GardenStatus.PENDING:
            _activate(subscription)
        return
    change = GardenChange.objects.filter(case=case).first()
    if change is not None:
        _apply_change(change)
        return
    _from_general_form(case)


def _from_general_form(case: Case) -> None:
    """A subscription or renewal asked for with the service's own form (the catalogue's
    general journey, or an agent's "raise a request") rather than the garden pages: set up
    from its answers when the address allows it, else refunded in full with a note."""
    answers = case.answers
    place = case.address or Property.objects.filter(uprn=(answers.get("address") or {}).get("uprn")).first()
    request = answers.get("request", SUBSCRIBE)
    try:
        bins = int(float(answers.get("bins") or 1))
    except (TypeError, ValueError):
        bins = 0
    current = current_subscription(place) if place is not None else None
    renewing = request == RENEW and current is not None and renewal_of(current) is None
    problem = (
        "no address in the borough"
        if place is None
        else why_not_collected(place)
        or (None if 1 <= bins <= settings.WASTE_GARDEN_MAX_BINS else "a number of bins we do not offer")
        or (None if renewing or (request == SUBSCRIBE and current is None) else "a subscription that already exists")
    )
    if problem:
        _refund_case(case, "The garden waste subscription could not be set up")
        case_services.add_note(
            case=case,
            text=f"Paid through the general form for {problem}: refunded in full. "
            "Garden waste subscriptions are made on the address's garden waste page.",
            by=None,
        )
        return
    prices = current_prices()
    concession = answers.get("concession") == "yes"
    start = current.end_date + dt.timedelta(days=1) if renewing else timezone.localdate()
    subscription = GardenSubscription.objects.create(
        property=place,
        customer=case.customer,
        case=case,
        renewal_of=current if renewing else None,
        bins=bins,
        start_date=start,
        end_date=term_end(start),
        first_bin_price=prices.first_bin,
        extra_bin_price=prices.extra_bin,
        concession=concession,
        discount_percent=prices.concession_percent if concession else 0,
        price_paid=case.fee,
    )
    audit.record(actor=None, action="garden.subscription_from_form", target=subscription, data={"case": case.reference})
    _activate(subscription)


@transaction.atomic
def withdraw_unpaid(*, case: Case, by=None) -> None:
    """The resident does not want to go ahead with a subscription, renewal or change they
    have not paid for: any payment in progress is stopped and the request closed."""
    payments.cancel_unpaid_request(case=case, reason="The resident did not go ahead.", by=by)
    _settle_withdrawn(case)


def _settle_withdrawn(case: Case) -> None:
    GardenSubscription.objects.filter(case=case, status=GardenStatus.PENDING).update(
        status=GardenStatus.CANCELLED, ended_at=timezone.now()
    )
    GardenChange.objects.filter(case=case, status=GardenChangeStatus.PENDING).update(
        status=GardenChangeStatus.WITHDRAWN
    )
