"""The crews' in-cab API, under /staff/crews/api/: a round's worklist for a day as JSON, and
recording what the crew found at a property or a street, through the same selector and
service as the crews' page (`crew_selectors.worklist`, `crews.record_outcome`).

For now devices sign in as the crew member (the session), so the same people are let in as
on the crews' page, and a POST carries the CSRF token. Every answer is JSON; a refusal is
`application/problem+json` (RFC 9457) with, for a form's mistakes, `errors` by field.
"""

import datetime as dt
import json
from collections.abc import Callable
from functools import wraps

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponseBase, JsonResponse, QueryDict
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from townhall.gazetteer.models import Property, Street
from townhall.waste import crew_selectors, crews
from townhall.waste.crew_forms import CrewApiRecordForm
from townhall.waste.crew_selectors import Recorded
from townhall.waste.models import Round

SAFE_METHODS = ("GET", "HEAD")


def problem(status: int, title: str, *, detail: str = "", errors: dict | None = None) -> JsonResponse:
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    return JsonResponse(body, status=status, content_type="application/problem+json")


def _csrf_refused(request: HttpRequest) -> bool:
    """The CSRF check, done here so that a refusal is answered in JSON (the middleware
    would answer with its HTML page)."""
    return CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {}) is not None


def crew_api(*methods: str) -> Callable:
    """Lets through crew members (`crews.can_record`) using one of `methods`, in JSON."""

    def decorate(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @csrf_exempt  # checked below, after sign-in, so that the answer is JSON
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
            if request.method not in methods:
                response = problem(405, _("Method not allowed"))
                response["Allow"] = ", ".join(methods)
                return response
            if not request.user.is_authenticated:
                return problem(401, _("Sign in first"), detail=_("Sign in as a member of a crew to use this API."))
            if not crews.can_record(request.user):
                return problem(403, _("Not allowed"), detail=_("Only the crews' team records rounds."))
            if request.method not in SAFE_METHODS and _csrf_refused(request):
                return problem(403, _("CSRF check failed"), detail=_("Send the CSRF token in the X-CSRFToken header."))
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def _round(code: str, day: dt.date) -> Round | JsonResponse:
    round_ = Round.objects.filter(code=code).first()
    if round_ is None:
        return problem(404, _("No such round"), detail=_("There is no round %(code)s.") % {"code": code})
    if day > timezone.localdate():
        return problem(
            404, _("Not this round's day yet"), detail=_("A round's day is recorded on the day, not before.")
        )
    return round_


@crew_api(*SAFE_METHODS)
def worklist(request: HttpRequest, code: str, day: dt.date) -> HttpResponseBase:
    round_ = _round(code, day)
    if isinstance(round_, JsonResponse):
        return round_
    return JsonResponse(crew_selectors.worklist_json(crew_selectors.worklist(round_, day)))


def _posted(request: HttpRequest) -> QueryDict | dict | None:
    """The record as JSON, or as a form (multipart, with a photo); None when not readable."""
    if request.content_type != "application/json":
        return request.POST
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _form_errors(form: CrewApiRecordForm) -> dict:
    """The form's messages by field; those about the record as a whole under "record"."""
    return {
        "record" if field == NON_FIELD_ERRORS else field: [str(message) for message in messages]
        for field, messages in form.errors.items()
    }


@crew_api("POST")
def record(request: HttpRequest, code: str, day: dt.date) -> HttpResponseBase:
    """What the crew found at one property (`uprn`) or every property of a street (`usrn`):
    `outcome` (done, not_presented, blocked, contaminated), with a `note` and, sent as a
    form, a `photo`. Sending the same again records it once."""
    round_ = _round(code, day)
    if isinstance(round_, JsonResponse):
        return round_
    data = _posted(request)
    if data is None:
        return problem(400, _("Not a JSON object"), detail=_("Send the record as a JSON object."))
    form = CrewApiRecordForm(data, request.FILES)
    if not form.is_valid():
        return problem(400, _("The record has mistakes"), errors=_form_errors(form))
    uprn, usrn = form.cleaned_data["uprn"], form.cleaned_data["usrn"]
    place = Property.objects.select_related("street").filter(uprn=uprn).first() if uprn else None
    street = Street.objects.filter(usrn=usrn).first() if usrn else None
    if uprn and place is None:
        return problem(400, _("The record has mistakes"), errors={"uprn": [_("There is no property with that UPRN")]})
    if usrn and street is None:
        return problem(400, _("The record has mistakes"), errors={"usrn": [_("There is no street with that USRN")]})
    try:
        saved = crews.record_outcome(
            round_=round_,
            date=day,
            outcome=form.cleaned_data["outcome"],
            by=request.user,
            property=place,
            street=street,
            note=form.cleaned_data["note"],
            photo=form.cleaned_data["photo"],
        )
    except (crews.CrewError, ValidationError) as refusal:
        detail = " ".join(refusal.messages) if isinstance(refusal, ValidationError) else str(refusal)
        return problem(422, _("Not recorded"), detail=detail)
    return JsonResponse(
        {"uprn": uprn, "usrn": usrn, "recorded": crew_selectors.recorded_json(Recorded.of(saved))}, status=200
    )
