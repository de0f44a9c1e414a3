"""Garden waste pages: a property's subscription, subscribing, renewing, changing the number
of bins and cancelling, paying through `payments`; and the staff pages listing a
property's subscriptions.

Residents sign in first: a subscription is theirs to renew, change and cancel, and the
renewal reminders need an address. Staff who work cases use the very same pages on a
caller's behalf (the request's channel is then the phone, and the card is taken by the
agent on the provider's page), saying who the caller is or arriving with their customer
record (`?customer=<id>`).

The choice made on the form is kept in the session with a submission key until the
resident accepts it on the check page, so a double click or a resent form makes one
request, not two.
"""

import datetime as dt
import uuid
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from townhall.accounts.permissions import can_work_cases, is_staff_user, staff_required
from townhall.cases.models import Case
from townhall.cases.services import CaseError, Requester
from townhall.catalogue.models import AWAITING_PAYMENT, Channel
from townhall.customers.models import Customer
from townhall.gazetteer.models import Property
from townhall.gazetteer.selectors import property_by_uprn
from townhall.gazetteer.services import MAX_UPRN
from townhall.payments import services as payments
from townhall.payments.models import PaymentStatus
from townhall.waste.forms import BinPostcodeForm
from townhall.waste.garden import renewals, rules
from townhall.waste.garden import selectors as garden_selectors
from townhall.waste.garden import services as garden_services
from townhall.waste.garden_forms import ChangeBinsForm, SubscribeForm
from townhall.waste.garden_models import GardenChange, GardenChangeKind, GardenStatus, GardenSubscription

FLOW = "garden_flow"


def acting(view):
    """Signed in, as a resident or as staff who work cases: auditors and other read-only
    staff may look at the staff pages but not act for anyone."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if is_staff_user(request.user) and not can_work_cases(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _place(uprn: int) -> Property:
    place = property_by_uprn(uprn) if 0 < uprn <= MAX_UPRN else None
    if place is None:
        raise Http404(_("There is no property with that UPRN in the borough."))
    return place


def _channel(request: HttpRequest) -> str:
    return Channel.PHONE if can_work_cases(request.user) else Channel.WEB


def _own_pending(request: HttpRequest, place: Property) -> list[GardenSubscription]:
    """Subscriptions or renewals asked for and not yet paid, that this person may pay for."""
    if not request.user.is_authenticated:
        return []
    pending = GardenSubscription.objects.filter(
        property=place, status=GardenStatus.PENDING, case__is_closed=False
    ).select_related("case", "customer")
    if not can_work_cases(request.user):
        pending = pending.filter(customer__user=request.user)
    return list(pending)


def _managed(request: HttpRequest, place: Property) -> GardenSubscription:
    """The property's running subscription, if this person may manage it; else 404 or back."""
    current = garden_selectors.current_subscription(place)
    if current is None or not garden_selectors.may_manage(request.user, current):
        raise Http404
    return current


@require_safe
def overview(request: HttpRequest, uprn: int) -> HttpResponse:
    place = _place(uprn)
    today = timezone.localdate()
    problem = garden_selectors.why_not_collected(place)
    current = garden_selectors.current_subscription(place, today=today) if problem is None else None
    mine = current is not None and garden_selectors.may_manage(request.user, current)
    renewal = garden_selectors.renewal_of(current) if mine else None
    agent = can_work_cases(request.user)
    return render(
        request,
        "waste/garden/overview.html",
        {
            "place": place,
            "problem": problem,
            "current": current,
            "mine": mine,
            "renewal": renewal,
            "can_renew": mine and renewal is None and garden_selectors.can_renew(current, today=today),
            "renewal_opens": garden_selectors.renewal_opens(current) if current else None,
            "change": garden_selectors.pending_change(current) if mine else None,
            "pending": _own_pending(request, place) if problem is None else [],
            "prices": _price_rows(),
            "prorata": settings.WASTE_GARDEN_PRORATA == rules.PRORATA,
            "agent": agent,
            "is_staff": is_staff_user(request.user),
        },
    )


def _price_rows() -> list[dict]:
    rows = []
    for bins in range(1, rules.current_prices().max_bins + 1):
        rows.append(
            {
                "bins": bins,
                "price": rules.price(bins=bins, concession=False).amount,
                "concession": rules.price(bins=bins, concession=True).amount,
            }
        )
    return rows


