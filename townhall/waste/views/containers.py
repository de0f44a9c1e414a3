"""Containers and assisted collections: the resident's pages under /bins/<uprn>/ (an agent
uses the same pages on the phone) and the waste team's pages under /staff/waste/.

A container request is three short steps kept in the session (what and why, a larger
bin's eligibility, then the price and who is asking), made once by its submission key,
then paid on the card provider's page when it costs. An assisted collection is one page.
The confirmation pages are for the browser that made the request and the resident whose
request it is; anyone else is told the page does not exist.
"""

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from townhall.accounts.models import Role
from townhall.accounts.permissions import staff_required
from townhall.catalogue.models import AWAITING_PAYMENT, Channel, Service
from townhall.core import audit
from townhall.core.money import format_pence
from townhall.core.paging import paginate
from townhall.gazetteer.models import Property
from townhall.gazetteer.selectors import property_by_uprn
from townhall.gazetteer.services import MAX_UPRN
from townhall.payments import services as payments
from townhall.payments.models import PaymentStatus
from townhall.waste import containers
from townhall.waste.containers import AssistedError, ContainerError, Rule
from townhall.waste.containers_forms import (
    REASON_CHOICES,
    AssistedDecisionForm,
    AssistedForm,
    ChooseContainerForm,
    DecisionForm,
    EligibilityForm,
    EndAssistedForm,
    RequesterForm,
)
from townhall.waste.models import (
    AssistedApplication,
    Container,
    ContainerKind,
    ContainerRequest,
    Decision,
    DeliveryStatus,
    PropertyRound,
)

SESSION_CHOICE = "waste.containers.{uprn}"
SESSION_MADE = "waste.requests"  # references of requests made in this browser
REMEMBERED = 20

waste_staff = staff_required(Role.OFFICER, Role.TEAM_MANAGER, Role.COUNCIL_ADMIN)


# Shared


def _place(uprn: int) -> Property:
    place = property_by_uprn(uprn) if 0 < uprn <= MAX_UPRN else None
    if place is None:
        raise Http404(_("There is no property with that UPRN in the borough."))
    return place


def _published(service: Service | None) -> Service:
    if service is None or not service.is_published:
        raise Http404(_("This service is not available online."))
    return service


def _on_phone(request: HttpRequest) -> bool:
    """An agent filling the form in for a caller."""
    return request.user.is_authenticated and request.user.is_council_staff


def _channel(request: HttpRequest) -> str:
    return Channel.PHONE if _on_phone(request) else Channel.WEB


def _collected(place: Property) -> bool:
    return PropertyRound.objects.filter(property=place).exists()


def _not_collected(request: HttpRequest, place: Property, title: str) -> HttpResponse:
    return render(request, "waste/containers/not_collected.html", {"place": place, "title": title})


def _requester_initial(request: HttpRequest) -> dict:
    if request.user.is_authenticated and not request.user.is_council_staff:
        return {"full_name": request.user.full_name, "email": request.user.email}
    return {}


def _remember(request: HttpRequest, reference: str) -> None:
    made = [ref for ref in request.session.get(SESSION_MADE, []) if ref != reference]
    request.session[SESSION_MADE] = [*made, reference][-REMEMBERED:]


def _may_see(request: HttpRequest, case) -> bool:
    if case.reference in request.session.get(SESSION_MADE, []):
        return True
    user = request.user
    return bool(user.is_authenticated and case.customer is not None and case.customer.user_id == user.pk)


