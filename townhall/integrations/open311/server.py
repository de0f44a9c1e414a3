"""The Open311 GeoReport v2 server, at /open311/v2/: every resource in JSON and in XML.

Reading needs no key. Posting a request needs an `api_key` with the open311 scope, is
counted against the key's rate, and is safe to repeat: a retry (the same body from the
same key within minutes, or the same `Idempotency-Key` header) answers with the case
the first attempt made.
"""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlparse

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from townhall.cases.models import Case
from townhall.cases.services import CaseError
from townhall.catalogue.models import Service
from townhall.catalogue.questions import parse_questions
from townhall.integrations import selectors as keys
from townhall.integrations import services
from townhall.integrations.models import ApiKey, Scope
from townhall.integrations.open311 import attributes, intake, listing
from townhall.integrations.open311 import selectors as open311
from townhall.integrations.open311.formats import JSON, XML, Open311Error, render, render_errors

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this server's contract last changed: clients compare it to notice a change.
CHANGESET = "2026-11-26T00:00:00+00:00"


def endpoint(*methods: str) -> Callable:
    """A GeoReport v2 resource answering `methods`: 405 for any other, and every error
    (an unknown jurisdiction included) in the spec's format.

    Exempt from CSRF checks: no resource acts on a browser's session (posting needs an
    api_key), and a wrong method must get its 405, not a forgery refusal."""
    allowed = {*methods, "HEAD"} if "GET" in methods else set(methods)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, fmt: str, **kwargs) -> HttpResponse:
            try:
                if request.method not in allowed:
                    raise Open311Error(
                        405,
                        _("%(method)s is not allowed here") % {"method": request.method},
                        headers={"Allow": ", ".join(sorted(allowed))},
                    )
                _check_jurisdiction(request)
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as error:
                return render_errors(error, fmt=fmt)

        return csrf_exempt(wrapped)

    return decorator


def jurisdiction_id() -> str:
    """This server answers for one council, named by its site's host."""
    return urlparse(settings.SITE_URL).hostname or ""


def _check_jurisdiction(request: HttpRequest) -> None:
    given = (request.POST if request.method == "POST" else request.GET).get("jurisdiction_id", "").strip()
    if given and given != jurisdiction_id():
        raise Open311Error(404, _("jurisdiction_id: this server answers only for %(id)s") % {"id": jurisdiction_id()})


@csrf_exempt  # as every resource here (see `endpoint`)
def not_found(request: HttpRequest) -> HttpResponse:
    """Any other address under the root, answered in the spec's format: JSON when it asks
    for .json, else XML, the format every client reads."""
    fmt = JSON if request.path.endswith(".json") else XML
    return render_errors(Open311Error(404, _("There is nothing at %(path)s") % {"path": request.path}), fmt=fmt)


