"""The crews' forms: what they found at a street or a property, with a note and a photo."""

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from townhall.core.forms import GovUKForm
from townhall.waste.crews import NOTE_MAX_LENGTH, check_photo
from townhall.waste.models import CrewOutcome


class CrewRecordForm(GovUKForm):
    outcome = forms.ChoiceField(
        label=_("What did you find?"),
        choices=CrewOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select what you found"), "invalid_choice": _("Select what you found")},
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        help_text=_("For the office, for example what was blocking the bin. Residents do not see it."),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("The note must be %(limit_value)d characters or fewer")},
    )
    photo = forms.FileField(
        label=_("Photo (optional)"),
        help_text=_("A JPG, PNG, GIF or WEBP image."),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/*"}),
    )

    def clean_photo(self) -> UploadedFile | None:
        photo = self.cleaned_data.get("photo")
        if photo:
            check_photo(photo)
        return photo or None


class CrewApiRecordForm(CrewRecordForm):
    """The in-cab API's record: the same, for a property (`uprn`) or a whole street (`usrn`)."""

    uprn = forms.IntegerField(
        required=False,
        min_value=1,
        error_messages={"invalid": _("Enter the UPRN as a number"), "min_value": _("Enter the UPRN as a number")},
    )
    usrn = forms.IntegerField(
        required=False,
        min_value=1,
        error_messages={"invalid": _("Enter the USRN as a number"), "min_value": _("Enter the USRN as a number")},
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        if bool(cleaned.get("uprn")) == bool(cleaned.get("usrn")):
            raise forms.ValidationError(_("Give either the property's UPRN or the street's USRN"), code="place")
        return cleaned
