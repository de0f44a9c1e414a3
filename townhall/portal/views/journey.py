"""Making a request online: the start page, the form one question a page, the resident's
details, check answers, submission and the confirmation."""

import uuid
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from townhall.cases import drafting
from townhall.cases.models import Case, Draft
from townhall.cases.services import CaseError, submit_case
from townhall.catalogue.fees import price_for, rule_wording
from townhall.catalogue.journeys import own_journey_url
from townhall.catalogue.models import AWAITING_PAYMENT, Channel, FeeKind, Service
from townhall.catalogue.questions import parse_questions
from townhall.payments import services as payments
from townhall.payments.models import PaymentStatus
from townhall.portal import journey as flow
from townhall.portal import selectors
from townhall.portal.forms import DetailsForm
from townhall.portal.journey import Journey


def _web_service(slug: str) -> Service:
    service = selectors.web_service(slug)
    if service is None:
        raise Http404
    return service


def _start_again(request: HttpRequest, service: Service) -> HttpResponse:
    messages.info(
        request,
        _(
            "We could not find your answers, so you need to start again. We keep answers for a day, "
            "or for %(days)s days if you sign in and save them."
        )
        % {"days": drafting.SAVED_DRAFT_LIFETIME.days},
    )
    return redirect("portal:service", service.slug)


def journey_step(view):
    """Gives the view this browser's form in progress for the service, or starts again."""

    @wraps(view)
    def wrapped(request: HttpRequest, slug: str, **kwargs) -> HttpResponse:
        service = _web_service(slug)
        draft = flow.current_draft(request, service)
        if draft is None:
            return _start_again(request, service)
        return view(request, Journey(service, draft), **kwargs)

    return wrapped


def service(request: HttpRequest, slug: str) -> HttpResponse:
    service = _web_service(slug)
    resumable = flow.resumable_draft(request, service)
    if resumable is None:
        resume_url = ""
    elif resumable.saved:
        resume_url = reverse("portal:continue", args=[service.slug, resumable.token])
    else:
        resume_url = Journey(service, resumable).resume_url(requester_known=flow.has_requester(request))
    return render(
        request,
        "portal/journey/start.html",
        {
            "service": service,
            "needs": flow.what_you_need(parse_questions(service.current_form.questions)),
            "articles": selectors.articles_for(service),
            "rule_wording": rule_wording(service) if service.fee_kind == FeeKind.RULE else "",
            "resumable": resumable,
            "resume_url": resume_url,
        },
    )


def start(request: HttpRequest, slug: str) -> HttpResponse:
    """A fresh form; one left unsaved in this browser goes, one saved to the account stays."""
    service = _web_service(slug)
    if request.method != "POST":  # a followed or bookmarked link: show the start page
        return redirect("portal:service", service.slug)
    if own_pages := own_journey_url(service):  # a module runs this service's requests
        return redirect(own_pages)
    previous = flow.current_draft(request, service)
    if previous is not None and not previous.saved:
        drafting.discard_draft(draft=previous)
    if not request.session.session_key:
        request.session.save()
    draft = drafting.start_draft(
        service=service, channel=Channel.WEB, user=request.user, session_key=request.session.session_key
    )
    flow.remember_draft(request, draft)
    return redirect(Journey(service, draft).resume_url(requester_known=flow.has_requester(request)))


@login_required
def continue_draft(request: HttpRequest, slug: str, token: uuid.UUID) -> HttpResponse:
    """Pick up a form saved to the account where it was left."""
    service = _web_service(slug)
    draft = get_object_or_404(Draft.objects.select_related("form"), token=token, service=service, user=request.user)
    if timezone.now() > drafting.draft_expires_at(draft):
        return _start_again(request, service)
    flow.remember_draft(request, draft)
    return redirect(Journey(service, draft).resume_url(requester_known=flow.has_requester(request)))


@journey_step
def question(request: HttpRequest, journey: Journey, key: str) -> HttpResponse:
    question = journey.question(key)
    if question is None:
        if any(other.key == key for other in journey.questions):
            # Hidden by an earlier answer: carry on from wherever the form now is.
            return redirect(journey.resume_url(requester_known=flow.has_requester(request)))
        raise Http404
    return flow.question_page(request, journey, question)


@journey_step
def details(request: HttpRequest, journey: Journey) -> HttpResponse:
    requester = flow.known_requester(request)
    if requester is not None:
        initial = {"full_name": requester.name, "email": requester.email, "phone": requester.phone}
    elif request.user.is_authenticated:
        initial = {"full_name": request.user.full_name, "email": request.user.email}
    else:
        initial = {}
    form = DetailsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        flow.remember_requester(request, form.cleaned_data)
        return redirect(journey.check_url())
    back_url = journey.check_url() if flow.is_returning(request) else journey.last_question_url()
    return render(
        request, "portal/journey/details.html", {"service": journey.service, "form": form, "back_url": back_url}
    )