def _parse_key(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except (TypeError, ValueError):
        return None


# Containers: the council's rules as a table


def _cell(rule: Rule | None) -> str:
    if rule is None or not rule.offered:
        return _("Not online")
    if rule.needs_approval:
        return _("Free, if eligible")
    if rule.is_free:
        return _("Free")
    if rule.free_per_year:
        return _("%(count)s free a year, then %(price)s each") % {
            "count": rule.free_per_year,
            "price": format_pence(rule.price_pence),
        }
    return _("%(price)s each") % {"price": format_pence(rule.price_pence)}


def _rules_table(rules: dict) -> list[dict]:
    kinds = [ContainerKind.NEW, ContainerKind.REPLACEMENT, ContainerKind.ADDITIONAL, ContainerKind.LARGER]
    return [
        {"container": label, "cells": [_cell(rules.get((value, kind))) for kind in kinds]}
        for value, label in Container.choices
    ]


# Containers: the resident's steps


def _choice_key(place: Property) -> str:
    return SESSION_CHOICE.format(uprn=place.uprn)


@require_http_methods(["GET", "POST"])
def choose(request: HttpRequest, uprn: int) -> HttpResponse:
    place = _place(uprn)
    _published(containers.containers_service())
    if not _collected(place):
        return _not_collected(request, place, _("Request a bin, box or caddy"))
    rules = containers.container_rules()
    saved = request.session.get(_choice_key(place)) or {}
    initial = {key: saved[key] for key in ("container", "reason", "quantity") if key in saved} or {"quantity": 1}
    form = ChooseContainerForm(request.POST if request.method == "POST" else None, rules=rules, initial=initial)
    if request.method == "POST" and form.is_valid():
        choice = {key: form.cleaned_data[key] for key in ("container", "reason", "quantity")}
        if form.rule.needs_approval:
            choice |= {k: saved[k] for k in ("household_size", "medical_need", "medical_details") if k in saved}
        choice["submission_key"] = saved.get("submission_key") or str(uuid.uuid4())
        request.session[_choice_key(place)] = choice
        name = "containers:eligibility" if form.rule.needs_approval else "containers:check"
        return redirect(name, place.uprn)
    return render(
        request,
        "waste/containers/choose.html",
        {
            "place": place,
            "form": form,
            "table": _rules_table(rules),
            "larger_household": settings.WASTE_LARGER_BIN_HOUSEHOLD,
        },
    )


def _choice(request: HttpRequest, place: Property) -> dict | None:
    choice = request.session.get(_choice_key(place))
    if not choice or not {"container", "reason", "quantity", "submission_key"} <= choice.keys():
        return None
    return choice


@require_http_methods(["GET", "POST"])
def eligibility(request: HttpRequest, uprn: int) -> HttpResponse:
    place = _place(uprn)
    _published(containers.containers_service())
    choice = _choice(request, place)
    if choice is None or not _needs_approval(choice):
        return redirect("containers:choose", place.uprn)
    initial = {k: choice[k] for k in ("household_size", "medical_need", "medical_details") if k in choice}
    form = EligibilityForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        choice |= {
            "household_size": data["household_size"],
            "medical_need": data["medical_need"],
            "medical_details": data["medical_details"].strip() if data["medical_need"] == "yes" else "",
        }
        request.session[_choice_key(place)] = choice
        refusal = containers.larger_bin_refusal(
            household_size=data["household_size"], medical_need=data["medical_need"] == "yes"
        )
        if refusal:
            return render(request, "waste/containers/not_eligible.html", {"place": place, "refusal": refusal})
        return redirect("containers:check", place.uprn)
    return render(request, "waste/containers/eligibility.html", {"place": place, "form": form})


def _needs_approval(choice: dict) -> bool:
    try:
        return containers.offered_rule(choice["container"], choice["reason"]).needs_approval
    except ContainerError:
        return False


def _choice_rows(choice: dict) -> list[tuple[str, str]]:
    reasons = dict(REASON_CHOICES)
    rows = [
        (_("Container"), str(Container(choice["container"]).label)),
        (_("Why"), str(reasons.get(choice["reason"], choice["reason"]))),
        (_("How many"), str(choice["quantity"])),
    ]
    if "household_size" in choice:
        rows.append((_("People living at the address"), str(choice.get("household_size", ""))))
        rows.append(
            (_("Medical need"), _("Yes: %(details)s") % {"details": choice["medical_details"]})
            if choice.get("medical_need") == "yes"
            else (_("Medical need"), _("No"))
        )
    return rows


@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, uprn: int) -> HttpResponse:
    """The price and who is asking; sending makes the request once, then on to pay if it costs."""
    place = _place(uprn)
    service = _published(containers.containers_service())
    choice = _choice(request, place)
    if choice is None:
        return redirect("containers:choose", place.uprn)
    try:
        found = containers.quote(
            place=place, container=choice["container"], reason=choice["reason"], quantity=choice["quantity"]
        )
    except ContainerError as error:
        messages.error(request, str(error))
        return redirect("containers:choose", place.uprn)
    larger = found.rule.needs_approval  # the eligibility check, then an officer's approval
    if larger and "household_size" not in choice:
        return redirect("containers:eligibility", place.uprn)
    form = RequesterForm(
        request.POST if request.method == "POST" else None,
        on_phone=_on_phone(request),
        initial=_requester_initial(request),
    )
    if request.method == "POST" and form.is_valid():
        try:
            made = containers.request_container(
                service=service,
                place=place,
                container=choice["container"],
                reason=choice["reason"],
                quantity=choice["quantity"],
                channel=_channel(request),
                requester=form.requester,
                by=request.user,
                household_size=choice.get("household_size"),
                medical_need=choice.get("medical_need") == "yes" if larger else None,
                medical_details=choice.get("medical_details", ""),
                submission_key=_parse_key(choice["submission_key"]),
            )
        except (ContainerError, ValidationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            return redirect("containers:choose", place.uprn)
        request.session.pop(_choice_key(place), None)
        _remember(request, made.case.reference)
        if made.case.status == AWAITING_PAYMENT["key"]:
            return _pay(request, made)
        return redirect("containers:request", place.uprn, made.case.reference)
    return render(
        request,
        "waste/containers/check.html",
        {
            "place": place,
            "form": form,
            "rows": _choice_rows(choice),
            "quote": found,
            "larger": larger,
            "on_phone": _on_phone(request),
        },
    )


def _pay(request: HttpRequest, made: ContainerRequest) -> HttpResponse:
    """Off to the card provider's page for what is due; a second click finds the same payment."""
    case = made.case
    after = reverse("containers:request", args=[made.property.uprn, case.reference])
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
        if case.status == AWAITING_PAYMENT["key"]:  # else it was paid after all
            messages.error(request, str(error))
        return redirect(after)
    return redirect(started.next_url)


@require_http_methods(["GET", "POST"])
def request_page(request: HttpRequest, uprn: int, reference: str) -> HttpResponse:
    """The request made: its confirmation, or the page to pay for it (where the payer lands
    back from the card provider, and where a declined payment is tried again)."""
    made = (
        ContainerRequest.objects.select_related("case__service", "case__customer", "property")
        .filter(case__reference=reference, property__uprn=uprn)
        .first()
    )
    if made is None or not _may_see(request, made.case):
        raise Http404
    case = made.case
    if case.status == AWAITING_PAYMENT["key"]:
        if request.method == "POST":
            return _pay(request, made)
        latest = case.payments.first()
        if latest is not None and latest.is_live and payments.settled_quietly(latest).is_paid:
            return redirect(request.path)  # paid, then closed the browser
        return render(
            request,
            "waste/containers/pay.html",
            {"made": made, "case": case, "latest": latest, "amount_due": payments.amount_due(case)},
        )
    if request.method == "POST":
        return redirect(request.path)
    receipts = case.payments.filter(status=PaymentStatus.SUCCESS)
    return render(request, "waste/containers/done.html", {"made": made, "case": case, "receipts": receipts})


# Assisted collections: the resident's page


@require_http_methods(["GET", "POST"])
def assisted_apply(request: HttpRequest, uprn: int) -> HttpResponse:
    place = _place(uprn)
    service = _published(containers.assisted_service())
    if not _collected(place):
        return _not_collected(request, place, _("Apply for an assisted collection"))
    key = _parse_key(request.POST.get("submission_key", "")) if request.method == "POST" else None
    sent = AssistedApplication.objects.filter(case__submission_key=key).select_related("case").first() if key else None
    if sent is not None and _may_see(request, sent.case):  # a double click: the first one's confirmation
        return redirect("containers:assisted_done", place.uprn, sent.case.reference)
    if containers.is_assisted(place) or containers.pending_application(place) is not None:
        return render(request, "waste/containers/assisted_exists.html", {"place": place})
    form = AssistedForm(
        request.POST if request.method == "POST" else None,
        on_phone=_on_phone(request),
        initial=_requester_initial(request),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = containers.apply_for_assisted_collection(
                service=service,
                place=place,
                reason=data["reason"],
                details=data["details"],
                bin_location=data["bin_location"],
                duration=data["duration"],
                until=data.get("until"),
                someone_can_help=data["someone_can_help"] == "yes",
                channel=_channel(request),
                requester=form.requester,
                by=request.user,
                submission_key=key,
            )
        except AssistedError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            _remember(request, application.case.reference)
            return redirect("containers:assisted_done", place.uprn, application.case.reference)
    return render(
        request,
        "waste/containers/assisted_apply.html",
        {"place": place, "form": form, "submission_key": key or uuid.uuid4(), "on_phone": _on_phone(request)},
    )


def assisted_done(request: HttpRequest, uprn: int, reference: str) -> HttpResponse:
    application = (
        AssistedApplication.objects.select_related("case__service", "case__customer", "property")
        .filter(case__reference=reference, property__uprn=uprn)
        .first()
    )
    if application is None or not _may_see(request, application.case):
        raise Http404
    return render(
        request, "waste/containers/assisted_done.html", {"application": application, "case": application.case}
    )


# The waste team's pages


@waste_staff
def staff_containers(request: HttpRequest) -> HttpResponse:
    """Requests waiting for an officer's decision (larger bins) and deliveries to make."""
    tabs = [
        (DeliveryStatus.AWAITING_APPROVAL, _("Waiting for a decision")),
        (DeliveryStatus.TO_DELIVER, _("To deliver")),
    ]
    status = request.GET.get("status", DeliveryStatus.AWAITING_APPROVAL)
    if status not in dict(tabs):
        status = DeliveryStatus.AWAITING_APPROVAL
    page = paginate(request, containers.container_requests_for_staff(request.user, status=status))
    return render(
        request,
        "waste/containers/staff/containers.html",
        {"page": page, "tabs": tabs, "status": status, "status_label": dict(tabs)[status]},
    )


@waste_staff
@require_http_methods(["GET", "POST"])
def staff_container(request: HttpRequest, reference: str) -> HttpResponse:
    made = containers.container_request_for_staff(request.user, reference)
    if made is None:
        raise Http404
    form = DecisionForm(request.POST if request.POST.get("action") == "decide" else None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "decide" and form.is_valid():
                containers.decide_container_request(
                    container_request=made,
                    approve=form.approves,
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
                _decided_message(request, made, form.approves)
                return redirect("containers_staff:containers")
            if request.POST.get("action") == "delivered":
                containers.record_delivery(container_request=made, by=request.user)
                messages.success(
                    request, _("Request %(reference)s marked as delivered.") % {"reference": made.case.reference}
                )
                return redirect(f"{reverse('containers_staff:containers')}?status={DeliveryStatus.TO_DELIVER}")
        except ContainerError as error:
            form.add_error(None, str(error))
    audit.record(actor=request.user, action="waste.container_request_viewed", target=made)
    return render(request, "waste/containers/staff/container.html", {"made": made, "case": made.case, "form": form})


def _decided_message(request: HttpRequest, made: ContainerRequest, approved: bool) -> None:
    text = (
        _("Request %(reference)s approved: it is now waiting for delivery.")
        if approved
        else _("Request %(reference)s refused. The resident has been told why.")
    )
    messages.success(request, text % {"reference": made.case.reference})


@waste_staff
def staff_assisted(request: HttpRequest) -> HttpResponse:
    """Applications waiting for a decision, and the assisted collections running today."""
    tabs = [("pending", _("Waiting for a decision")), ("current", _("Running now"))]
    show = request.GET.get("show", "pending")
    if show not in dict(tabs):
        show = "pending"
    if show == "pending":
        items = containers.pending_applications_for_staff(request.user)
    else:
        items = containers.current_assisted_collections_for_staff(request.user)
    return render(
        request,
        "waste/containers/staff/assisted.html",
        {"page": paginate(request, items), "tabs": tabs, "show": show, "show_label": dict(tabs)[show]},
    )


@waste_staff
@require_http_methods(["GET", "POST"])
def staff_application(request: HttpRequest, reference: str) -> HttpResponse:
    application = containers.application_for_staff(request.user, reference)
    if application is None:
        raise Http404
    collection = containers.assisted_collection_for(application.property)
    if collection is not None and collection.application_id != application.pk:
        collection = None  # a later application's, shown on that one
    action = request.POST.get("action")
    form = AssistedDecisionForm(
        request.POST if action == "decide" else None, initial={"location_note": application.bin_location}
    )
    end_form = EndAssistedForm(request.POST if action == "end" else None)
    if request.method == "POST":
        try:
            if action == "decide" and form.is_valid():
                containers.decide_assisted_application(
                    application=application,
                    approve=form.approves,
                    reason=form.cleaned_data["reason"],
                    location_note=form.cleaned_data["location_note"],
                    by=request.user,
                )
                text = (
                    _("Assisted collection approved for %(address)s.")
                    if form.approves
                    else _("Application %(reference)s refused. The resident has been told why.")
                )
                messages.success(request, text % {"address": application.property.single_line, "reference": reference})
                return redirect("containers_staff:assisted")
            if action == "end" and collection is not None and end_form.is_valid():
                containers.end_assisted_collection(
                    collection=collection, reason=end_form.cleaned_data["end_reason"], by=request.user
                )
                messages.success(
                    request,
                    _("The assisted collection at %(address)s has ended.")
                    % {"address": application.property.single_line},
                )
                return redirect(f"{reverse('containers_staff:assisted')}?show=current")
        except AssistedError as error:
            (end_form if action == "end" else form).add_error(None, str(error))
    # What the resident told us about their health: each look at it is audited.
    audit.record(actor=request.user, action="waste.assisted_application_viewed", target=application)
    return render(
        request,
        "waste/containers/staff/application.html",
        {
            "application": application,
            "case": application.case,
            "collection": collection,
            "form": form,
            "end_form": end_form,
            "pending": application.decision == Decision.PENDING,
        },
    )
