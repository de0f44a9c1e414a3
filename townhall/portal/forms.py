"""The public site's own forms. A service's questions are asked with `cases.question_forms`,
as they are in the staff console."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from townhall.cases.requester_fields import email_field, full_name_field, phone_field
from townhall.core.forms import GovUKForm


class DetailsForm(GovUKForm):
    full_name = full_name_field()
    email = email_field(_("We will send your reference and updates to this address"))
    phone = phone_field(_("In case we need to call you about this request"))

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class ProfileForm(GovUKForm):
    full_name = full_name_field()
    phone = phone_field()


class TrackForm(GovUKForm):
    reference = forms.CharField(
        label=_("Reference"),
        max_length=30,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
        error_messages={"required": _("Enter your reference")},
    )
    email = email_field(_("The one you gave when you made the request"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reference"].help_text = _("It is in the email we sent you, for example %(example)s") % {
            "example": f"{settings.CASE_REFERENCE_PREFIX}-7K3M-Q9TD"
        }


class ReplyForm(GovUKForm):
    text = forms.CharField(
        label=_("Send us a message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Enter your message")},
    )
