"""Writes for integrations: issuing and revoking API keys, and taking requests from Open311 clients."""

import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from townhall.accounts.permissions import is_staff_user
from townhall.cases.models import Case
from townhall.cases.services import Requester, submit_case
from townhall.catalogue.models import Channel, Service
from townhall.core import audit
from townhall.gazetteer.models import Property
from townhall.integrations.models import ApiKey, Open311Submission, Scope
from townhall.streetcare.services import submit_report

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


@transaction.atomic
def submit_open311_request(
    *,
    api_key: ApiKey,
    service: Service,
    answers: dict,
    requester: Requester,
    latitude: Decimal,
    longitude: Decimal,
    address: Property | None = None,
    submission_key: uuid.UUID,
    device_id: str = "",
    account_id: str = "",
    description: str = "",
    media_url: str = "",
) -> Case:
    """A request from an Open311 client: a case on the API channel (a street report, for a
    street category), and what the client sent beside it. The same submission key always
    gives the same case, recorded once.

    Raises django's ValidationError (per question key) when the answers do not pass, and
    CaseError when the service is not taking requests.
    """
    if hasattr(service, "street_category"):
        case = submit_report(
            service=service,
            answers=answers,
            latitude=latitude,
            longitude=longitude,
            channel=Channel.API,
            by=api_key.user,
            requester=requester,
            submission_key=submission_key,
        )
    else:
        case = submit_case(
            service=service,
            answers=answers,
            channel=Channel.API,
            by=api_key.user,
            requester=requester,
            address=address,
            latitude=latitude,
            longitude=longitude,
            submission_key=submission_key,
        )
    _submission, created = Open311Submission.objects.get_or_create(
        case=case,
        defaults={
            "api_key": api_key,
            "device_id": device_id,
            "account_id": account_id,
            "description": description,
            "media_url": media_url,
        },
    )
    if created:
        audit.record(
            actor=api_key.user,
            action="open311.request_submitted",
            target=case,
            data={"api_key": api_key.pk, "client": api_key.client_name},
        )
    return case
