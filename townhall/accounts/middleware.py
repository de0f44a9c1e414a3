"""Makes 2-step verification compulsory for the people who can change the most."""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from townhall.accounts.permissions import STAFF_HOME, requires_mfa
from townhall.accounts.selectors import has_totp

PROTECTED_PREFIXES = (STAFF_HOME, "/admin/")


class MFARequiredMiddleware:
    """Sends council administrators and superusers without an authenticator app to set one up.

    Only the staff console and the Django admin are guarded; the sign-in and 2-step
    verification pages themselves (allauth's) and static files always pass, so the way
    out of the redirect is never blocked. Goes after allauth's AccountMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if _is_protected(request.path_info) and requires_mfa(request.user) and not has_totp(request.user):
            return _send_to_totp_setup(request)
        return self.get_response(request)


def _is_protected(path: str) -> bool:
    if not path.startswith(PROTECTED_PREFIXES):
        return False
    return not path.startswith((settings.STATIC_URL, _allauth_root()))


def _allauth_root() -> str:
    """Where allauth's pages are mounted, e.g. `/account/auth/`."""
    return posixpath.commonpath([reverse("account_login"), reverse("mfa_index")]).rstrip("/") + "/"


def _send_to_totp_setup(request: HttpRequest) -> HttpResponseBase:
    setup_url = reverse("mfa_activate_totp")
    messages.warning(request, _("You need to set up 2-step verification before you can use the staff pages."))
    return HttpResponseRedirect(setup_url)