def _caller(request: HttpRequest) -> Customer | None:
    """The caller's customer record, when staff came from it (`?customer=<id>`)."""
    if not can_work_cases(request.user):
        return None
    raw = request.GET.get("customer") or request.POST.get("customer") or ""
    if not raw.isdigit():
        return None
    return Customer.objects.filter(pk=int(raw), merged_into__isnull=True).first()


def _remember(request: HttpRequest, place: Property, **choice) -> None:
    request.session[FLOW] = {"uprn": place.uprn, "key": str(uuid.uuid4()), **choice}


def _flow(request: HttpRequest, place: Property) -> dict | None:
    flow = request.session.get(FLOW)
    return flow if flow and flow.get("uprn") == place.uprn else None


@acting
@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest, uprn: int) -> HttpResponse:
    place = _place(uprn)
    if problem := garden_selectors.why_not_collected(place):
        messages.error(request, problem)
        return redirect("garden:overview", place.uprn)
    if garden_selectors.current_subscription(place) is not None:
        messages.info(request, _("This address already has a garden waste subscription."))
        return redirect("garden:overview", place.uprn)
    caller = _caller(request)
    agent = can_work_cases(request.user)
    form = SubscribeForm(request.POST if request.method == "POST" else None, on_behalf=agent, caller=caller)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        _remember(
            request,
            place,
            action=rules.SUBSCRIBE,
            bins=data["bins"],
            concession=data["concession"] == "yes",
            customer=caller.pk if caller else None,
            caller={
                "name": data.get("caller_name", "").strip(),
                "email": data.get("caller_email", ""),
                "phone": data.get("caller_phone", ""),
            },
        )
        return redirect("garden:check", place.uprn)
    return render(
        request,
        "waste/garden/subscribe.html",
        {"place": place, "form": form, "caller": caller, "agent": agent, "renewing": None},
    )


@acting
@require_http_methods(["GET", "POST"])
def renew(request: HttpRequest, uprn: int) -> HttpResponse:
    place = _place(uprn)
    current = _managed(request, place)
    if garden_selectors.renewal_of(current) is not None or not garden_selectors.can_renew(current):
        messages.info(request, _("This subscription cannot be renewed yet, or has been renewed already."))
        return redirect("garden:overview", place.uprn)
    initial = {"bins": current.bins, "concession": "yes" if current.concession else "no"}
    form = SubscribeForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        _remember(
            request,
            place,
            action=rules.RENEW,
            subscription=current.pk,
            bins=form.cleaned_data["bins"],
            concession=form.cleaned_data["concession"] == "yes",
        )
        return redirect("garden:check", place.uprn)
    return render(
        request,
        "waste/garden/subscribe.html",
        {"place": place, "form": form, "caller": None, "agent": False, "renewing": current},
    )


@acting
@require_http_methods(["GET", "POST"])
def change(request: HttpRequest, uprn: int) -> HttpResponse:
    place = _place(uprn)
    current = _managed(request, place)
    if garden_selectors.pending_change(current) is not None:
        messages.info(request, _("A change to this subscription is waiting for its payment."))
        return redirect("garden:overview", place.uprn)
    form = ChangeBinsForm(request.POST if request.method == "POST" else None, current=current.bins)
    if request.method == "POST" and form.is_valid():
        _remember(request, place, action=rules.CHANGE, subscription=current.pk, bins=form.cleaned_data["bins"])
        return redirect("garden:check", place.uprn)
    return render(request, "waste/garden/change.html", {"place": place, "form": form, "current": current})


