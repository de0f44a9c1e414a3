"""Every error the REST API gives, as RFC 9457 problem details (`application/problem+json`).

    {"type": "about:blank", "title": "Bad Request", "status": 400, "code": "invalid",
     "detail": "…", "errors": [{"pointer": "#/answers/details", "detail": "…", "code": "required"}]}

`code` says what went wrong in a word a client can test; `errors` lists each mistake in a
request, by JSON pointer into the body sent or by query `parameter`.
"""

from http import HTTPStatus

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from townhall.cases.services import CaseError, StaleCaseError

PROBLEM_JSON = "application/problem+json"


class Conflict(exceptions.APIException):
    status_code = HTTPStatus.CONFLICT
    default_detail = gettext_lazy("The request conflicts with the record as it is now.")
    default_code = "conflict"


class InvalidQuery(exceptions.ValidationError):
    """Mistakes in the query string (filters), reported by `parameter` rather than pointer."""


def _plain_details() -> dict[type[exceptions.APIException], str]:
    # Django REST framework's own words where the request did not say enough to be told more.
    return {
        exceptions.NotAuthenticated: _("Send an API key in the Authorization header, as: Bearer <key>."),
        exceptions.NotFound: _("There is nothing here, or nothing this key may see."),
        exceptions.PermissionDenied: _("This key may not do that."),
    }


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """REST framework's handler (status, headers, rollback) with the body as a problem."""
    exc = _as_api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is None:  # a bug, not a refusal: Django's 500 handling and error reporting take it
        return None
    problem = {
        "type": "about:blank",
        "title": HTTPStatus(response.status_code).phrase,
        "status": response.status_code,
        "detail": _detail(exc),
        "code": _code(exc),
    }
    if isinstance(exc, exceptions.ValidationError):
        where = "parameter" if isinstance(exc, InvalidQuery) else "pointer"
        problem["errors"] = list(_errors(exc.detail, (), where))
    response.data = problem
    response.content_type = PROBLEM_JSON
    return response


def _as_api_exception(exc: Exception) -> Exception:
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, StaleCaseError):
        return Conflict(str(exc), code="stale_version")
    if isinstance(exc, CaseError):
        return Conflict(str(exc))
    return exc


def _detail(exc: exceptions.APIException) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return _("Some of what was sent is not right: each mistake is listed in errors.")
    if str(exc.detail) == str(exc.default_detail):
        return _plain_details().get(type(exc), str(exc.detail))
    return str(exc.detail)


def _code(exc: exceptions.APIException) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return "invalid"
    return getattr(exc.detail, "code", None) or exc.default_code


def _errors(detail, path: tuple[str, ...], where: str):
    """Each message in REST framework's nested error detail, with where it applies."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            yield from _errors(value, path if key == api_settings.NON_FIELD_ERRORS_KEY else (*path, str(key)), where)
    elif isinstance(detail, list):
        for index, item in enumerate(detail):
            yield from _errors(item, (*path, str(index)) if isinstance(item, dict | list) else path, where)
    else:
        error = {"detail": str(detail), "code": getattr(detail, "code", "invalid")}
        if where == "parameter":
            error["parameter"] = ".".join(path)
        else:
            error["pointer"] = "#" + "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in path)
        yield error
