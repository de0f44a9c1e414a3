"""Forms for following a report and for alerts of new reports in an area."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from townhall.core.forms import GovUKForm
from townhall.gazetteer.models import Ward, normalise_postcode
from townhall.gazetteer.selectors import properties_at_postcode

DISTANCES = [
    (250, _("250 metres")),
    (500, _("500 metres")),
    (1000, _("1 kilometre")),
    (2000, _("2 kilometres")),
]


def _email_field(help_text: str) -> forms.EmailField:
    return forms.EmailField(
        label=_("Email address"),
        help_text=help_text,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": _("Enter your email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.com"),
            "max_length": _("Email address must be 254 characters or fewer"),
        },
    )


class _EmailForm(GovUKForm):
    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class FollowForm(_EmailForm):
    """A report's "get updates", for someone not signed in: we email them a link to confirm."""

    email = _email_field(_("We will send you a link to confirm. We never show your email address."))


class WardAlertForm(_EmailForm):
    ward = forms.ModelChoiceField(
        label=_("Ward"),
        queryset=Ward.objects.only("id", "code", "name"),
        to_field_name="code",
        empty_label=_("Choose a ward"),
        error_messages={"required": _("Choose a ward"), "invalid_choice": _("Choose a ward from the list")},
    )
    email = _email_field(_("We will send you a link to confirm, then a daily email when there are new reports."))


class NearbyAlertForm(_EmailForm):
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "class": "govuk-input--width-10"}),
        error_messages={
            "required": _("Enter a postcode"),
            "max_length": _("Enter a real postcode, like WX1 2AB"),
        },
    )
    distance = forms.TypedChoiceField(
        label=_("How far from the postcode"),
        choices=DISTANCES,
        coerce=int,
        initial=500,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how far from the postcode"), "invalid_choice": _("Choose a distance")},
    )
    email = _email_field(_("We will send you a link to confirm, then a daily email when there are new reports."))

    def clean_postcode(self) -> str:
        postcode = normalise_postcode(self.cleaned_data["postcode"])
        places = properties_at_postcode(postcode)
        if not places:
            raise forms.ValidationError(
                _("We cannot find %(postcode)s in %(council)s. Check the postcode, or choose a ward instead")
                % {"postcode": postcode, "council": settings.COUNCIL_NAME}
            )
        # A postcode has no point of its own in the gazetteer: the middle of its addresses.
        self.centre = (
            _mean([place.latitude for place in places]),
            _mean([place.longitude for place in places]),
        )
        return postcode


def _mean(values: list[Decimal]) -> Decimal:
    return (sum(values) / len(values)).quantize(Decimal("0.000001"))
