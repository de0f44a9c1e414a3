"""The case page's payments panel: taking a card payment on the phone, recording money
taken at the counter, and refunds. The amounts come from the case, never the form."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from townhall.accounts.permissions import can_refund, can_work_cases
from townhall.cases.services import CaseError
from townhall.catalogue.models import Channel
from townhall.console.access import console_view, visible_case_or_404
from townhall.console.forms.payments import CancelUnpaidForm, CounterPaymentForm, RefundForm
from townhall.console.once import Repeated, act_once
from townhall.console.views.cases import case_page
from townhall.core.money import format_pence
from townhall.payments import services as payments


def _workable_case(request: HttpRequest, reference: str):
    if not can_work_cases(request.user):
        raise PermissionDenied
    return visible_case_or_404(request.user, reference)


def _case_url(case) -> str:
    return reverse("console:case", args=[case.reference]) + "#payments"


def _after(request: HttpRequest, case) -> str:
    """Where to go once the payment is recorded: the page that asked (a contact in
    progress), if it is one of ours, else the case's payments."""
    after = request.POST.get("after", "")
    if after and url_has_allowed_host_and_scheme(after, allowed_hosts={request.get_host()}):
        return after
    return _case_url(case)


@require_POST
@console_view()
def take_card_payment(request: HttpRequest, reference: str) -> HttpResponse:
    """The agent keys the caller's card on the provider's own page (MOTO), then comes back
    to the case. Townhall never sees the card."""
    case = _workable_case(request, reference)
    try:
        started = payments.start_payment(
            case=case,
            channel=Channel.PHONE,
            by=request.user,
            return_url_for=lambda token: request.build_absolute_uri(reverse("payments:return", args=[token])),
            after_url=_after(request, case),
        )
    except payments.PaymentError as error:
        messages.error(request, str(error))
        return redirect(_after(request, case))
    return redirect(started.next_url)


@require_POST
@console_view()
def record_counter_payment(request: HttpRequest, reference: str) -> HttpResponse:
    case = _workable_case(request, reference)
    form = CounterPaymentForm(request.POST)
    if form.is_valid():

        def record() -> str:
            payments.record_counter_payment(
                case=case,
                method=form.cleaned_data["method"],
                receipt_number=form.cleaned_data["receipt_number"],
                by=request.user,
            )
            return _after(request, case)

        try:
            act_once(request, record)
        except Repeated as repeated:
            messages.info(request, _("That was already done."))
            return redirect(repeated.redirect_to)
        except payments.PaymentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The payment was recorded and the request passed to the team."))
            return redirect(_after(request, case))
    return case_page(request, case, failed=form, status=400)


@require_POST
@console_view()
def refund(request: HttpRequest, reference: str, public_id) -> HttpResponse:
    case = _workable_case(request, reference)
    if not can_refund(request.user):
        raise PermissionDenied
    payment = get_object_or_404(case.payments, public_id=public_id)
    form = RefundForm(request.POST, payment=payment)
    if form.is_valid():
        amount = form.cleaned_data["amount"]

        def give_back() -> str:
            payments.request_refund(payment=payment, amount=amount, reason=form.cleaned_data["reason"], by=request.user)
            return _case_url(case)

        try:
            act_once(request, give_back)
        except Repeated as repeated:
            messages.info(request, _("That was already done."))
            return redirect(repeated.redirect_to)
        except payments.PaymentError as error:
            form.add_error("amount", str(error))
        else:
            messages.success(
                request,
                _("A refund of %(amount)s is on its way to the payer. It shows on the timeline once made.")
                % {"amount": format_pence(amount)},
            )
            return redirect(_case_url(case))
    return case_page(request, case, failed=form, status=400)


@require_POST
@console_view()
def cancel_unpaid(request: HttpRequest, reference: str) -> HttpResponse:
    """Close a request nobody is going to pay for, stopping any payment still in progress."""
    case = _workable_case(request, reference)
    form = CancelUnpaidForm(request.POST)
    if form.is_valid():

        def cancel() -> str:
            payments.cancel_unpaid_request(case=case, reason=form.cleaned_data["reason"], by=request.user)
            return _case_url(case)

        try:
            act_once(request, cancel)
        except Repeated as repeated:
            messages.info(request, _("That was already done."))
            return redirect(repeated.redirect_to)
        except (payments.PaymentError, CaseError) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The unpaid request was cancelled and the requester told."))
            return redirect(_case_url(case))
    return case_page(request, case, failed=form, status=400)
