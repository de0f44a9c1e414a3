"""My Account: a signed-in resident's requests from every channel, saved forms and details.

Staff may open these pages too; they see their own requests, not the ones they work on.
"""

import uuid
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from townhall.cases import drafting
from townhall.cases.downloads import download
from townhall.cases.models import Attachment, Draft
from townhall.cases.question_forms import ChooseAddressForm, FindAddressForm, find_then_choose
from townhall.cases.selectors import case_for_resident, followed_cases, public_attachment, resident_cases
from townhall.catalogue.answering import display_answer
from townhall.catalogue.questions import parse_questions
from townhall.core.paging import paginate
from townhall.payments import selectors as payment_selectors
from townhall.portal import selectors, services
from townhall.portal.forms import ProfileForm
from townhall.portal.views.requests import reply, request_context

REQUESTS_PER_PAGE = 20
# Requests others made that the resident follows (they reported the same thing, say), newest first.
FOLLOWING_SHOWN = 20


@login_required
def account(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/account/home.html", {"drafts": selectors.saved_drafts(request.user)})


@login_required
def my_requests(request: HttpRequest) -> HttpResponse:
    page = paginate(request, resident_cases(request.user), per_page=REQUESTS_PER_PAGE)
    following = followed_cases(request.user)[:FOLLOWING_SHOWN]
    return render(request, "portal/account/requests.html", {"page": page, "following": following})


@login_required
def my_request(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_for_resident(user=request.user, reference=reference)
    if case is None:
        raise Http404
    form = None
    if request.method == "POST":
        form = reply(request, case)
        if form is None:
            return redirect("portal:my_request", case.reference)
    answers = [
        (question.label, display_answer(question, case.answers[question.key]))
        for question in parse_questions(case.form.questions)
        if question.key in case.answers
    ]
    return render(
        request,
        "portal/account/request.html",
        {**request_context(case, _file_url(case), form), "answers": answers},
    )


def _file_url(case) -> Callable[[Attachment], str]:
    return lambda attachment: reverse("portal:my_request_file", args=[case.reference, attachment.public_id])


@login_required
def my_request_file(request: HttpRequest, reference: str, public_id: uuid.UUID) -> HttpResponse:
    case = case_for_resident(user=request.user, reference=reference)
    attachment = public_attachment(case=case, public_id=public_id) if case is not None else None
    if attachment is None:
        raise Http404
    return download(
        request, attachment, layout="portal/base.html", back_url=reverse("portal:my_request", args=[case.reference])
    )


@login_required
def my_payments(request: HttpRequest) -> HttpResponse:
    page = paginate(request, payment_selectors.resident_payments(request.user), per_page=REQUESTS_PER_PAGE)
    return render(request, "portal/account/payments.html", {"page": page})


@login_required
def my_receipt(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    payment = payment_selectors.resident_payments(request.user).filter(public_id=public_id).first()
    if payment is None:
        raise Http404
    return render(request, "portal/account/receipt.html", {"payment": payment, "case": payment.case})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    customer = getattr(request.user, "customer", None)
    return render(request, "portal/account/profile.html", {"customer": customer})


@login_required
def profile_details(request: HttpRequest) -> HttpResponse:
    user = request.user
    customer = getattr(user, "customer", None)
    initial = {
        "full_name": user.full_name or (customer.name if customer else ""),
        "phone": customer.phone if customer else "",
    }
    form = ProfileForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.update_profile(user=user, **form.cleaned_data)
        messages.success(request, _("Your details have been updated."))
        return redirect("portal:profile")
    return render(request, "portal/account/profile_details.html", {"form": form})


@login_required
def profile_address(request: HttpRequest) -> HttpResponse:
    customer = getattr(request.user, "customer", None)
    current = customer.address if customer and customer.address_id else None
    lookup = find_then_choose(
        request,
        find_form=FindAddressForm,
        choose_form=ChooseAddressForm,
        param="postcode",
        find_initial={"postcode": current.postcode} if current else None,
        choose_initial={"address": str(current.uprn)} if current else None,
    )
    if lookup.redirect_to:
        return redirect(lookup.redirect_to)
    if lookup.chosen is not None:
        services.set_home_address(user=request.user, address=lookup.chosen.chosen)
        messages.success(request, _("Your address has been updated."))
        return redirect("portal:profile")
    return render(request, "portal/account/profile_address.html", {"form": lookup.form, "lookup": lookup})


@login_required
def delete_draft(request: HttpRequest, token) -> HttpResponse:
    draft = Draft.objects.select_related("service", "form").filter(token=token, user=request.user, saved=True).first()
    if draft is None:
        # Already deleted, perhaps by a second click: nothing left to do.
        return redirect("portal:account")
    if request.method == "POST":
        drafting.discard_draft(draft=draft)
        messages.success(
            request, _("Your saved form for “%(service)s” has been deleted.") % {"service": draft.service.name}
        )
        return redirect("portal:account")
    return render(request, "portal/account/delete_draft.html", {"draft": draft})