@acting
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, uprn: int) -> HttpResponse:
    """The choice, its price (or what a change costs or gives back) and the button that makes
    the request; then off to pay, or to the result."""
    place = _place(uprn)
    flow = _flow(request, place)
    if flow is None:
        return redirect("garden:overview", place.uprn)
    action = flow["action"]
    subscription = None
    if action in (rules.RENEW, rules.CHANGE):
        subscription = _managed(request, place)
        if subscription.pk != flow.get("subscription"):
            return redirect("garden:overview", place.uprn)
    try:
        quote = rules.change_quote(subscription, bins=flow["bins"]) if action == rules.CHANGE else None
        price = None if quote else rules.price(bins=flow["bins"], concession=flow["concession"])
    except rules.GardenError as error:
        messages.error(request, str(error))
        return redirect("garden:overview", place.uprn)
    if request.method == "POST":
        return _make_request(request, place, flow, subscription)
    caller = Customer.objects.filter(pk=flow.get("customer")).first() if flow.get("customer") else None
    starts = subscription.end_date + dt.timedelta(days=1) if action == rules.RENEW else timezone.localdate()
    return render(
        request,
        "waste/garden/check.html",
        {
            "place": place,
            "flow": flow,
            "action": action,
            "price": price,
            "quote": quote,
            "subscription": subscription,
            "caller": caller,
            "starts": starts,
            "ends": rules.term_end(starts),
            "agent": can_work_cases(request.user),
            "back_url": reverse(
                {rules.SUBSCRIBE: "garden:subscribe", rules.RENEW: "garden:renew", rules.CHANGE: "garden:change"}[
                    action
                ],
                args=[place.uprn],
            ),
        },
    )


def _make_request(
    request: HttpRequest, place: Property, flow: dict, subscription: GardenSubscription | None
) -> HttpResponse:
    key = uuid.UUID(flow["key"])
    channel = _channel(request)
    action = flow["action"]
    try:
        if action == rules.SUBSCRIBE:
            caller = flow.get("caller") or {}
            customer = Customer.objects.filter(pk=flow["customer"]).first() if flow.get("customer") else None
            made = garden_services.subscribe(
                place=place,
                bins=flow["bins"],
                concession=flow["concession"],
                channel=channel,
                by=request.user,
                customer=customer,
                requester=Requester(
                    name=caller.get("name", ""), email=caller.get("email", ""), phone=caller.get("phone", "")
                )
                if caller.get("name")
                else None,
                submission_key=key,
            )
        elif action == rules.RENEW:
            made = renewals.renew(
                subscription=subscription,
                bins=flow["bins"],
                concession=flow["concession"],
                channel=channel,
                by=request.user,
                submission_key=key,
            )
        else:
            made = garden_services.change_bins(
                subscription=subscription, bins=flow["bins"], channel=channel, by=request.user, submission_key=key
            )
    except (rules.GardenError, CaseError) as error:
        messages.error(request, str(error))
        return redirect("garden:overview", place.uprn)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("garden:overview", place.uprn)
    request.session.pop(FLOW, None)
    case = Case.objects.get(pk=made.case_id)
    if case.status == AWAITING_PAYMENT["key"]:
        return _pay(request, place, case)
    return redirect("garden:request", place.uprn, case.reference)


def _pay(request: HttpRequest, place: Property, case: Case) -> HttpResponse:
    """Off to the card provider's page (the agent's, on the phone) for what is due."""
    after = reverse("garden:request", args=[place.uprn, case.reference])
    try:
        started = payments.start_payment(
            case=case,
            channel=_channel(request),
            by=request.user,
            return_url_for=lambda token: request.build_absolute_uri(reverse("payments:return", args=[token])),
            after_url=after,
        )
    except payments.PaymentError as error:
        case.refresh_from_db(fields=["status"])
        if case.status == AWAITING_PAYMENT["key"]:
            messages.error(request, str(error))
        return redirect(after)
    return redirect(started.next_url)


@acting
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, uprn: int) -> HttpResponse:
    place = _place(uprn)
    current = _managed(request, place)
    quote = rules.cancel_quote(current)
    renewal = garden_selectors.renewal_of(current)
    renewal_quote = rules.cancel_quote(renewal) if renewal and renewal.status == GardenStatus.ACTIVE else None
    if request.method == "POST":
        try:
            key = uuid.UUID(request.POST.get("submission_key", ""))
        except ValueError:
            key = None
        try:
            done = garden_services.cancel(
                subscription=current, channel=_channel(request), by=request.user, submission_key=key
            )
        except (rules.GardenError, CaseError) as error:
            messages.error(request, str(error))
            return redirect("garden:overview", place.uprn)
        return redirect("garden:request", place.uprn, done.case.reference)
    return render(
        request,
        "waste/garden/cancel.html",
        {
            "place": place,
            "current": current,
            "quote": quote,
            "renewal_quote": renewal_quote,
            "refund": quote.amount + (renewal_quote.amount if renewal_quote else 0),
            "submission_key": uuid.uuid4(),
            "agent": can_work_cases(request.user),
        },
    )


