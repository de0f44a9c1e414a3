"""The service builder's services: the list, creating one, its settings, fee and overview, retiring it."""

import copy

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from townhall.catalogue import selectors, services
from townhall.catalogue.forms import ConfirmForm, FeeForm, ServiceFilterForm, ServiceForm
from townhall.catalogue.models import Channel
from townhall.catalogue.questions import parse_questions
from townhall.catalogue.views.common import editor_required, render_page, saved, service_or_404
from townhall.core.money import format_pence
from townhall.core.paging import paginate


@editor_required
def service_list(request: HttpRequest) -> HttpResponse:
    filters = ServiceFilterForm(request.GET)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    page = paginate(
        request, selectors.service_list(department=chosen.get("department"), status=chosen.get("status", ""))
    )
    return render_page(request, "catalogue/services.html", {"filters": filters, "page": page})


@editor_required
def service_create(request: HttpRequest) -> HttpResponse:
    form = ServiceForm(request.POST if request.method == "POST" else None)
    service = saved(
        request,
        form,
        lambda: services.create_service(by=request.user, **form.cleaned_data),
        done=_("Service created. Now add its questions."),
    )
    if service is not None:
        return redirect("catalogue:questions", pk=service.pk)
    return render_page(request, "catalogue/service_form.html", {"form": form})


@editor_required
def service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    service = service_or_404(pk)
    # The form validates a copy: a refused change must not show in the page's headings.
    form = ServiceForm(request.POST if request.method == "POST" else None, instance=copy.copy(service))
    if saved(
        request,
        form,
        lambda: services.update_service(service=service, by=request.user, **form.cleaned_data),
        done=_("Service settings saved."),
    ):
        return redirect("catalogue:service", pk=service.pk)
    return render_page(request, "catalogue/service_form.html", {"form": form, "service": service})


@editor_required
def service_fees(request: HttpRequest, pk: int) -> HttpResponse:
    service = service_or_404(pk)
    numbers = [
        (q.key, q.label) for q in parse_questions(selectors.latest_form(service).questions) if q.type == "number"
    ]
    initial = {
        "fee_kind": service.fee_kind,
        "fee": format_pence(service.fee_pence).lstrip("£") if service.fee_pence else "",
        "fee_item_question": service.fee_item_question,
        "fee_rule": service.fee_rule,
        "fund_code": service.fund_code,
        "refund_rule": service.refund_rule,
    }
    form = FeeForm(request.POST if request.method == "POST" else None, initial=initial, number_questions=numbers)
    if saved(
        request,
        form,
        lambda: services.set_fee(
            service=service,
            by=request.user,
            fee_kind=form.cleaned_data["fee_kind"],
            fee_pence=form.cleaned_data["fee"],
            fee_item_question=form.cleaned_data["fee_item_question"],
            fee_rule=form.cleaned_data["fee_rule"],
            fund_code=form.cleaned_data["fund_code"],
            refund_rule=form.cleaned_data["refund_rule"],
        ),
        done=_("Fee saved. New requests are charged this; requests already made keep their fee."),
    ):
        return redirect("catalogue:service", pk=service.pk)
    return render_page(request, "catalogue/fees.html", {"form": form, "service": service})


@editor_required
def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    service = service_or_404(pk)
    definition = selectors.latest_form(service)
    channels = [Channel(channel).label for channel in service.channels if channel in Channel.values]
    return render_page(
        request, "catalogue/service.html", {"service": service, "definition": definition, "channels": channels}
    )


@editor_required
def retire(request: HttpRequest, pk: int) -> HttpResponse:
    service = service_or_404(pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if saved(
        request,
        form,
        lambda: services.retire_service(service=service, by=request.user),
        done=_("%(service)s is retired: it takes no new requests.") % {"service": service},
    ):
        return redirect("catalogue:service", pk=service.pk)
    return render_page(
        request,
        "catalogue/confirm.html",
        {
            "form": form,
            "service": service,
            "heading": _("Retire %(service)s?") % {"service": service},
            "explanation": _(
                "Residents and staff will no longer be able to make new requests. "
                "Requests already made carry on until they are closed. You can publish the service again later."
            ),
            "button": _("Retire service"),
            "cancel_url": reverse("catalogue:service", args=[service.pk]),
        },
    )
