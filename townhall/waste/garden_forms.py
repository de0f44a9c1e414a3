"""Forms of the garden waste pages: the same for residents and for staff taking a call,
who also say who the caller is."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from townhall.catalogue.answering import phone_validator
from townhall.core.forms import GovUKForm
from townhall.core.money import format_pence
from townhall.customers.models import Customer
from townhall.waste.garden import rules

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _bins_choices(*, leave_out: int | None = None) -> list[tuple[str, str]]:
    choices = []
    for bins in range(1, settings.WASTE_GARDEN_MAX_BINS + 1):
        if bins == leave_out:
            continue
        amount = format_pence(rules.price(bins=bins, concession=False).amount)
        label = _("1 bin (%(amount)s a year)") if bins == 1 else _("%(bins)s bins (%(amount)s a year)")
        choices.append((str(bins), label % {"bins": bins, "amount": amount}))
    return choices


class SubscribeForm(GovUKForm):
    """How many bins, and the concession. Staff taking a call also give the caller's
    details, unless they came with the caller's customer record."""

    bins = forms.TypedChoiceField(
        label=_("How many garden waste bins do you want?"),
        help_text=_("Each bin holds about 240 litres. The price is for a year."),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select how many bins you want")},
    )
    concession = forms.ChoiceField(
        label=_("Do you get Council Tax Support?"),
        help_text=_("If you do, you pay half. We may check."),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select yes if you get Council Tax Support")},
    )
    caller_name = forms.CharField(
        label=_("Caller's full name"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    caller_email = forms.EmailField(
        label=_("Caller's email address"),
        help_text=_("For the receipt and the renewal reminders."),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    caller_phone = forms.CharField(
        label=_("Caller's phone number"),
        required=False,
        validators=[phone_validator],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off", "class": "govuk-input--width-20"}),
    )

    def __init__(self, *args, on_behalf: bool = False, caller: Customer | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bins"].choices = _bins_choices()
        self.asks_caller = on_behalf and caller is None
        if not self.asks_caller:
            for name in ("caller_name", "caller_email", "caller_phone"):
                del self.fields[name]

    def clean(self) -> dict:
        data = super().clean()
        if self.asks_caller:
            if not (data.get("caller_name") or "").strip() and "caller_name" not in self.errors:
                self.add_error("caller_name", _("Enter the caller's full name"))
            if not data.get("caller_email") and not data.get("caller_phone") and "caller_email" not in self.errors:
                self.add_error("caller_email", _("Enter the caller's email address or phone number"))
        return data


class ChangeBinsForm(GovUKForm):
    bins = forms.TypedChoiceField(
        label=_("How many garden waste bins do you want from now on?"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select how many bins you want")},
    )

    def __init__(self, *args, current: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bins"].choices = _bins_choices(leave_out=current)
        self.fields["bins"].help_text = _("You have %(bins)s now.") % {
            "bins": _("1 bin") if current == 1 else _("%(n)s bins") % {"n": current}
        }
