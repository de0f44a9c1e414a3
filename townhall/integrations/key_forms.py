"""The form council administrators issue an API key with."""

from django import forms
from django.utils.translation import gettext_lazy as _

from townhall.accounts.models import STAFF_ROLES, User
from townhall.core.forms import GovUKForm
from townhall.integrations.models import Scope

MAX_RATE = 10_000


class IssueKeyForm(GovUKForm):
    client_name = forms.CharField(
        label=_("Client name"),
        help_text=_("Who will use the key, for example “Street reporting app” or “Highways asset system”."),
        max_length=120,
        error_messages={
            "required": _("Enter the client name"),
            "max_length": _("Client name must be 120 characters or fewer"),
        },
    )
    scopes = forms.MultipleChoiceField(
        label=_("What the key may do"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Select what the key may do"),
            "invalid_choice": _("Select what the key may do from the list"),
        },
    )
    user = forms.ModelChoiceField(
        label=_("Member of staff it acts for (optional)"),
        help_text=_(
            "Needed for everything but Open311. The key can then do only what this person’s role allows, "
            "and stops working if they leave."
        ),
        queryset=User.objects.filter(is_active=True, role__in=STAFF_ROLES).order_by("full_name", "email"),
        required=False,
        empty_label=_("Nobody: an Open311 client"),
        error_messages={"invalid_choice": _("Select a member of staff from the list")},
    )
    rate_per_minute = forms.IntegerField(
        label=_("Requests a minute"),
        help_text=_("Requests past this number in a minute are refused until the next minute."),
        initial=60,
        min_value=1,
        max_value=MAX_RATE,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-5"}),
        error_messages={
            "required": _("Enter the number of requests a minute"),
            "invalid": _("Requests a minute must be a whole number, like 60"),
            "min_value": _("Requests a minute must be 1 or more"),
            "max_value": _("Requests a minute must be 10,000 or fewer"),
        },
    )

    def clean(self):
        cleaned = super().clean()
        scopes = set(cleaned.get("scopes") or [])
        if scopes - {Scope.OPEN311} and not cleaned.get("user") and not self.has_error("user"):
            self.add_error(
                "user",
                _("Select the member of staff the key acts for: only Open311 keys can act for nobody"),
            )
        return cleaned
