"""Reads about accounts that pages and middleware share."""

from __future__ import annotations

from typing import TYPE_CHECKING

from allauth.mfa.models import Authenticator

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from townhall.accounts.models import User


def has_totp(user: User | AnonymousUser) -> bool:
    """The user has an active authenticator app (allauth's TOTP authenticator)."""
    if not user.is_authenticated:
        return False
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()
