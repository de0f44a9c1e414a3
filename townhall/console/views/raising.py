"""Raising a request on a caller's behalf, with the service's own form (assisted digital).

The questions are the ones residents answer online, one per page, asked and kept by the
same steps (`cases.question_steps`) in a `Draft` whose channel is the contact's; only the
recorded channel differs.
"""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from townhall.cases import drafting
from townhall.cases.models import Draft
from townhall.cases.question_steps import answer_question
from townhall.cases.services import CaseError, Requester, submit_case
from townhall.catalogue.fees import price_for
from townhall.catalogue.journeys import own_journey_url
from townhall.catalogue.questions import visible_questions
from townhall.console import contacts, selectors
from townhall.console.access import visible_case_or_404
from townhall.console.contacts import ContactInProgress
from townhall.console.forms.contacts import ChooseServiceForm
from townhall.console.forms.payments import CounterPaymentForm
from townhall.console.once import Repeated, act_once, earlier_result
from townhall.console.paging import search_text
from townhall.console.views.contacts import contact_view
from townhall.core.forms import GovUKForm
from townhall.payments.services import amount_due


def _draft_or_404(request: HttpRequest, contact: ContactInProgress, draft_token) -> Draft:
    if str(draft_token) not in contact.drafts:
        raise Http404
    return get_object_or_404(Draft.objects.select_related("service", "form"), token=draft_token, user=request.user)


def _step_url(contact: ContactInProgress, draft: Draft, questions, answers) -> str:
    """The next question's page, or check answers when every shown question has one."""
    question = drafting.next_question(questions, answers)
    if question is None:
        return reverse("console:contact_check", args=[contact.token, draft.token])
    return reverse("console:contact_question", args=[contact.token, draft.token, question.key])


@contact_view
def contact_raise(request: HttpRequest, token: str) -> HttpResponse:
    contact = contacts.get_or_404(request, token)
    query = search_text(request)
    services = selectors.services_offered_on(contact.channel, query)
    form = ChooseServiceForm(request.POST or None, services=services[: ChooseServiceForm.MAX_CHOICES])
    if request.method == "POST" and form.is_valid():

        def act() -> str:
            caller = contacts.caller(contact)
            # A module runs some services' requests: its own pages, for staff too, at the
            # verified caller's address (an unverified one's is not read out).
            place = caller.address if caller and contact.verified else None
            if own_pages := own_journey_url(form.cleaned_data["service"], place=place):
                return own_pages
            draft = drafting.start_draft(
                service=form.cleaned_data["service"],
                channel=contact.channel,
                user=request.user,
                customer=caller,
            )
            contact.drafts.append(str(draft.token))
            contacts.save(request, contact)
            questions = drafting.draft_questions(draft)
            return _step_url(contact, draft, questions, draft.answers)

        try:
            return redirect(act_once(request, act))
        except Repeated as repeat:
            return redirect(repeat.redirect_to)
    return render(
        request,
        "console/contact_raise.html",
        {"contact": contact, "query": query, "form": form, "more": len(services) > ChooseServiceForm.MAX_CHOICES},
    )


@contact_view
def contact_question(request: HttpRequest, token: str, draft_token, key: str) -> HttpResponse:
    contact = contacts.get_or_404(request, token)
    draft = _draft_or_404(request, contact, draft_token)
    questions = drafting.draft_questions(draft)
    question = next((q for q in visible_questions(questions, draft.answers) if q.key == key), None)
    if question is None:  # hidden by an earlier answer, or never on this form
        return redirect(_step_url(contact, draft, questions, draft.answers))
    step = answer_question(request, draft=draft, question=question)
    if step.done:
        return redirect(_step_url(contact, draft, questions, draft.answers))
    if step.redirect_to:
        return redirect(step.redirect_to)
    previous = drafting.previous_question(questions, draft.answers, key)
    back_url = (
        reverse("console:contact_question", args=[contact.token, draft.token, previous.key])
        if previous
        else reverse("console:contact_raise", args=[contact.token])
    )
    return render(
        request,
        "console/contact_question.html",
        {"contact": contact, "service": draft.service, "question": question, "back_url": back_url, **step.context},
    )


@contact_view
def contact_check(request: HttpRequest, token: str, draft_token) -> HttpResponse:
    if request.method == "POST" and (done := earlier_result(request)):
        return redirect(done)
    contact = contacts.get_or_404(request, token)
    draft = _draft_or_404(request, contact, draft_token)
    questions = drafting.draft_questions(draft)
    if drafting.next_question(questions, draft.answers) is not None:
        return redirect(_step_url(contact, draft, questions, draft.answers))
    caller = contacts.caller(contact)
    form = GovUKForm(request.POST or None)
    if request.method == "POST":

        def act() -> str:
            case = submit_case(
                service=draft.service,
                answers=draft.answers,
                channel=draft.channel,
                by=request.user,
                customer=caller,
                requester=Requester(name=caller.name, email=caller.email, phone=caller.phone) if caller else None,
                draft=draft,
            )
            contact.drafts.remove(str(draft.token))
            contact.raised.append(case.reference)
            contacts.save(request, contact)
            return reverse("console:contact_raised", args=[contact.token, case.reference])

        try:
            return redirect(act_once(request, act))
        except Repeated as repeat:
            return redirect(repeat.redirect_to)
        except ValidationError as exc:
            by_key = {q.key: q for q in questions}
            for key, errors in exc.message_dict.items():
                label = by_key[key].label if key in by_key else key
                for error in errors:
                    form.add_error(None, f"{label}: {error}")
        except CaseError as exc:
            form.add_error(None, str(exc))
    rows = drafting.answer_rows(
        draft, lambda question: reverse("console:contact_question", args=[contact.token, draft.token, question.key])
    )
    return render(
        request,
        "console/contact_check.html",
        {
            "contact": contact,
            "draft": draft,
            "caller": caller,
            "rows": rows,
            "form": form,
            "price": price_for(draft.service, draft.answers),
        },
        status=400 if form.errors else 200,
    )


@contact_view
def contact_raised(request: HttpRequest, token: str, reference: str) -> HttpResponse:
    contact = contacts.get_or_404(request, token)
    if reference not in contact.raised:
        raise Http404
    case = visible_case_or_404(request.user, reference)
    return render(
        request,
        "console/contact_raised.html",
        {
            "contact": contact,
            "case": case,
            "reference": reference,
            "amount_due": amount_due(case),
            "counter_form": CounterPaymentForm(),
        },
    )
