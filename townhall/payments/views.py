"""The provider-facing edges of payments: where payers come back, where webhooks arrive,
and the sandbox provider's own payment page. What the payer sees next belongs to the
page that started the payment (`Payment.after_url`)."""

import logging

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from townhall.payments import providers, services
from townhall.payments.models import Payment, SandboxPayment
from townhall.payments.providers.sandbox import OUTCOMES, SandboxProvider

OUTCOME_CHOICES = [
    ("success", _("The payment succeeds")),
    ("decline", _("The card is declined")),
    ("cancel", _("The payer cancels")),
    ("error", _("The card provider has an error")),
    ("timeout", _("The payer takes too long (the payment expires)")),
]

logger = logging.getLogger(__name__)


def payment_return(request: HttpRequest, token: str) -> HttpResponse:
    """The payer is back from the provider: ask the provider what happened (never trust the
    return itself), record it, and go on to the page that started the payment."""
    payment = get_object_or_404(Payment, return_token=token)
    try:
        services.refresh_payment(payment, by=request.user)
    except services.PaymentUnavailable as error:
        # Not lost: the scheduled check records the result when the provider answers.
        logger.warning("Provider unavailable on return for payment %s", payment.public_id)
        return render(request, "payments/checking.html", {"payment": payment, "message": str(error)}, status=503)
    return redirect(payment.after_url)


@csrf_exempt
@require_POST
def webhook(request: HttpRequest, provider_name: str) -> HttpResponse:
    if provider_name not in settings.PAYMENTS_PROVIDERS:
        raise Http404
    try:
        services.handle_webhook(provider_name=provider_name, body=request.body, headers=request.headers)
    except providers.ProviderRefused:
        return HttpResponse("Signature does not verify", status=401, content_type="text/plain")
    except services.PaymentUnavailable:
        # The provider retries its webhooks; our scheduled check is the safety net too.
        return HttpResponse("Try again later", status=503, content_type="text/plain")
    return HttpResponse(status=204)


def sandbox_page(request: HttpRequest, token: str) -> HttpResponse:
    """The sandbox provider's payment page. It takes no card details: the tester says what
    the card provider would have done."""
    get_object_or_404(SandboxPayment, token=token)
    record = SandboxProvider().open_page(token)
    if request.method == "POST":
        outcome = request.POST.get("outcome", "")
        if outcome not in OUTCOMES:
            context = {"record": record, "error": True, "outcome_choices": OUTCOME_CHOICES}
            return render(request, "payments/sandbox.html", context, status=400)
        return redirect(SandboxProvider().complete(token, outcome))
    return render(request, "payments/sandbox.html", {"record": record, "outcome_choices": OUTCOME_CHOICES})
