"""Forms of the case page's payments panel: money taken at the counter, and refunds."""

from django import forms
from django.utils.translation import gettext_lazy as _

from townhall.core.forms import GovUKForm
from townhall.core.money import format_pence, parse_pounds
from townhall.payments.models import COUNTER_METHODS, Method, Payment


class CounterPaymentForm(GovUKForm):
    prefix = "counter"
    method = forms.ChoiceField(
        label=_("How was it paid?"),
        choices=[(method.value, method.label) for method in Method if method in COUNTER_METHODS],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the payment was made")},
    )
    receipt_number = forms.CharField(
        label=_("Till or card terminal receipt number"),
        help_text=_("Optional. Helps finance match the takings."),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )


class RefundForm(GovUKForm):
    amount = forms.CharField(
        label=_("Amount to refund"),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "decimal", "spellcheck": "false"}),
        error_messages={"required": _("Enter the amount to refund")},
    )
    reason = forms.CharField(
        label=_("Reason for the refund"),
        help_text=_("Kept on the case for staff and auditors; the resident is told the amount."),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Enter the reason for the refund")},
    )

    def __init__(self, *args, payment: Payment, **kwargs):
        kwargs.setdefault("prefix", f"refund-{payment.public_id.hex[:8]}")
        kwargs.setdefault("initial", {"amount": format_pence(payment.refundable_amount).lstrip("£")})
        super().__init__(*args, **kwargs)
        self.payment = payment
        self.fields["amount"].help_text = _("In pounds, at most %(most)s.") % {
            "most": format_pence(payment.refundable_amount)
        }

    def clean_amount(self) -> int:
        # Whether the amount is allowed is the refund service's decision (what is left, the rules).
        try:
            amount = parse_pounds(self.cleaned_data["amount"])
        except ValueError:
            raise forms.ValidationError(_("Enter the amount in pounds, for example 12.50")) from None
        return amount


class CancelUnpaidForm(GovUKForm):
    prefix = "cancel"
    reason = forms.CharField(
        label=_("Why is the request being cancelled?"),
        help_text=_("The requester is told the request was closed because it was not paid for."),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Enter why the request is being cancelled")},
    )
