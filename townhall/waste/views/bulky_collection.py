"""A bulky waste collection's own pages, by its request's reference: paying (and where a
payer lands back from the card provider), the collection with its receipts, changing the
items or the day, and cancelling, up to the cut-off; team managers may cancel after it.

They are for the resident who booked it (their account, or the browser they booked in)
and for staff who work cases; anyone else gets a 404.
"""

import contextlib

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from townhall.accounts.permissions import can_refund, can_work_cases
from townhall.bookings.models import BookingStatus
from townhall.catalogue.models import AWAITING_PAYMENT
from townhall.core.money import format_pence
from townhall.payments import services as payments
from townhall.payments.models import PaymentStatus
from townhall.waste import bulky, bulky_changes
from townhall.waste.bulky_forms import CancelForm, DayForm, ItemsForm
from townhall.waste.bulky_pricing import (
    BulkyError,
    active_items,
    clock_text,
    collection_time,
    day_text,
    time_text,
)
from townhall.waste.models import BulkyBooking

OWNED = "waste-bulky-owned"  # references booked in this browser
PAYING = "waste-bulky-paying"  # the reference being paid for, for the confirmation panel
OWNED_KEPT = 20


# Paying


def send_to_pay(request: HttpRequest, booked: BulkyBooking) -> HttpResponse:
    """Off to the card provider's page for what is due: the booking, or a change's difference."""
    if booked.case.status == AWAITING_PAYMENT["key"]:
        request.session[PAYING] = booked.case.reference  # its page shows the confirmation once paid
    try:
        started = payments.start_payment(
            case=booked.case,
            channel=bulky.assisted_channel(request.user),
            by=request.user,
            return_url_for=lambda token: request.build_absolute_uri(reverse("payments:return", args=[token])),
            after_url=reverse("bulky:pay", args=[booked.case.reference]),
        )
    except payments.PaymentError as error:
        messages.error(request, str(error))
        return redirect("bulky:pay", booked.case.reference)
    return redirect(started.next_url)


def _bulky(request: HttpRequest, reference: str) -> BulkyBooking:
    """The collection, for its resident or staff who work cases; a 404 for anyone else."""
    found = bulky.bulky_for(reference)
    if found is None:
        raise Http404
    user = request.user
    owner = user.is_authenticated and found.case.customer_id and found.case.customer.user_id == user.pk
    if not (owner or can_work_cases(user) or reference in request.session.get(OWNED, [])):
        raise Http404
    return found


def _is_payable(found: BulkyBooking) -> bool:
    return found.case.status == AWAITING_PAYMENT["key"] or found.has_pending_change


@require_http_methods(["GET", "HEAD", "POST"])
def pay(request: HttpRequest, reference: str) -> HttpResponse:
    """Where a payer lands back from the card provider, and where a payment that did not go
    through is tried again: for the booking itself, or for more items added to it."""
    found = _bulky(request, reference)
    case = found.case
    latest = case.payments.first()
    if latest is not None and latest.is_live and request.method != "POST":
        latest = payments.settled_quietly(latest)  # paid, then closed the browser?
        found = bulky.bulky_for(reference)
        case = found.case
    if found.has_pending_change and bulky_changes.apply_paid_change(found, by=request.user):
        messages.success(request, _("Your change is paid for and your collection is updated."))
        return redirect("bulky:booking", reference)
    if case.status == AWAITING_PAYMENT["key"] and _expired(found):
        with contextlib.suppress(payments.PaymentUnavailable):  # the scheduled run withdraws it later
            bulky.release_if_unpaid(found)
        found = bulky.bulky_for(reference)
        case = found.case
    if not _is_payable(found):
        if case.is_closed and found.booking.confirmed_at is None:
            return render(
                request, "waste/bulky/too_late.html", {"bulky": found, "case": case, "refunded": bulky.refunded(case)}
            )
        return redirect("bulky:booking", reference)
    if request.method == "POST":
        return send_to_pay(request, found)
    until = found.pending_expires_at if found.has_pending_change else found.booking.expires_at
    return render(
        request,
        "waste/bulky/pay.html",
        {
            "bulky": found,
            "case": case,
            "latest": latest,
            "amount_due": payments.amount_due(case),
            "change": found.has_pending_change,
            "until": clock_text(until) if until else "",
            "day": found.booking.slot.day,
        },
    )


def _expired(found: BulkyBooking) -> bool:
    booking = found.booking
    return booking.status == BookingStatus.RELEASED or (
        booking.expires_at is not None and booking.expires_at <= timezone.now()
    )


# The collection's page


@require_safe
def booking(request: HttpRequest, reference: str) -> HttpResponse:
    found = _bulky(request, reference)
    if found.case.status == AWAITING_PAYMENT["key"]:
        return redirect("bulky:pay", reference)
    just_booked = request.session.get(PAYING) == reference and found.booking.status == BookingStatus.CONFIRMED
    if just_booked:
        request.session.pop(PAYING, None)
    receipts = list(found.case.payments.filter(status=PaymentStatus.SUCCESS).order_by("paid_at", "pk"))
    return render(
        request,
        "waste/bulky/booking.html",
        {
            "bulky": found,
            "case": found.case,
            "day": found.booking.slot.day,
            "items": found.items,
            "changeable": bulky.is_changeable(found),
            "cancellable": _may_cancel(request, found),
            "deadline": bulky.change_deadline(found),
            "collection_time": time_text(collection_time()),
            "receipts": receipts,
            "paid": sum(payment.amount for payment in receipts),
            "refunded": sum(payment.amount_refunded for payment in receipts),
            "just_booked": just_booked,
            "pending_until": clock_text(found.pending_expires_at) if found.has_pending_change else "",
            "staff": can_work_cases(request.user),
        },
    )


