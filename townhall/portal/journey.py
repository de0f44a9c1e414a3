"""A resident's way through a service's form: one question a page, in the form's order,
skipping questions whose condition does not hold; then their details, then check answers.

The form in progress is a `cases.Draft`. The browser session points at it by token, per
service; a signed-in resident's saved drafts are found through their account.
"""

from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from townhall.cases import drafting
from townhall.cases.models import Case, Draft
from townhall.cases.question_steps import answer_question
from townhall.cases.services import Requester
from townhall.catalogue.models import Channel, Service
from townhall.catalogue.questions import Question, visible_questions
from townhall.core.uploads import allowed_types_text
from townhall.portal import selectors, services

SESSION_DRAFTS = "portal:drafts"  # service slug -> draft token
SESSION_REQUESTER = "portal:requester"  # the details given on "Your details"
SESSION_SUBMITTED = "portal:submitted"  # references this browser submitted, newest last
SESSION_TRACKED = "portal:tracked-case"  # the request found by reference and email
REMEMBERED_SUBMISSIONS = 20


@dataclass
class Journey:
    service: Service
    draft: Draft

    @cached_property
    def questions(self) -> list[Question]:
        return drafting.draft_questions(self.draft)

    def visible(self) -> list[Question]:
        # Recomputed each time: an answer can show or hide later questions.
        return visible_questions(self.questions, self.draft.answers)

    def question(self, key: str) -> Question | None:
        return next((question for question in self.visible() if question.key == key), None)

    def first_unanswered(self) -> Question | None:
        return drafting.next_question(self.questions, self.draft.answers)

    def question_url(self, question: Question, *, returning: bool = False) -> str:
        url = reverse("portal:question", args=[self.service.slug, question.key])
        return f"{url}?{urlencode({'return': 'check'})}" if returning else url

    def check_url(self) -> str:
        return reverse("portal:check", args=[self.service.slug])

    def details_url(self) -> str:
        return reverse("portal:details", args=[self.service.slug])

    def previous_url(self, question: Question, *, returning: bool) -> str:
        if returning:
            return self.check_url()
        previous = drafting.previous_question(self.questions, self.draft.answers, question.key)
        return self.question_url(previous) if previous else reverse("portal:service", args=[self.service.slug])

    def last_question_url(self) -> str:
        visible = self.visible()
        return self.question_url(visible[-1]) if visible else reverse("portal:service", args=[self.service.slug])

    def next_url(self, question: Question, *, returning: bool, requester_known: bool) -> str:
        """Straight on to the next question; from check answers, only to what a changed
        answer newly asks, then back."""
        if returning:
            unanswered = self.first_unanswered()
            return self.question_url(unanswered, returning=True) if unanswered else self.check_url()
        visible = self.visible()
        later = visible[visible.index(question) + 1 :]
        if later:
            return self.question_url(later[0])
        return self.check_url() if requester_known else self.details_url()

    def resume_url(self, *, requester_known: bool) -> str:
        unanswered = self.first_unanswered()
        if unanswered:
            return self.question_url(unanswered)
        return self.check_url() if requester_known else self.details_url()


def current_draft(request: HttpRequest, service: Service) -> Draft | None:
    """The form this browser has in progress for `service`, unless it expired or is someone else's."""
    token = request.session.get(SESSION_DRAFTS, {}).get(service.slug)
    if not token:
        return None
    draft = Draft.objects.select_related("form").filter(token=token, service=service, channel=Channel.WEB).first()
    if draft is None or timezone.now() > drafting.draft_expires_at(draft):
        return None
    if draft.user_id is not None and draft.user_id != request.user.pk:
        return None
    return draft


def resumable_draft(request: HttpRequest, service: Service) -> Draft | None:
    """A form for `service` worth offering to continue: this browser's, or one the resident saved."""
    draft = current_draft(request, service)
    if draft is not None and draft.answers:
        return draft
    if request.user.is_authenticated:
        return next((saved for saved in selectors.saved_drafts(request.user) if saved.service_id == service.pk), None)
    return None


