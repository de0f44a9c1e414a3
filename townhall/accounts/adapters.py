"""allauth adapters: its messages in plain British English, its emails through the outbox,
where staff go once signed in, and 2-step verification rules.

Configured by ACCOUNT_ADAPTER and MFA_ADAPTER in settings.py. Error messages follow the
GOV.UK Design System: they say what went wrong and how to fix it, with no full stop.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.sites.shortcuts import get_current_site
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from townhall.accounts.permissions import STAFF_HOME, is_staff_user, requires_mfa
from townhall.notifications.services import queue_email


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "account_inactive": _("This account is not active"),
        "cannot_remove_primary_email": _("You cannot remove your main email address"),
        "duplicate_email": _("This email address is already on your account"),
        "email_password_mismatch": _("The email address or password is not correct"),
        "phone_password_mismatch": _("The phone number or password is not correct"),
        "username_password_mismatch": _("The username or password is not correct"),
        "email_taken": _("An account already uses this email address"),
        "phone_taken": _("An account already uses this phone number"),
        "enter_current_password": _("Enter your current password"),
        "incorrect_code": _("The code is not correct"),
        "incorrect_password": _("The password is not correct"),
        "invalid_or_expired_key": _("This link has expired or is not valid"),
        "invalid_login": _("Enter your email address"),
        "invalid_password_reset": _("This password reset link has expired or is not valid"),
        "max_email_addresses": _("You cannot add more than %d email addresses"),
        "too_many_login_attempts": _("There have been too many attempts to sign in. Wait a few minutes and try again"),
        "unknown_email": _("No account uses this email address"),
        "unknown_phone": _("No account uses this phone number"),
        "unverified_primary_email": _("Confirm your main email address first"),
        "select_only_one": _("Select only one"),
        "same_as_current": _("Enter a different value from the one you have now"),
        "rate_limited": _("You have made too many requests. Wait a few minutes and try again"),
    }
    reauthentication_descriptions = {
        "reauthenticate": _("Enter your password instead"),
        "mfa_reauthenticate": _("Enter a code from your authenticator app instead"),
        "mfa_reauthenticate:webauthn": _("Use a security key instead"),
    }

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Account emails (verification, password reset) go through the outbox like every
        other email: sent after commit, retried if the mail server is down, never twice."""
        request = allauth_context.request
        # The same context allauth's own send_mail gives its templates.
        context = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        message = self.render_mail(template_prefix, email, context)
        with transaction.atomic():
            queue_email(to=email, subject=message.subject, body=message.body, event=template_prefix.rsplit("/", 1)[-1])

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """Residents go to My Account, staff to the console, unless the sign-in page was
        sent a `next` page (allauth goes there first)."""
        if is_staff_user(request.user):
            return STAFF_HOME
        return super().get_login_redirect_url(request)

    def get_reauthentication_methods(self, user: AbstractBaseUser) -> list[dict[str, Any]]:
        methods = super().get_reauthentication_methods(user)
        for method in methods:
            method["description"] = self.reauthentication_descriptions.get(method["id"], method["description"])
        return methods


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "add_email_blocked": _("You cannot add an email address while 2-step verification is on"),
        "cannot_delete_authenticator": _(
            "You cannot turn off your authenticator app because your role needs 2-step verification"
        ),
        "cannot_generate_recovery_codes": _("Set up an authenticator app before you create recovery codes"),
        "incorrect_code": _("The code is not correct. Check your authenticator app and try again"),
        "unverified_email": _("Confirm your email address before you set up 2-step verification"),
    }

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Council administrators and superusers keep their authenticator app."""
        if authenticator.type == Authenticator.Type.TOTP and requires_mfa(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)
