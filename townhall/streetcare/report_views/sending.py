"""The end of the journey: reports nearby that may be the same problem (support one instead),
check and send, and the confirmation."""

import uuid
from contextlib import ExitStack

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from townhall.cases.models import Case
from townhall.cases.services import CaseError, Requester
from townhall.catalogue.answering import display_answer
from townhall.catalogue.models import Channel
from townhall.streetcare import journey, public_selectors
from townhall.streetcare.forms import NearbyForm
from townhall.streetcare.journey import Progress
from townhall.streetcare.report_views.pages import finish, journey_page, onward, render_step
from townhall.streetcare.selectors import NearbyReport
from townhall.streetcare.services import DETAIL, TITLE, OutsideBoroughError, submit_report, support_report


@require_http_methods(["GET", "POST"])
@journey_page("nearby")
def nearby(request: HttpRequest, progress: Progress) -> HttpResponse:
    """Open reports of the same problem close by: the reporter can add their support to one
    (and hear of its progress) rather than report it again."""
    report = progress.report
    if not progress.nearby:
        report.nearby_seen = True
        return onward(request, progress)
    form = NearbyForm(request.POST if request.method == "POST" else None, nearby=progress.nearby)
    if request.method == "POST" and form.is_valid():
        chosen = form.supported
        if chosen is None:
            report.nearby_seen = True
            return onward(request, progress)
        try:
            support_report(
                case=chosen.case,
                requester=Requester(**report.requester),
                text=report.detail or report.title,
                by=request.user,
            )
        except CaseError as refused:  # it was closed meanwhile
            form.add_error("choice", str(refused))
        else:
            journey.remember_done(request, reference=chosen.case.reference, key=report.key, supported=True)
            finish(request, progress)
            return redirect("street_report:supported", chosen.case.reference)
    by_reference = {item.report.case.reference: item for item in progress.nearby}
    options = [(radio, *_described(by_reference.get(radio.data["value"]), radio)) for radio in form["choice"]]
    return render_step(
        request,
        "nearby.html",
        progress,
        "nearby",
        {"form": form, "options": options},
        status=400 if form.errors else 200,
    )


def _described(item: NearbyReport | None, radio) -> tuple[str, str]:
    """A nearby report as the public may see it: its summary, then when, how far and how it stands."""
    if item is None:
        return radio.choice_label, ""
    case = item.report.case
    hint = _("Reported %(date)s, %(metres)s metres from the place you marked. %(status)s.") % {
        "date": date_format(timezone.localtime(item.report.created_at), "j F Y"),
        "metres": item.metres,
        "status": case.status_label,
    }
    return public_selectors.public_title(item.report), hint


@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _send(request)
    return _check_answers(request)


@journey_page("check")
def _check_answers(request: HttpRequest, progress: Progress) -> HttpResponse:
    questions = progress.questions()
    rows = [
        (
            question.label,
            display_answer(question, progress.draft.answers.get(question.key)),
            reverse("street_report:question", args=[question.key]),
        )
        for question in questions
    ]
    return render_step(
        request,
        "check.html",
        progress,
        "check",
        {
            "rows": rows,
            "asset": progress.asset,
            "requester": Requester(**progress.report.requester),
            "channel_label": Channel(progress.report.channel).label if progress.staff else "",
        },
    )


def _send(request: HttpRequest) -> HttpResponse:
    """Send the report, once: a second click or a resent page finds the first by its key."""
    if not journey.may_report(request):
        raise PermissionDenied
    report, key = journey.load(request), request.POST.get("key", "")
    if report is None or report.key != key:
        done = journey.done_with(request, key=key) if key else None
        if done is not None:
            return redirect("street_report:supported" if done["supported"] else "street_report:sent", done["reference"])
        return redirect("street_report:where")
    progress = journey.progress(request, report)
    step, url = progress.step()
    if step != "check":
        return redirect(url)
    try:
        with ExitStack() as files:
            photos = [files.enter_context(default_storage.open(photo["path"])) for photo in report.photos]
            case = submit_report(
                service=progress.service,
                answers={**progress.answers(), TITLE: report.title, DETAIL: report.detail},
                latitude=report.latitude,
                longitude=report.longitude,
                channel=report.channel or Channel.WEB,
                by=request.user,
                requester=Requester(**report.requester),
                photos=photos,
                asset=progress.asset,
                submission_key=uuid.UUID(report.key),
            )
    except OutsideBoroughError as refused:
        messages.error(request, str(refused))
        return redirect("street_report:where")
    except ValidationError as refused:
        return _answer_again(request, progress, refused)
    except CaseError as refused:
        messages.error(request, str(refused))
        return redirect("street_report:category")
    journey.remember_done(request, reference=case.reference, key=report.key, supported=False)
    finish(request, progress, keep=frozenset(case.attachments.values_list("file", flat=True)))
    return redirect("street_report:sent", case.reference)


def _answer_again(request: HttpRequest, progress: Progress, refused: ValidationError) -> HttpResponse:
    """Back to the first answer that no longer passes (the form changed, say), saying why."""
    problems = refused.message_dict if hasattr(refused, "error_dict") else {}
    failing = next((q for q in progress.questions() if q.key in problems), None)
    if failing is None:
        messages.error(request, " ".join(refused.messages))
        return redirect("street_report:check")
    messages.error(
        request,
        _("Check your answer to “%(question)s”: %(problem)s")
        % {"question": failing.label, "problem": " ".join(problems[failing.key])},
    )
    return redirect("street_report:question", failing.key)


def _done_case(request: HttpRequest, reference: str, *, supported: bool) -> Case:
    """A case this browser reported or supported, for its confirmation; 404 for any other."""
    done = journey.done_with(request, reference=reference)
    if done is None or done["supported"] != supported:
        raise Http404
    case = Case.objects.select_related("service", "street_report").filter(reference=reference).first()
    if case is None:
        raise Http404
    return case


@require_GET
def sent(request: HttpRequest, reference: str) -> HttpResponse:
    case = _done_case(request, reference, supported=False)
    public = case.street_report.public and not case.service.street_category.private
    return render_step(
        request,
        "sent.html",
        None,
        "sent",
        {"case": case, "public_url": reverse("reports:report", args=[reference]) if public else ""},
    )


@require_GET
def supported(request: HttpRequest, reference: str) -> HttpResponse:
    case = _done_case(request, reference, supported=True)
    return render_step(
        request,
        "supported.html",
        None,
        "supported",
        {"case": case, "title": public_selectors.public_title(case.street_report)},
    )