def remember_draft(request: HttpRequest, draft: Draft) -> None:
    request.session[SESSION_DRAFTS] = {**request.session.get(SESSION_DRAFTS, {}), draft.service.slug: str(draft.token)}


def forget_draft(request: HttpRequest, service: Service) -> None:
    drafts = dict(request.session.get(SESSION_DRAFTS, {}))
    if drafts.pop(service.slug, None):
        request.session[SESSION_DRAFTS] = drafts


def known_requester(request: HttpRequest) -> Requester | None:
    """Who is asking: the details given in this session, else a signed-in resident's record."""
    given = request.session.get(SESSION_REQUESTER)
    if given:
        return Requester(name=given["full_name"], email=given["email"], phone=given.get("phone", ""))
    if request.user.is_authenticated:
        customer = getattr(request.user, "customer", None)
        if customer is not None and customer.name and customer.email:
            return Requester(name=customer.name, email=customer.email, phone=customer.phone)
    return None


def has_requester(request: HttpRequest) -> bool:
    return known_requester(request) is not None


def remember_requester(request: HttpRequest, details: dict) -> None:
    request.session[SESSION_REQUESTER] = details


def remember_submission(request: HttpRequest, case: Case) -> None:
    submitted = [ref for ref in request.session.get(SESSION_SUBMITTED, []) if ref != case.reference]
    request.session[SESSION_SUBMITTED] = [*submitted, case.reference][-REMEMBERED_SUBMISSIONS:]


def may_see_confirmation(request: HttpRequest, case: Case) -> bool:
    """This browser made the request, found it by reference and email, or it is the
    signed-in resident's own: it may see its confirmation and pay for it."""
    if case.reference in request.session.get(SESSION_SUBMITTED, []) or request.session.get(SESSION_TRACKED) == case.pk:
        return True
    return bool(
        request.user.is_authenticated and case.customer is not None and case.customer.user_id == request.user.pk
    )


def is_returning(request: HttpRequest) -> bool:
    """The resident came from check answers to change something."""
    return request.GET.get("return") == "check"


def saving_for_later(request: HttpRequest) -> bool:
    return request.user.is_authenticated and "save_for_later" in request.POST


def question_page(request: HttpRequest, journey: Journey, question: Question) -> HttpResponse:
    """A question page: the answer kept by the same step every channel uses, then on."""
    step = answer_question(request, draft=journey.draft, question=question, leaving=saving_for_later(request))
    if step.done:
        return after_answer(request, journey, question)
    if step.redirect_to:
        return redirect(step.redirect_to)
    return render(
        request,
        "portal/journey/question.html",
        {
            "service": journey.service,
            "question": question,
            "back_url": journey.previous_url(question, returning=is_returning(request)),
            "can_save": request.user.is_authenticated,
            **step.context,
        },
    )


def after_answer(request: HttpRequest, journey: Journey, question: Question) -> HttpResponse:
    """Where a question page goes once its answer is kept: on, or to My Account if saving for later."""
    if saving_for_later(request):
        draft = services.save_draft_for_later(draft=journey.draft, user=request.user)
        messages.success(
            request,
            _("Your answers to “%(service)s” are saved. You can continue from your account until %(date)s.")
            % {
                "service": journey.service.name,
                "date": date_format(timezone.localtime(drafting.draft_expires_at(draft)), "j F Y"),
            },
        )
        return redirect("portal:account")
    return redirect(journey.next_url(question, returning=is_returning(request), requester_known=has_requester(request)))


def what_you_need(questions: list[Question]) -> list[str]:
    """What to have ready before starting, from the kinds of question the form asks."""
    types = {question.type for question in questions}
    needs = []
    if "address" in types:
        needs.append(_("the address or its postcode"))
    if "location" in types:
        needs.append(_("the name of the street, or a postcode near the place"))
    if "file" in types:
        needs.append(_("any photos or documents you want to send (%(types)s)") % {"types": allowed_types_text()})
    needs.append(_("your name and email address, so we can send you updates"))
    return needs
