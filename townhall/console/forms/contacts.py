from django import forms
from django.utils.translation import gettext_lazy as _

from townhall.catalogue.answering import phone_validator
from townhall.catalogue.models import Channel, Service
from townhall.core.forms import GovUKDateField, GovUKForm
from townhall.customers.models import Direction, Outcome

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _yes_no(label: str, required_message: str, **kwargs) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": required_message},
        **kwargs,
    )


class ContactStartForm(GovUKForm):
    channel = forms.ChoiceField(
        label=_("How is the customer in touch?"),
        choices=[(Channel.PHONE, Channel.PHONE.label), (Channel.FACE_TO_FACE, Channel.FACE_TO_FACE.label)],
        widget=forms.RadioSelect,
        initial=Channel.PHONE,
        error_messages={"required": _("Select how the customer is in touch")},
    )
    phone = forms.CharField(
        label=_("Number they are calling from (optional)"),
        max_length=30,
        required=False,
        validators=[phone_validator],
        widget=forms.TextInput(attrs={"type": "tel", "class": "govuk-input--width-20"}),
    )


class VerifyForm(GovUKForm):
    """Security questions: two of the three must match the record."""

    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=8,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "off"}),
    )
    date_of_birth = GovUKDateField(label=_("Date of birth"), required=False, help_text=_("For example, 27 3 1980"))
    email = forms.EmailField(label=_("Email address"), required=False)

    def clean(self):
        data = super().clean()
        given = [name for name in ("postcode", "date_of_birth", "email") if data.get(name)]
        if len(given) < 2 and not self.errors:
            raise forms.ValidationError(_("Ask the caller for at least two of their postcode, date of birth and email"))
        return data


class ChooseServiceForm(GovUKForm):
    # More than this and the agent is asked to search instead of reading a long list.
    MAX_CHOICES = 40
    service = forms.ChoiceField(
        label=_("Which request are you raising?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the request to raise")},
    )

    def __init__(self, *args, services: list[Service], **kwargs):
        super().__init__(*args, **kwargs)
        self.services = {str(s.pk): s for s in services}
        self.fields["service"].choices = [(pk, s.name) for pk, s in self.services.items()]

    def clean_service(self) -> Service:
        return self.services[self.cleaned_data["service"]]


class EndContactForm(GovUKForm):
    reason = forms.CharField(
        label=_("Reason for the contact"), max_length=200, error_messages={"required": _("Enter the reason")}
    )
    service = forms.ModelChoiceField(
        label=_("Service it was about (optional)"),
        queryset=Service.objects.only("id", "name"),
        required=False,
        empty_label=_("None"),
    )
    direction = forms.ChoiceField(
        label=_("Who started it?"), choices=Direction.choices, widget=forms.RadioSelect, initial=Direction.INBOUND
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the outcome")},
    )
    resolved_first_contact = _yes_no(
        _("Resolved at first contact?"), _("Select yes if the customer needs nothing more from this contact")
    )
    avoidable = _yes_no(
        _("Was the contact avoidable?"),
        _("Select yes if the contact was avoidable"),
        help_text=_("For example chasing progress, or because something was not done right first time"),
    )
    notes = forms.CharField(
        label=_("Notes (optional)"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False
    )
