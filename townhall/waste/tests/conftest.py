import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_cache():
    """Bin days are cached by UPRN, and factories reuse UPRNs from test to test."""
    cache.clear()
    yield
    cache.clear()
