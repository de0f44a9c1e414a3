"""Who may do what: the checks every app's views, templates and APIs share.

A role (see `accounts.models.Role`) decides what a member of staff may do. Every check
takes any user, signed in or not, and answers False for anonymous and deactivated users.
Superusers get no extra powers here: their role decides, as for everyone else (the Django
admin, where `is_superuser` counts, is a separate door).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar, cast, overload

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from townhall.accounts.models import STAFF_ROLES, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from townhall.accounts.models import User

    AnyUser = User | AnonymousUser

CATALOGUE_EDITORS = frozenset({Role.COUNCIL_ADMIN})
ALERT_MANAGERS = frozenset({Role.OFFICER, Role.TEAM_MANAGER, Role.COUNCIL_ADMIN})
CASE_WORKERS = frozenset({Role.AGENT, Role.OFFICER, Role.TEAM_MANAGER, Role.COUNCIL_ADMIN})
ALL_CASE_VIEWERS = frozenset({Role.COUNCIL_ADMIN, Role.AUDITOR})
REFUNDERS = frozenset({Role.TEAM_MANAGER, Role.COUNCIL_ADMIN})
FINANCE_VIEWERS = frozenset({Role.TEAM_MANAGER, Role.COUNCIL_ADMIN, Role.AUDITOR})
MFA_REQUIRED_ROLES = frozenset({Role.COUNCIL_ADMIN})
# Where the staff console is mounted (townhall/urls.py): staff go there once signed in.
STAFF_HOME = "/staff/"


def has_role(user: AnyUser, *roles: Role | str) -> bool:
    """The user is signed in, active and holds one of `roles`."""
    return bool(user.is_authenticated and user.is_active and getattr(user, "role", None) in roles)


def is_staff_user(user: AnyUser) -> bool:
    """Council staff in any role (not Django's `is_staff`, which means "may use /admin/")."""
    return has_role(user, *STAFF_ROLES)


def can_edit_catalogue(user: AnyUser) -> bool:
    """May change services, forms, fees and routing."""
    return has_role(user, *CATALOGUE_EDITORS)


def can_manage_alerts(user: AnyUser) -> bool:
    """May publish and withdraw service alerts."""
    return has_role(user, *ALERT_MANAGERS)


def can_work_cases(user: AnyUser) -> bool:
    """May raise, update and close cases. Auditors only read."""
    return has_role(user, *CASE_WORKERS)


def can_view_all_cases(user: AnyUser) -> bool:
    """Sees every team's cases, not only their own teams'."""
    return has_role(user, *ALL_CASE_VIEWERS)


def can_refund(user: AnyUser) -> bool:
    """May give money back: a manager's decision, never the agent who took the call."""
    return has_role(user, *REFUNDERS)


def can_view_finance(user: AnyUser) -> bool:
    """Sees the income report, its export and the reconciliation list."""
    return has_role(user, *FINANCE_VIEWERS)


def requires_mfa(user: AnyUser) -> bool:
    """Must use 2-step verification (an authenticator app) to reach the staff pages."""
    if not (user.is_authenticated and user.is_active):
        return False
    return bool(user.is_superuser) or has_role(user, *MFA_REQUIRED_ROLES)


_View = TypeVar("_View", bound=Callable[..., HttpResponseBase])


@overload
def staff_required(view: _View, /) -> _View: ...


@overload
def staff_required(*roles: Role | str) -> Callable[[_View], _View]: ...


def staff_required(*roles: Any) -> Any:
    """Lets through staff in one of `roles` (any staff role when none are given).

    Anonymous visitors are sent to sign in and come back afterwards; anyone else signed
    in is refused with 403. Use as `@staff_required()`, `@staff_required` or
    `@staff_required(Role.OFFICER, Role.TEAM_MANAGER)`.
    """
    if len(roles) == 1 and callable(roles[0]):
        return _staff_required(STAFF_ROLES)(roles[0])
    allowed = frozenset(Role(role) for role in roles) or STAFF_ROLES
    if not allowed <= STAFF_ROLES:
        raise ValueError(f"staff_required takes staff roles only, not {sorted(allowed - STAFF_ROLES)}")
    return _staff_required(allowed)


def _staff_required(allowed: frozenset[Role]) -> Callable[[_View], _View]:
    def decorator(view: _View) -> _View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *allowed):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.allowed_roles = allowed  # type: ignore[attr-defined]
        return cast(_View, wrapped)

    return decorator
