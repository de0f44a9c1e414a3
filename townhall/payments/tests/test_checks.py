from townhall.payments.checks import payment_provider_is_real


def test_a_live_site_on_the_sandbox_provider_is_warned(settings):
    settings.DEMO_MODE = False
    settings.PAYMENTS_PROVIDER = "sandbox"

    assert [problem.id for problem in payment_provider_is_real(None)] == ["townhall.payments.W001"]


def test_govuk_pay_without_a_key_is_an_error(settings):
    settings.DEMO_MODE = False
    settings.PAYMENTS_PROVIDER = "govuk_pay"
    settings.GOVUK_PAY_API_KEY = ""

    assert [problem.id for problem in payment_provider_is_real(None)] == ["townhall.payments.E001"]


def test_the_demo_may_use_the_sandbox(settings):
    settings.DEMO_MODE = True
    settings.PAYMENTS_PROVIDER = "sandbox"

    assert payment_provider_is_real(None) == []
