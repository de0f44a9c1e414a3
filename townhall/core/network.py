"""Where a request comes from, for the audit log and per-client limits.

Behind load balancers or a reverse proxy, REMOTE_ADDR is the nearest proxy, the same for
every resident. Each proxy appends the address it received from to X-Forwarded-For, so
with TRUSTED_PROXY_COUNT proxies in front of Townhall the client is that many entries
from the right; anything further left was written by the client and is not believed.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address as the outermost trusted proxy saw it; REMOTE_ADDR when no
    proxy is trusted or the header is missing, short or malformed."""
    remote = request.META.get("REMOTE_ADDR") or None
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < trusted:
        return remote
    candidate = forwarded[-trusted]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