def _garden_case(request: HttpRequest, place: Property, reference: str):
    """The garden waste request at this address and what it is about, if this person may see it."""
    case = get_object_or_404(Case.objects.select_related("service", "customer"), reference=reference, address=place)
    subscription = GardenSubscription.objects.filter(case=case).first()
    change = None if subscription else GardenChange.objects.select_related("subscription").filter(case=case).first()
    about = subscription or (change.subscription if change else None)
    if about is None or not (
        can_work_cases(request.user) or (case.customer is not None and case.customer.user_id == request.user.pk)
    ):
        raise Http404
    return case, subscription, change


@acting
@require_http_methods(["GET", "POST"])
def request_page(request: HttpRequest, uprn: int, reference: str) -> HttpResponse:
    """Where the payer lands back from the card page: paid, the confirmation; not paid, the
    chance to pay again or not to go ahead. Any later visit shows how the request stands."""
    place = _place(uprn)
    case, subscription, change = _garden_case(request, place, reference)
    awaiting = case.status == AWAITING_PAYMENT["key"]
    if request.method == "POST":
        if not awaiting:
            return redirect("garden:request", place.uprn, case.reference)
        if request.POST.get("action") == "withdraw":
            try:
                garden_services.withdraw_unpaid(case=case, by=request.user)
            except payments.PaymentError as error:
                messages.error(request, str(error))
                return redirect("garden:request", place.uprn, case.reference)
            messages.success(request, _("You have not gone ahead. Nothing was taken from your card."))
            return redirect("garden:overview", place.uprn)
        return _pay(request, place, case)
    latest = case.payments.first()
    if awaiting and latest is not None and latest.is_live and payments.settled_quietly(latest).is_paid:
        return redirect("garden:request", place.uprn, case.reference)  # paid, then the browser closed
    if subscription is not None:
        subscription.refresh_from_db()
    if change is not None:
        change.refresh_from_db()
    return render(
        request,
        "waste/garden/request.html",
        {
            "place": place,
            "case": case,
            "subscription": subscription,
            "change": change,
            "awaiting": awaiting,
            "latest": latest,
            "amount_due": payments.amount_due(case) if awaiting else 0,
            "receipts": case.payments.filter(status=PaymentStatus.SUCCESS),
            "refunded": change.amount if change is not None and change.kind != GardenChangeKind.MORE else 0,
            "agent": can_work_cases(request.user),
        },
    )


# Staff


@require_safe
@staff_required
def staff_find(request: HttpRequest) -> HttpResponse:
    """Staff: a postcode, then its addresses with whether each has a garden waste subscription."""
    form = BinPostcodeForm(request.GET if "postcode" in request.GET else None)
    addresses = []
    if form.is_bound and form.is_valid():
        today = timezone.localdate()
        running = GardenSubscription.objects.filter(
            property=OuterRef("pk"), status=GardenStatus.ACTIVE, end_date__gte=today
        )
        flagged = Property.objects.filter(pk__in=[place.pk for place in form.addresses]).annotate(
            subscribed=Exists(running)
        )
        subscribed = {place.pk for place in flagged if place.subscribed}
        addresses = [(place, place.pk in subscribed) for place in form.addresses]
    return render(request, "waste/garden/staff/find.html", {"form": form, "addresses": addresses})


@require_safe
@staff_required
def staff_property(request: HttpRequest, uprn: int) -> HttpResponse:
    """Staff: every garden waste subscription of a property, with its changes and requests."""
    place = _place(uprn)
    subscriptions = list(garden_selectors.subscriptions_of(place))
    return render(
        request,
        "waste/garden/staff/property.html",
        {
            "place": place,
            "subscriptions": subscriptions,
            "problem": garden_selectors.why_not_collected(place),
            "can_act": can_work_cases(request.user),
            "today": timezone.localdate(),
        },
    )
