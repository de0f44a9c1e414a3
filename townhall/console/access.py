"""Who may use the console: council staff only, and auditors only to read."""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404

from townhall.accounts.models import Role
from townhall.accounts.permissions import has_role, staff_required
from townhall.cases.models import Case
from townhall.cases.selectors import case_list, visible_cases

READ_ONLY_ROLES = (Role.AUDITOR,)


def console_view(*roles: Role) -> Callable:
    """A console page for staff in `roles` (any staff when none are given): anonymous
    visitors are sent to sign in, anyone else gets 403, and so does every write by a
    read-only role, whatever the page."""

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @staff_required(*roles)
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
            if request.method not in ("GET", "HEAD") and has_role(request.user, *READ_ONLY_ROLES):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def visible_case_or_404(user, reference: str) -> Case:
    """A case the user may see, with what its pages show; 404 for one they may not, so a
    restricted case does not even reveal that it exists."""
    return get_object_or_404(
        # A bulky waste collection, street report or back-office request, if the case has one,
        # shows on its page: in the same query.
        case_list(visible_cases(user)).select_related(
            "form",
            "address__street",
            "bulky_booking__booking__slot",
            "street_report__asset__layer",
            "external_request__endpoint",
            "open311_submission__api_key",
        ),
        reference=reference,
    )
