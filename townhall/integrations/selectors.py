"""Reads for integrations: which key a client presented, and whether it is within its rate."""

import hmac

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

from townhall.integrations.models import ApiKey
from townhall.integrations.services import KEY_PREFIX_LENGTH, hash_key


def api_key_for(secret: str) -> ApiKey | None:
    """The active key matching `secret`, or None. A key acting for a person stops working
    when that person is deactivated."""
    if len(secret) <= KEY_PREFIX_LENGTH:
        return None
    api_key = ApiKey.objects.select_related("user").filter(prefix=secret[:KEY_PREFIX_LENGTH]).first()
    if api_key is None or not hmac.compare_digest(api_key.key_hash, hash_key(secret)):
        return None
    if not api_key.is_active or (api_key.user is not None and not api_key.user.is_active):
        return None
    return api_key


def within_rate(api_key: ApiKey) -> bool:
    """Count this request against the key's per-minute allowance (a fixed window in the
    shared cache, so every web process counts together); False once it is spent."""
    window = timezone.now().strftime("%Y%m%d%H%M")
    counter = f"api-rate:{api_key.pk}:{window}"
    cache.add(counter, 0, timeout=120)
    try:
        used = cache.incr(counter)
    except ValueError:  # evicted between add and incr: count this one as the first
        cache.set(counter, 1, timeout=120)
        used = 1
    return used <= api_key.rate_per_minute


def api_keys() -> QuerySet[ApiKey]:
    return ApiKey.objects.select_related("user", "created_by", "revoked_by")
