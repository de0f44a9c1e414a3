"""Where a request comes from, with and without proxies in front."""

import pytest
from django.test import RequestFactory

from townhall.core import audit
from townhall.core.network import client_ip


def _request(remote: str = "10.0.0.2", forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_connection_is_the_client_whatever_the_header_says(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_ip(_request(forwarded="203.0.113.9")) == "10.0.0.2"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "192.0.2.66, 203.0.113.9", "203.0.113.9"),  # the client's own entry is not believed
        (2, "192.0.2.66, 203.0.113.9, 10.0.0.1", "203.0.113.9"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_with_trusted_proxies_the_client_is_that_many_entries_from_the_right(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies

    assert client_ip(_request(forwarded=forwarded)) == expected


@pytest.mark.parametrize("forwarded", [None, "", "not-an-address", "203.0.113.9"])
def test_a_missing_short_or_malformed_header_falls_back_to_the_connection(settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 2 if forwarded == "203.0.113.9" else 1

    assert client_ip(_request(forwarded=forwarded)) == "10.0.0.2"


def test_the_audit_log_records_the_client_behind_the_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    seen = []

    def view_records(request):
        seen.append(audit.current_ip.get())

    middleware = audit.AuditContextMiddleware(view_records)
    middleware(_request(forwarded="192.0.2.66, 203.0.113.9"))

    assert seen == ["203.0.113.9"]