def check(request: HttpRequest, slug: str) -> HttpResponse:
    if request.method == "POST":
        return _submit(request, _web_service(slug))
    return _check_answers(request, slug)


@journey_step
def _check_answers(request: HttpRequest, journey: Journey) -> HttpResponse:
    unanswered = journey.first_unanswered()
    if unanswered is not None:
        return redirect(journey.question_url(unanswered, returning=True))
    requester = flow.known_requester(request)
    if requester is None:
        return redirect(journey.details_url())
    rows = drafting.answer_rows(journey.draft, lambda question: journey.question_url(question, returning=True))
    price = price_for(journey.service, journey.draft.answers)
    return render(
        request,
        "portal/journey/check.html",
        {
            "service": journey.service,
            "rows": rows,
            "requester": requester,
            "details_url": f"{journey.details_url()}?return=check",
            "submission_key": journey.draft.submission_key,
            "back_url": journey.details_url(),
            "price": price,
        },
    )


def _submit(request: HttpRequest, service: Service) -> HttpResponse:
    """Make the request, once: a second click or a retry finds the first by its submission key."""
    draft = flow.current_draft(request, service)
    try:
        key = uuid.UUID(request.POST.get("submission_key", ""))
    except ValueError:
        key = None
    if draft is None or draft.submission_key != key:
        case = Case.objects.filter(submission_key=key, service=service).first() if key else None
        return _confirm(request, case) if case is not None else _start_again(request, service)
    requester = flow.known_requester(request)
    journey = Journey(service, draft)
    if requester is None:
        return redirect(journey.details_url())
    try:
        case = submit_case(
            service=service,
            answers=draft.answers,
            channel=Channel.WEB,
            by=request.user,
            requester=requester,
            draft=draft,
        )
    except ValidationError as error:
        return _answer_again(request, journey, error)
    except CaseError as error:
        messages.error(request, str(error))
        return redirect("portal:service", service.slug)
    flow.forget_draft(request, service)
    return _confirm(request, case)


def _answer_again(request: HttpRequest, journey: Journey, error: ValidationError) -> HttpResponse:
    """Back to the first answer that no longer passes, saying why."""
    problems = error.message_dict if hasattr(error, "error_dict") else {}
    failing = next((question for question in journey.visible() if question.key in problems), None)
    if failing is None:
        messages.error(request, " ".join(error.messages))
        return redirect(journey.check_url())
    messages.error(
        request,
        _("Check your answer to “%(question)s”: %(problem)s")
        % {"question": failing.label, "problem": " ".join(problems[failing.key])},
    )
    return redirect(journey.question_url(failing, returning=True))


def _confirm(request: HttpRequest, case: Case) -> HttpResponse:
    """On to payment if the request costs money, else to its confirmation. A repeated
    submission lands here too, and so finds the payment already in progress."""
    flow.remember_submission(request, case)
    if case.status == AWAITING_PAYMENT["key"]:
        return _pay(request, case)
    return redirect("portal:submitted", case.reference)


def _own_case(request: HttpRequest, reference: str) -> Case:
    case = Case.objects.select_related("service", "customer").filter(reference=reference).first()
    if case is None or not flow.may_see_confirmation(request, case):
        raise Http404
    return case


def submitted(request: HttpRequest, reference: str) -> HttpResponse:
    case = _own_case(request, reference)
    if case.status == AWAITING_PAYMENT["key"]:
        return redirect("portal:payment", case.reference)
    receipts = case.payments.filter(status=PaymentStatus.SUCCESS)
    return render(request, "portal/journey/submitted.html", {"case": case, "receipts": receipts})


def payment(request: HttpRequest, reference: str) -> HttpResponse:
    """Paying for a request: where a payer lands back from the card provider, and where a
    declined, cancelled or abandoned payment can be tried again. The answers are kept."""
    case = _own_case(request, reference)
    if case.status != AWAITING_PAYMENT["key"]:
        return redirect("portal:submitted", case.reference)
    if request.method == "POST":
        return _pay(request, case)
    latest = case.payments.first()
    if latest is not None and latest.is_live and payments.settled_quietly(latest).is_paid:
        return redirect("portal:submitted", case.reference)  # paid, then closed the browser
    return render(
        request,
        "portal/journey/payment.html",
        {"case": case, "latest": latest, "amount_due": payments.amount_due(case)},
    )


def _pay(request: HttpRequest, case: Case) -> HttpResponse:
    """Off to the card provider's page for what is due; a second click finds the same payment."""
    try:
        started = payments.start_payment(
            case=case,
            channel=Channel.WEB,
            by=request.user,
            return_url_for=lambda token: request.build_absolute_uri(reverse("payments:return", args=[token])),
            after_url=reverse("portal:payment", args=[case.reference]),
        )
    except payments.PaymentError as error:
        case.refresh_from_db(fields=["status"])
        if case.status == AWAITING_PAYMENT["key"]:  # else it was paid after all: on to the confirmation
            messages.error(request, str(error))
        return redirect("portal:payment", case.reference)
    return redirect(started.next_url)
