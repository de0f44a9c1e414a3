"""Deployment checks (`manage.py check --deploy`): a live site must take real money."""

from django.conf import settings
from django.core.checks import Error, Warning, register


@register(deploy=True)
def payment_provider_is_real(app_configs, **kwargs):
    if settings.DEMO_MODE:
        return []
    if settings.PAYMENTS_PROVIDER == "sandbox":
        return [
            Warning(
                "PAYMENTS_PROVIDER is the sandbox: residents would be told they paid and no money taken.",
                hint="Set PAYMENTS_PROVIDER=govuk_pay and GOVUK_PAY_API_KEY.",
                id="townhall.payments.W001",
            )
        ]
    if settings.PAYMENTS_PROVIDER == "govuk_pay" and not settings.GOVUK_PAY_API_KEY:
        return [Error("GOVUK_PAY_API_KEY is not set.", id="townhall.payments.E001")]
    return []
