"""The public site's forms. A service's own questions come from `catalogue.answering`."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from townhall.catalogue.answering import answer_field, phone_validator
from townhall.catalogue.questions import Question
from townhall.core.forms import GovUKForm
from townhall.core.uploads import allowed_types_text
from townhall.gazetteer import selectors as gazetteer
from townhall.gazetteer.models import normalise_postcode
from townhall.portal import selectors

# More choices than this read better as a drop-down than as radios.
MAX_RADIOS = 12


class AnswerForm(GovUKForm):
    """One plain question of a service's form, asked as the page's heading."""

    label_is_heading = True

    def __init__(self, question: Question, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"] = answer_field(question)

    def is_blank(self) -> bool:
        return not any(
            value.strip() for name in self.data if name.startswith("answer") for value in self.data.getlist(name)
        )


class FindAddressForm(GovUKForm):
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "class": "govuk-input--width-10"}),
    )

    def __init__(self, *args, required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["postcode"].required = required
        self.fields["postcode"].error_messages["required"] = _("Enter a postcode")
        self.results: list = []

    def clean_postcode(self) -> str:
        postcode = normalise_postcode(self.cleaned_data["postcode"])
        if postcode:
            self.results = gazetteer.properties_at_postcode(postcode)
            if not self.results:
                raise forms.ValidationError(_("We could not find any addresses in the borough with that postcode"))
        return postcode


class ChooseAddressForm(GovUKForm):
    def __init__(self, properties: list, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.by_uprn = {str(place.uprn): place for place in properties}
        choices = [(uprn, place.single_line) for uprn, place in self.by_uprn.items()]
        many = len(choices) > MAX_RADIOS
        self.fields["address"] = forms.ChoiceField(
            label=_("%(n)s addresses found") % {"n": len(choices)} if many else _("Select the address"),
            choices=[("", _("Select the address")), *choices] if many else choices,
            widget=forms.Select if many else forms.RadioSelect,
            error_messages={"required": _("Select the address")},
        )

    @property
    def chosen(self):
        return self.by_uprn[self.cleaned_data["address"]]


class FindPlaceForm(GovUKForm):
    place = forms.CharField(
        label=_("Street name or postcode"),
        help_text=_("For example, High Street or WX1 2AB"),
        max_length=100,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
    )

    def __init__(self, *args, required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].required = required
        self.fields["place"].error_messages["required"] = _("Enter a street name or postcode")
        self.results: list = []

    def clean_place(self) -> str:
        text = self.cleaned_data["place"].strip()
        if text:
            self.results = selectors.places_matching(text)
            if not self.results:
                raise forms.ValidationError(
                    _("We could not find a street or address in the borough matching that; check the spelling")
                )
        return text


class ChoosePlaceForm(GovUKForm):
    description = forms.CharField(
        label=_("Describe exactly where it is (optional)"),
        help_text=_("For example, outside number 12, next to the bus stop"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, places: list, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.by_value = {place.value: place for place in places}
        choices = [(place.value, place.text) for place in places]
        many = len(choices) > MAX_RADIOS
        self.fields["place"] = forms.ChoiceField(
            label=_("Select the street or address nearest to it"),
            choices=[("", _("Select a street or address")), *choices] if many else choices,
            widget=forms.Select if many else forms.RadioSelect,
            error_messages={"required": _("Select the street or address nearest to it")},
        )
        self.order_fields(["place", "description"])

    @property
    def chosen(self):
        return self.by_value[self.cleaned_data["place"]]


class UploadForm(GovUKForm):
    upload = forms.FileField(
        label=_("Upload a file"),
        required=False,
        error_messages={"empty": _("The selected file is empty"), "invalid": _("The selected file could not be read")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["upload"].help_text = _("%(types)s, smaller than %(size)s") % {
            "types": allowed_types_text(),
            "size": filesizeformat(settings.FILE_UPLOAD_MAX_BYTES),
        }


def _full_name_field() -> forms.CharField:
    return forms.CharField(
        label=_("Full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
        error_messages={"required": _("Enter your full name")},
    )


def _email_field(help_text: str) -> forms.EmailField:
    return forms.EmailField(
        label=_("Email address"),
        help_text=help_text,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": _("Enter your email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.com"),
        },
    )


def _phone_field(help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=_("Phone number (optional)"),
        help_text=help_text,
        required=False,
        validators=[phone_validator],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "class": "govuk-input--width-20"}),
    )


class DetailsForm(GovUKForm):
    full_name = _full_name_field()
    email = _email_field(_("We will send your reference and updates to this address"))
    phone = _phone_field(_("In case we need to call you about this request"))

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class ProfileForm(GovUKForm):
    full_name = _full_name_field()
    phone = _phone_field()


class TrackForm(GovUKForm):
    reference = forms.CharField(
        label=_("Reference"),
        max_length=30,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
        error_messages={"required": _("Enter your reference")},
    )
    email = _email_field(_("The one you gave when you made the request"))

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
