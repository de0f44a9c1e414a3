"""Writes for integrations: issuing and revoking API keys."""

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from townhall.accounts.permissions import is_staff_user
from townhall.core import audit
from townhall.integrations.models import ApiKey, Scope

KEY_PREFIX_LENGTH = 12
# How stale `last_used_at` may get: one write a minute per key, not one per request.
LAST_USED_PRECISION = dt.timedelta(minutes=1)


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedKey:
    api_key: ApiKey
    secret: str  # shown to the admin once, never stored


@transaction.atomic
def issue_api_key(
    *, client_name: str, scopes: list[str], by, user=None, rate_per_minute: int = 60, secret: str = ""
) -> IssuedKey:
    """A new key for `client_name`. `secret` is for the demo's published key only; real
    keys are random. A key acting for a person needs that person to be active staff."""
    unknown = set(scopes) - set(Scope.values)
    if unknown:
        raise ValueError(f"Unknown scopes: {', '.join(sorted(unknown))}")
    if user is not None and not is_staff_user(user):
        raise ValueError("A key can only act for an active member of staff.")
    secret = secret or f"th_{secrets.token_urlsafe(32)}"
    api_key = ApiKey.objects.create(
        client_name=client_name.strip(),
        prefix=secret[:KEY_PREFIX_LENGTH],
        key_hash=hash_key(secret),
        scopes=sorted(set(scopes)),
        user=user,
        rate_per_minute=rate_per_minute,
        created_by=by,
    )
    audit.record(actor=by, action="api_key.issued", target=api_key, data={"scopes": api_key.scopes})
    return IssuedKey(api_key=api_key, secret=secret)


@transaction.atomic
def revoke_api_key(*, api_key: ApiKey, by) -> bool:
    """Stop the key working at once; False (changing nothing) if it was already revoked."""
    updated = ApiKey.objects.filter(pk=api_key.pk, revoked_at=None).update(revoked_at=timezone.now(), revoked_by=by)
    if updated:
        audit.record(actor=by, action="api_key.revoked", target=api_key)
        api_key.refresh_from_db()
    return bool(updated)


def note_key_used(api_key: ApiKey) -> None:
    """Keep `last_used_at` roughly current without a write per request."""
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_PRECISION:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
