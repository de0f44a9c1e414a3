"""Customers: search, the 360 view, details, alerts and merging duplicates."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from townhall.accounts.permissions import can_manage_alerts
from townhall.cases.selectors import case_list, customer_cases, recent_customer_cases, visible_cases
from townhall.console.access import console_view
from townhall.console.forms.customers import FIND_ADDRESS, AlertForm, CustomerForm
from townhall.console.once import Repeated, act_once
from townhall.console.paging import search_text
from townhall.core.forms import GovUKForm
from townhall.core.paging import paginate
from townhall.customers import selectors
from townhall.customers import services as customer_services
from townhall.customers.models import Customer, CustomerAlert
from townhall.payments.selectors import customer_payments

# The 360 view shows this many of a customer's most recent contacts and payments.
RECENT_ROWS = 50


@console_view()
def customers(request: HttpRequest) -> HttpResponse:
    query = search_text(request)
    page = paginate(request, selectors.search_customers(query))
    return render(request, "console/customers.html", {"query": query, "page": page})


def _current_or_redirect(customer: Customer | None) -> Customer | HttpResponse:
    """The customer, or a redirect to the record a merged one was folded into."""
    if customer is None:
        raise Http404
    if customer.is_merged:
        return redirect("console:customer", selectors.current_record(customer).pk)
    return customer


@console_view()
def customer(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _current_or_redirect(selectors.customer_for_360(customer_id))
    if isinstance(customer, HttpResponse):
        return customer
    return render(
        request,
        "console/customer.html",
        {
            "customer": customer,
            "alerts": selectors.active_alerts(customer),
            "recent_cases": recent_customer_cases(request.user, customer),
            "contacts": selectors.customer_contacts(customer)[:RECENT_ROWS],
            "contact_count": customer.contacts.count(),
            "payments": customer_payments(customer_cases(request.user, customer))[:RECENT_ROWS],
            "duplicates": selectors.find_duplicates(customer),
            "recent_rows": RECENT_ROWS,
        },
    )


def customer_form_page(
    request: HttpRequest, *, customer: Customer | None, save: Callable[[dict], str], back_url: str, initial=None
) -> HttpResponse:
    """The create and edit pages: "Find address" re-shows the form with the addresses at
    the postcode; "Save" calls `save(details)`, which saves and returns where to go next."""
    form = CustomerForm(request.POST or None, customer=customer, initial=initial or {})
    if request.method == "POST" and FIND_ADDRESS not in request.POST and form.is_valid():
        try:
            url = act_once(request, lambda: save(form.changes()))
        except Repeated as repeat:
            return redirect(repeat.redirect_to)
        messages.success(request, _("The customer's details were saved"))
        return redirect(url)
    if FIND_ADDRESS in request.POST:
        form.errors.clear()  # looking addresses up is not saving: no errors yet
    return render(request, "console/customer_form.html", {"form": form, "customer": customer, "back_url": back_url})


def _customer_url(customer: Customer) -> str:
    return reverse("console:customer", args=[customer.pk])


@console_view()
def customer_new(request: HttpRequest) -> HttpResponse:
    return customer_form_page(
        request,
        customer=None,
        save=lambda details: _customer_url(customer_services.create_customer(by=request.user, **details)),
        back_url=reverse("console:customers"),
    )


@console_view()
def customer_edit(request: HttpRequest, customer_id: int) -> HttpResponse:
    found = _current_or_redirect(Customer.objects.filter(pk=customer_id).first())
    if isinstance(found, HttpResponse):
        return found
    return customer_form_page(
        request,
        customer=found,
        save=lambda details: _customer_url(
            customer_services.update_customer(customer=found, by=request.user, **details)
        ),
        back_url=_customer_url(found),
    )


@console_view()
def customer_merge(request: HttpRequest, customer_id: int, duplicate_id: int) -> HttpResponse:
    """Confirm, then fold `duplicate` into this record: its cases, contacts and alerts move."""
    keep = get_object_or_404(Customer, pk=customer_id)
    duplicate = get_object_or_404(Customer, pk=duplicate_id)
    form = GovUKForm(request.POST or None)  # carries nothing but a refusal to show
    if request.method == "POST":
        try:
            url = act_once(
                request,
                lambda: _customer_url(
                    customer_services.merge_customers(keep=keep, duplicate=duplicate, by=request.user)
                ),
            )
        except Repeated as repeat:
            return redirect(repeat.redirect_to)
        except customer_services.CustomerError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The records were merged"))
            return redirect(url)
    if duplicate.merged_into_id == keep.pk:
        return redirect("console:customer", keep.pk)
    return render(
        request,
        "console/customer_merge.html",
        {
            "keep": keep,
            "duplicate": duplicate,
            "cases": case_list(visible_cases(request.user).filter(customer=duplicate)),
            "hidden_case_count": duplicate.cases.exclude(pk__in=visible_cases(request.user)).count(),
            "contact_count": duplicate.contacts.count(),
            "alerts": selectors.active_alerts(duplicate),
            "properties": duplicate.properties.select_related("street"),
            "filled": [
                (Customer._meta.get_field(name).verbose_name, getattr(duplicate, name))
                for name in customer_services.MERGE_FILLABLE
                if not getattr(keep, name) and getattr(duplicate, name)
            ],
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@console_view()
def alert_new(request: HttpRequest, customer_id: int) -> HttpResponse:
    if not can_manage_alerts(request.user):
        raise PermissionDenied
    customer = get_object_or_404(Customer, pk=customer_id, merged_into__isnull=True)
    form = AlertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        url = _customer_url(customer)

        def act() -> str:
            customer_services.set_alert(customer=customer, by=request.user, **form.cleaned_data)
            return url

        try:
            act_once(request, act)
        except Repeated:
            return redirect(url)
        messages.success(request, _("The alert was added"))
        return redirect(url)
    return render(request, "console/alert_form.html", {"form": form, "customer": customer})


@require_POST
@console_view()
def alert_clear(request: HttpRequest, customer_id: int, alert_id: int) -> HttpResponse:
    if not can_manage_alerts(request.user):
        raise PermissionDenied
    alert = get_object_or_404(CustomerAlert, pk=alert_id, customer_id=customer_id)
    customer_services.clear_alert(alert=alert, by=request.user)
    messages.success(request, _("The alert was cleared"))
    return redirect("console:customer", customer_id)
