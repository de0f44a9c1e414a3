"""Test-wide checks. The environment itself is fixed by `townhall.testing`."""

import pytest


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        raise pytest.UsageError(f"Tests run on PostgreSQL only; DATABASE_URL points at {engine}")