def _may_cancel(request: HttpRequest, found: BulkyBooking) -> bool:
    if bulky.is_changeable(found):
        return True
    live = found.booking.status == BookingStatus.CONFIRMED and not found.case.is_closed
    return live and can_refund(request.user)


def _not_changeable(request: HttpRequest, found: BulkyBooking) -> HttpResponse:
    messages.error(
        request,
        _("This collection can no longer be changed online: the cut-off was %(cutoff)s.")
        % {"cutoff": bulky.change_deadline(found)}
        if found.booking.status == BookingStatus.CONFIRMED
        else _("This collection has been cancelled or has taken place, so it cannot be changed."),
    )
    return redirect("bulky:booking", found.case.reference)


@require_http_methods(["GET", "HEAD", "POST"])
def change_items(request: HttpRequest, reference: str) -> HttpResponse:
    """Other items on the same day: the difference to pay, or to be refunded, shown before it is made."""
    found = _bulky(request, reference)
    if not bulky.is_changeable(found):
        return _not_changeable(request, found)
    current = found.pending_items or found.items
    form = ItemsForm(
        request.POST if request.method == "POST" else None,
        items=active_items(),
        initial_selection={line["slug"]: line["quantity"] for line in current},
    )
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirm"):
            try:
                change = bulky_changes.change_items(found, selection=form.selection(), by=request.user)
            except BulkyError as error:
                form.add_error(None, error.message)
            else:
                if change.due:
                    return send_to_pay(request, bulky.bulky_for(reference))
                if change.refund:
                    messages.success(request, _("Your collection is changed. Your refund is on its way."))
                else:
                    messages.success(request, _("Your collection is changed."))
                return redirect("bulky:booking", reference)
        if not form.errors:
            quote = bulky_changes.quote(found, form.selection())
            return render(
                request,
                "waste/bulky/change_confirm.html",
                {"bulky": found, "form": form, "lines": form.lines, "quote": quote, "back_url": request.path},
            )
    return render(
        request,
        "waste/bulky/change_items.html",
        {"bulky": found, "form": form, "back_url": reverse("bulky:booking", args=[reference])},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def change_day(request: HttpRequest, reference: str) -> HttpResponse:
    found = _bulky(request, reference)
    if not bulky.is_changeable(found):
        return _not_changeable(request, found)
    booking_row = found.booking
    days = [
        available.day
        for available in bulky.available_days(found.property, units=booking_row.units)
        if available.day != booking_row.slot.day
    ]
    form = DayForm(
        request.POST if request.method == "POST" else None,
        days=days,
        help_text=_("Your collection is on %(day)s. Choose another day.") % {"day": day_text(booking_row.slot.day)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            bulky_changes.change_day(found, day=form.cleaned_data["day"], by=request.user)
        except BulkyError as error:
            form.add_error("day", error.message)
        else:
            messages.success(
                request,
                _("Your collection has moved to %(day)s.") % {"day": day_text(form.cleaned_data["day"])},
            )
            return redirect("bulky:booking", reference)
    return render(
        request,
        "waste/bulky/change_day.html",
        {"bulky": found, "form": form, "days": days, "back_url": reverse("bulky:booking", args=[reference])},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def cancel(request: HttpRequest, reference: str) -> HttpResponse:
    found = _bulky(request, reference)
    unpaid = found.case.status == AWAITING_PAYMENT["key"]
    if not unpaid and not _may_cancel(request, found):
        return _not_changeable(request, found)
    late = not unpaid and not bulky.is_changeable(found)
    form = CancelForm(
        request.POST if request.method == "POST" else None,
        staff=can_work_cases(request.user),
        may_override=late,
    )
    if request.method == "POST" and form.is_valid():
        if late and not form.cleaned_data.get("override_cutoff"):
            form.add_error("override_cutoff", _("Confirm that the council is cancelling it after the cut-off"))
        else:
            try:
                refunded = bulky_changes.cancel(
                    found,
                    by=request.user,
                    reason=form.cleaned_data.get("reason", ""),
                    override_cutoff=late,
                )
            except BulkyError as error:
                form.add_error(None, error.message)
            else:
                if refunded:
                    messages.success(
                        request,
                        _("Your collection is cancelled. We are refunding %(amount)s to your card.")
                        % {"amount": format_pence(refunded)},
                    )
                else:
                    messages.success(request, _("Your collection is cancelled."))
                return redirect("bulky:booking", reference)
    quote = None if unpaid else bulky_changes.quote(found, None)
    if late and quote is not None:
        quote = bulky_changes.Quote(price=quote.price, paid=quote.paid)  # the council cancelling: all back
    return render(
        request,
        "waste/bulky/cancel.html",
        {
            "bulky": found,
            "form": form,
            "quote": quote,
            "unpaid": unpaid,
            "late": late,
            "day": found.booking.slot.day,
            "back_url": reverse("bulky:booking", args=[reference]),
        },
    )
