import pytest

from townhall.bookings.tests.factories import bulky_calendar


@pytest.fixture
def bulky():
    """Bulky waste collections: areas N1 and S1, 20 places on Tuesdays and Thursdays."""
    return bulky_calendar()


@pytest.fixture(autouse=True)
def fresh_holidays():
    """Council closure days are cached between requests; each test starts from its own."""
    from townhall.core.calendar import forget_cached_holidays

    forget_cached_holidays()
    yield
    forget_cached_holidays()
