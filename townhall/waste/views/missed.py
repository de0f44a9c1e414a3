"""Reporting a missed collection, under /bins/<uprn>/missed/: which collections at the
address can be reported and why the others cannot, then the bin (and the service's own
questions), the person's details, a check and the confirmation with the reference.

The same pages serve residents and staff on the phone (DESIGN: same forms everywhere).
Signed-in residents whose account has their name and email skip the details step. Staff
always give the caller's details (never their own) and the case is recorded as a phone
request; staff who cannot raise cases (auditors) only see the page. The report is kept in
the session between steps; the rules are checked again when it is sent.
"""

import uuid
from dataclasses import asdict

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from townhall.accounts.permissions import can_work_cases, is_staff_user
from townhall.cases.requester_fields import email_field, full_name_field, phone_field
from townhall.cases.services import Requester
from townhall.catalogue.answering import answer_field, display_answer, to_stored
from townhall.catalogue.models import Channel
from townhall.catalogue.questions import Question
from townhall.core.forms import GovUKForm
from townhall.gazetteer.models import Property
from townhall.gazetteer.selectors import property_by_uprn
from townhall.gazetteer.services import MAX_UPRN
from townhall.waste import missed
from townhall.waste.missed import MissedReportError, StreamDecision
from townhall.waste.models import MissedCollection, Stream

SESSION_REPORT = "waste-missed-report"  # the report being made: uprn, stream, answers, requester, key
SESSION_DONE = "waste-missed-done"  # references this browser reported, for their confirmation pages
REMEMBERED = 10


# Forms


class ChooseForm(GovUKForm):
    """Which collection was missed, and the missed-bin service's other plain questions."""

    def __init__(self, *args, choices: list[StreamDecision], questions: list[Question], **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = choices
        self.questions = questions
        self.fields["stream"] = forms.ChoiceField(
            label=_("Which collection was missed?"),
            choices=[(choice.stream, choice.label) for choice in choices],
            widget=forms.RadioSelect,
            error_messages={"required": _("Select the collection that was missed")},
        )
        for question in questions:
            self.fields[f"answer_{question.key}"] = answer_field(question)

    def answers(self) -> dict:
        found = {}
        for question in self.questions:
            value = to_stored(question, self.cleaned_data.get(f"answer_{question.key}"))
            if value is not None:
                found[question.key] = value
        return found

    def question_fields(self) -> list:
        return [self[f"answer_{question.key}"] for question in self.questions]


class DetailsForm(GovUKForm):
    full_name = full_name_field()
    email = email_field(gettext_lazy("We will send your reference and updates to this address"))
    phone = phone_field(gettext_lazy("In case we need to call you about this report"))

    def __init__(self, *args, for_caller: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if for_caller:  # staff on the phone: the caller's details, and a caller may have no email
            self.fields["full_name"].label = _("Caller's full name")
            self.fields["full_name"].error_messages["required"] = _("Enter the caller's full name")
            self.fields["full_name"].widget.attrs["autocomplete"] = "off"
            self.fields["email"].label = _("Caller's email address (optional)")
            self.fields["email"].required = False
            self.fields["email"].help_text = _("We will send them their reference and updates")
            self.fields["email"].widget.attrs["autocomplete"] = "off"
            self.fields["phone"].label = _("Caller's phone number (optional)")
            self.fields["phone"].help_text = ""
            self.fields["phone"].widget.attrs["autocomplete"] = "off"

    def clean_email(self) -> str:
        return (self.cleaned_data.get("email") or "").strip().lower()


# Helpers


def _place(uprn: int) -> Property:
    place = property_by_uprn(uprn) if 0 < uprn <= MAX_UPRN else None
    if place is None:
        raise Http404(_("There is no property with that UPRN in the borough."))
    return place


def _for_caller(request: HttpRequest) -> bool:
    """Staff making the report for someone on the phone."""
    return is_staff_user(request.user)


def _may_report(request: HttpRequest) -> bool:
    return not _for_caller(request) or can_work_cases(request.user)


def _channel(request: HttpRequest) -> str:
    return Channel.PHONE if _for_caller(request) else Channel.WEB


def _account_requester(request: HttpRequest) -> Requester | None:
    """A signed-in resident's own details, when their record has a name and an email."""
    if not request.user.is_authenticated or _for_caller(request):
        return None
    customer = getattr(request.user, "customer", None)
    if customer is not None and customer.name and customer.email:
        return Requester(name=customer.name, email=customer.email, phone=customer.phone)
    return None


def _report(request: HttpRequest, place: Property) -> dict | None:
    """The report in progress for this address, if any."""
    report = request.session.get(SESSION_REPORT)
    return report if report and report.get("uprn") == place.uprn else None


def _requester(request: HttpRequest, report: dict) -> Requester | None:
    given = report.get("requester")
    if given:
        return Requester(**given)
    return _account_requester(request)


def _choosable(choices: list[StreamDecision]) -> list[StreamDecision]:
    """What can be chosen: collections that can be reported, and ones already reported
    (the person's details are then added to that report)."""
    return [c for c in choices if c.decision.allowed or c.decision.existing is not None]


def _start_again(request: HttpRequest, place: Property, message: str) -> HttpResponse:
    request.session.pop(SESSION_REPORT, None)
    messages.error(request, message)
    return redirect("missed:start", place.uprn)


# Pages


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, uprn: int) -> HttpResponse:
    """Each collection at the address, whether it can be reported (and why not), and the choice."""
    place = _place(uprn)
    try:
        service = missed.missed_service()
    except MissedReportError as error:
        return render(request, "waste/missed/unavailable.html", {"place": place, "message": str(error)}, status=503)
    decisions = missed.decisions_for(place)
    choosable = _choosable(decisions)
    if request.method == "POST" and not _may_report(request):
        raise PermissionDenied
    report = _report(request, place) or {}
    initial = {"stream": report.get("stream")} | {f"answer_{k}": v for k, v in report.get("answers", {}).items()}
    form = ChooseForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        choices=choosable,
        questions=missed.extra_questions(service),
    )
    if request.method == "POST" and form.is_valid():
        request.session[SESSION_REPORT] = {
            "uprn": place.uprn,
            "stream": form.cleaned_data["stream"],
            "answers": form.answers(),
            "requester": report.get("requester"),
            "key": report.get("key") or str(uuid.uuid4()),
        }
        if _requester(request, request.session[SESSION_REPORT]) is None:
            return redirect("missed:details", place.uprn)
        return redirect("missed:check", place.uprn)
    return render(
        request,
        "waste/missed/start.html",
        {
            "place": place,
            "service": service,
            "decisions": decisions,
            "choosable": choosable,
            "form": form,
            "may_report": _may_report(request),
            "for_caller": _for_caller(request),
            "chosen": form["stream"].value(),
        },
    )


