"""Forms of the public waste pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from townhall.core.forms import GovUKForm
from townhall.gazetteer import selectors as gazetteer
from townhall.gazetteer.models import Property, normalise_postcode
from townhall.gazetteer.services import POSTCODE_SHAPE


class BinPostcodeForm(GovUKForm):
    """A postcode, checked against the gazetteer: its addresses are `self.addresses`."""

    postcode = forms.CharField(
        label=_("Postcode"),
        help_text=_("For example, WX1 2AB"),
        max_length=10,
        error_messages={
            "required": _("Enter a postcode"),
            "max_length": _("Enter a real postcode"),
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "postal-code", "spellcheck": "false", "class": "govuk-input--width-10"}
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.addresses: list[Property] = []

    def clean_postcode(self) -> str:
        postcode = normalise_postcode(self.cleaned_data["postcode"])
        if not POSTCODE_SHAPE.fullmatch(postcode):
            raise forms.ValidationError(_("Enter a real postcode"), code="invalid")
        self.addresses = gazetteer.properties_at_postcode(postcode)
        if not self.addresses:
            raise forms.ValidationError(
                _("We could not find any addresses in the borough with that postcode"), code="not_found"
            )
        return postcode
