from django import forms
from django.utils.translation import gettext_lazy as _

from townhall.catalogue.answering import phone_validator
from townhall.core.forms import GovUKDateField, GovUKForm
from townhall.customers.models import AlertKind, Customer, CustomerKind
from townhall.gazetteer.models import Property, normalise_postcode
from townhall.gazetteer.selectors import properties_at_postcode

# The submit button that looks addresses up instead of saving.
FIND_ADDRESS = "find_address"


class CustomerForm(GovUKForm):
    """A customer's details. The address is chosen from the gazetteer at the postcode given,
    found by a second button so that it works without JavaScript."""

    kind = forms.ChoiceField(
        label=_("Person or organisation"), choices=CustomerKind.choices, widget=forms.RadioSelect, initial="person"
    )
    name = forms.CharField(label=_("Full name"), max_length=200, help_text=_("Or the organisation's name"))
    email = forms.EmailField(label=_("Email address"), required=False)
    phone = forms.CharField(label=_("Phone number"), max_length=30, required=False, validators=[phone_validator])
    date_of_birth = GovUKDateField(label=_("Date of birth"), required=False, help_text=_("For example, 27 3 1980"))
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=8,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    address = forms.ChoiceField(label=_("Address"), required=False)
    address_text = forms.CharField(
        label=_("Address outside the borough"),
        max_length=300,
        required=False,
        help_text=_("Only when the address is not in the list"),
    )

    def __init__(self, *args, customer: Customer | None = None, **kwargs):
        if customer is not None:
            kwargs["initial"] = {
                "kind": customer.kind,
                "name": customer.name,
                "email": customer.email,
                "phone": customer.phone,
                "date_of_birth": customer.date_of_birth,
                "postcode": customer.postcode,
                "address": str(customer.address.uprn) if customer.address else "",
                "address_text": customer.address_text,
                **kwargs.get("initial", {}),
            }
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = _("Enter the customer's name")
        postcode = self.data.get(self.add_prefix("postcode")) if self.is_bound else self.initial.get("postcode")
        self.places = {str(p.uprn): p for p in properties_at_postcode(postcode or "")}
        self.fields["address"].choices = [("", _("Not in the list") if self.places else _("Find the address first"))]
        self.fields["address"].choices += [(uprn, p.single_line) for uprn, p in self.places.items()]

    def clean_postcode(self) -> str:
        return normalise_postcode(self.cleaned_data["postcode"])

    def clean_address(self) -> Property | None:
        return self.places.get(self.cleaned_data["address"])

    def changes(self) -> dict:
        """The cleaned details as `create_customer` and `update_customer` take them."""
        data = dict(self.cleaned_data)
        if data["address"] is not None:
            data["address_text"] = ""
        return data


class AlertForm(GovUKForm):
    kind = forms.ChoiceField(label=_("Kind of alert"), choices=AlertKind.choices, widget=forms.RadioSelect)
    text = forms.CharField(
        label=_("Details (optional)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Everyone who opens this record sees it first, so keep it short and factual."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].error_messages["required"] = _("Select the kind of alert")