@require_http_methods(["GET", "POST"])
def details(request: HttpRequest, uprn: int) -> HttpResponse:
    place = _place(uprn)
    if not _may_report(request):
        raise PermissionDenied
    report = _report(request, place)
    if report is None:
        return redirect("missed:start", place.uprn)
    known = _requester(request, report)
    form = DetailsForm(
        request.POST if request.method == "POST" else None,
        initial={"full_name": known.name, "email": known.email, "phone": known.phone} if known else None,
        for_caller=_for_caller(request),
    )
    if request.method == "POST" and form.is_valid():
        report["requester"] = asdict(
            Requester(
                name=form.cleaned_data["full_name"].strip(),
                email=form.cleaned_data["email"],
                phone=form.cleaned_data["phone"].strip(),
            )
        )
        request.session[SESSION_REPORT] = report
        return redirect("missed:check", place.uprn)
    return render(
        request,
        "waste/missed/details.html",
        {"place": place, "form": form, "for_caller": _for_caller(request)},
    )


@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, uprn: int) -> HttpResponse:
    """The report as it will be sent; sending it makes the case (or joins the one already made)."""
    place = _place(uprn)
    if not _may_report(request):
        raise PermissionDenied
    report = _report(request, place)
    if report is None:
        if request.method == "POST":  # sent twice: the first made it
            done = _done_for_key(request, request.POST.get("key", ""))
            if done is not None:
                return redirect("missed:done", place.uprn, done)
        return redirect("missed:start", place.uprn)
    requester = _requester(request, report)
    if requester is None:
        return redirect("missed:details", place.uprn)
    try:
        service = missed.missed_service()
    except MissedReportError as error:
        return _start_again(request, place, str(error))
    decision = missed.can_report(place, report["stream"])
    if not decision.allowed and decision.existing is None:
        return _start_again(request, place, decision.reason)
    if request.method == "POST":
        if request.POST.get("key") != report["key"]:
            return redirect("missed:check", place.uprn)
        try:
            result = missed.report_missed(
                property=place,
                stream=report["stream"],
                requester=requester,
                channel=_channel(request),
                by=request.user,
                answers=report["answers"],
                submission_key=uuid.UUID(report["key"]),
            )
        except MissedReportError as error:
            return _start_again(request, place, str(error))
        except ValidationError as error:
            return _start_again(request, place, " ".join(error.messages))
        _remember(request, result.case.reference, report["key"], merged=result.merged, same=result.same_person)
        request.session.pop(SESSION_REPORT, None)
        return redirect("missed:done", place.uprn, result.case.reference)
    questions = missed.extra_questions(service)
    rows = [(q.label, display_answer(q, report["answers"].get(q.key))) for q in questions]
    return render(
        request,
        "waste/missed/check.html",
        {
            "place": place,
            "stream_label": Stream(report["stream"]).label,
            "decision": decision,
            "rows": rows,
            "requester": requester,
            "key": report["key"],
            "for_caller": _for_caller(request),
            "from_account": not report.get("requester"),
        },
    )


def _remember(request: HttpRequest, reference: str, key: str, *, merged: bool, same: bool) -> None:
    done = [d for d in request.session.get(SESSION_DONE, []) if d["reference"] != reference]
    done.append({"reference": reference, "key": key, "merged": merged, "same": same})
    request.session[SESSION_DONE] = done[-REMEMBERED:]


def _done_for_key(request: HttpRequest, key: str) -> str | None:
    return next((d["reference"] for d in request.session.get(SESSION_DONE, []) if d["key"] == key), None)


def done(request: HttpRequest, uprn: int, reference: str) -> HttpResponse:
    """The confirmation, for the browser that made the report."""
    place = _place(uprn)
    remembered = next((d for d in request.session.get(SESSION_DONE, []) if d["reference"] == reference), None)
    if remembered is None:
        raise Http404
    report = (
        MissedCollection.objects.select_related("case", "crew_record__street")
        .filter(case__reference=reference, property=place)
        .first()
    )
    if report is None:
        raise Http404
    crew_text = missed.crew_record_text(report.crew_record, report.stream) if report.crew_record else ""
    return render(
        request,
        "waste/missed/done.html",
        {
            "place": place,
            "report": report,
            "case": report.case,
            "stream_label": Stream(report.stream).label,
            "merged": remembered["merged"],
            "same_person": remembered["same"],
            "crew_text": crew_text,
            "for_caller": _for_caller(request),
            "today": timezone.localdate(),
        },
    )