@endpoint("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    root = reverse("open311:discovery", kwargs={"fmt": fmt}).removesuffix(f"discovery.{fmt}")
    data = {
        "changeset": CHANGESET,
        "contact": f"{settings.COUNCIL_NAME}, {settings.SITE_URL}",
        "key_service": _("Ask the council for an API key: its administrators issue them."),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": settings.SITE_URL + root.rstrip("/"),
                "changeset": CHANGESET,
                "type": "test" if settings.DEMO_MODE else "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return render(data, root="discovery", fmt=fmt)


@endpoint("GET")
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    items = [_service_item(service) for service in open311.open311_services()]
    return render(items, root="services", fmt=fmt)


def _service_item(service: Service) -> dict:
    category = getattr(service, "street_category", None)
    keywords = [service.keywords] if service.keywords else []
    if category is not None and category.private:
        keywords.append("private")  # the extension's word for "reports are not published"
    return {
        "service_code": service.open311_code,
        "service_name": service.name,
        "description": service.summary,
        "metadata": bool(attributes.attribute_questions(_questions(service))),
        "type": "realtime",
        "keywords": ", ".join(keywords),
        "group": service.department.name,
    }


def _questions(service: Service):
    return parse_questions(service.current_form.questions)


@endpoint("GET")
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    service = _service_or_404(code)
    data = {"service_code": service.open311_code, "attributes": attributes.definition(_questions(service))}
    return render(data, root="service_definition", fmt=fmt)


def _service_or_404(code: str) -> Service:
    if not code:
        raise Open311Error(400, _("service_code: say which service the request is for"))
    service = open311.open311_service(code)
    if service is None:
        raise Open311Error(404, _("service_code: no service has the code %(code)s") % {"code": code})
    return service


@endpoint("GET", "POST")
def request_list(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _post_request(request, fmt)
    filters = listing.read_filters(request.GET, open311.open311_services())
    cases = open311.service_requests(
        services=filters.services,
        references=filters.references,
        statuses=filters.statuses,
        start=filters.start,
        end=filters.end,
    )
    return render([listing.request_item(case) for case in cases], root="service_requests", fmt=fmt)


@endpoint("GET")
def request_detail(request: HttpRequest, fmt: str, reference: str) -> HttpResponse:
    cases = open311.service_requests(services=open311.open311_services(), references=[reference])
    if not cases:
        raise Open311Error(404, _("service_request_id: no request has the id %(id)s") % {"id": reference})
    return render([listing.request_item(cases[0])], root="service_requests", fmt=fmt)


def _post_request(request: HttpRequest, fmt: str) -> HttpResponse:
    api_key = _api_key(request)
    submission_keys = intake.submission_keys(
        api_key=api_key,
        data=request.POST,
        idempotency_key=request.headers.get("Idempotency-Key", "").strip(),
        now=timezone.now(),
    )
    case = open311.submitted_case(submission_keys)
    if case is None:
        service = _service_or_404(request.POST.get("service_code", "").strip())
        category = getattr(service, "street_category", None)
        if category is not None and category.notice_stops_report:
            raise Open311Error(400, category.notice)
        case = _submit(api_key, service, intake.read_submission(service, request.POST), submission_keys[0])
    category = getattr(case.service, "street_category", None)
    created = {
        "service_request_id": case.reference,
        "service_notice": (category.notice if category else "") or None,
        "account_id": request.POST.get("account_id", "").strip() or None,
    }
    return render([created], root="service_requests", fmt=fmt)


def _api_key(request: HttpRequest) -> ApiKey:
    """The key the request is sent with, counted against its rate; 403 unless it may post
    Open311 requests, 429 once its rate is spent."""
    secret = (request.POST.get("api_key") or request.GET.get("api_key", "")).strip()
    if not secret:
        raise Open311Error(403, _("api_key: send your API key to post a request"))
    api_key = keys.api_key_for(secret)
    if api_key is None or not api_key.allows(Scope.OPEN311):
        raise Open311Error(403, _("api_key: this key is not valid for Open311, or has been revoked"))
    if not keys.within_rate(api_key):
        raise Open311Error(
            429,
            _("Too many requests: this key may post %(n)s a minute; try again in a minute")
            % {"n": api_key.rate_per_minute},
            headers={"Retry-After": str(60 - timezone.now().second)},  # the allowance renews each minute
        )
    services.note_key_used(api_key)
    return api_key


def _submit(api_key: ApiKey, service: Service, submission: intake.Submission, submission_key) -> Case:
    try:
        return services.submit_open311_request(
            api_key=api_key,
            service=service,
            answers=submission.answers,
            requester=submission.requester,
            latitude=submission.location.latitude,
            longitude=submission.location.longitude,
            address=submission.location.address,
            submission_key=submission_key,
            device_id=submission.device_id,
            account_id=submission.account_id,
            description=submission.description,
            media_url=submission.media_url,
        )
    except ValidationError as invalid:  # answers that passed a moment ago, checked again
        raise Open311Error(400, *invalid.messages) from None
    except CaseError as error:
        raise Open311Error(400, str(error)) from None
