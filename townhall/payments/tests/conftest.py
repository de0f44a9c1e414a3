import pytest

from townhall.payments.tests.fake_govuk_pay import FakeGovUkPay


@pytest.fixture
def fake_govuk_pay(settings):
    """A fake GOV.UK Pay on a free local port, with the settings pointed at it."""
    fake = FakeGovUkPay().start()
    settings.GOVUK_PAY_API_URL = fake.url
    settings.GOVUK_PAY_API_KEY = fake.api_key
    settings.GOVUK_PAY_WEBHOOK_SECRET = fake.webhook_secret
    try:
        yield fake
    finally:
        fake.stop()
