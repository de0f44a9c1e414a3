"""What a key may do: what its scopes allow, and never more than the member of staff it
acts for may do in the console. Which records they see is the selectors' part (a case
of a restricted service outside their teams is not found)."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission

from townhall.accounts.permissions import can_work_cases, is_staff_user, requires_mfa
from townhall.accounts.selectors import has_totp


class KeyScopeAndRole(BasePermission):
    """Reads need the view's `read_scope`, writes its `write_scope`, and writes a role that
    may change things: as in the console, auditors only read."""

    def has_permission(self, request, view) -> bool:
        if not hasattr(view, request.method.lower()):
            return True  # a method the endpoint does not have: the view answers 405
        api_key = request.auth
        if api_key is None:
            return False  # no key: REST framework answers 401 with how to send one
        user = request.user
        if api_key.user_id is None:
            raise PermissionDenied(
                _("This key is for Open311 only. The REST API needs a key that acts for a member of staff."),
                code="open311_key",
            )
        if not is_staff_user(user):
            raise PermissionDenied(_("The person this key acts for is no longer council staff."), code="not_staff")
        if requires_mfa(user) and not has_totp(user):
            raise PermissionDenied(
                _("The person this key acts for must set up 2-step verification before the key can be used."),
                code="mfa_required",
            )
        writing = request.method not in SAFE_METHODS
        scope = view.write_scope if writing else view.read_scope
        if scope is None or not api_key.allows(scope):
            raise PermissionDenied(
                _("This key does not have the “%(scope)s” scope needed for this.") % {"scope": scope},
                code="missing_scope",
            )
        if writing and not can_work_cases(user):
            raise PermissionDenied(_("The person this key acts for may only read."), code="read_only_role")
        return True
