"""The forms of bulky waste's pages: the items, the day, where the items are left, the
resident's details and cancelling. The same forms serve residents online and staff
booking for a caller on the phone."""

import datetime as dt

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from townhall.catalogue.answering import phone_validator
from townhall.core.forms import GovUKForm
from townhall.core.money import format_pence
from townhall.waste.bulky_pricing import BulkyError, check_quantity, item_lines, max_items, price_of
from townhall.waste.models import BulkyItem

LOCATION_MAX_LENGTH = 300


def _field_name(item: BulkyItem) -> str:
    return f"item_{item.slug}"


class ItemsForm(GovUKForm):
    """How many of each item of the catalogue: at least one item in all, at most the council's
    maximum, and a number the price bands cover."""

    def __init__(self, *args, items: list[BulkyItem], initial_selection: dict[str, int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        initial_selection = initial_selection or {}
        for item in items:
            hints = [item.hint] if item.hint else []
            if item.price_pence is not None:
                hints.append(_("%(price)s each") % {"price": format_pence(item.price_pence)})
            self.fields[_field_name(item)] = forms.IntegerField(
                label=item.name,
                help_text=". ".join(str(hint) for hint in hints),
                required=False,
                min_value=0,
                max_value=max_items(),
                initial=initial_selection.get(item.slug, 0),
                widget=forms.TextInput(
                    attrs={"inputmode": "numeric", "class": "govuk-input--width-2", "spellcheck": "false"}
                ),
                error_messages={
                    "invalid": _("How many of %(item)s must be a whole number, like 2") % {"item": item.name.lower()},
                    "min_value": _("How many of %(item)s must be 0 or more") % {"item": item.name.lower()},
                    "max_value": _("You can book up to %(max)s items in one collection") % {"max": max_items()},
                },
            )
        self.lines: list[dict] = []

    def selection(self) -> dict[str, int]:
        return {
            item.slug: self.cleaned_data.get(_field_name(item)) or 0
            for item in self.items
            if self.cleaned_data.get(_field_name(item))
        }

    def clean(self):
        cleaned = super().clean()
        if self.errors or not self.items:
            return cleaned
        try:
            lines = item_lines(self.selection(), self.items)
            check_quantity(lines)
            price_of(lines)
        except BulkyError as error:
            self.add_error(_field_name(self.items[0]), error.message)
        else:
            self.lines = lines
        return cleaned


class DayForm(GovUKForm):
    """One of the days with room, as radios."""

    label_is_heading = True

    day = forms.ChoiceField(
        label=_("Choose a collection day"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a collection day"),
            "invalid_choice": _("That day is no longer available, choose another"),
        },
    )

    def __init__(self, *args, days: list[dt.date], help_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].choices = [(day.isoformat(), date_format(day, "l j F Y")) for day in days]
        self.fields["day"].help_text = help_text

    def clean_day(self) -> dt.date:
        return dt.date.fromisoformat(self.cleaned_data["day"])


class LocationForm(GovUKForm):
    label_is_heading = True

    location = forms.CharField(
        label=_("Where will you leave the items?"),
        help_text=_(
            "Somewhere the crew can reach from the road without coming into your home, for example "
            "in the front garden by the gate. Do not block the pavement."
        ),
        max_length=LOCATION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Enter where you will leave the items"),
            "max_length": _("Where you will leave the items must be %(limit_value)s characters or fewer"),
        },
    )

    def clean_location(self) -> str:
        return self.cleaned_data["location"].strip()


class DetailsForm(GovUKForm):
    """The resident's, or the caller's, contact details. Online an email address is needed
    for the confirmation and the reminder; a caller without one gives a phone number."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
        error_messages={"required": _("Enter the full name")},
    )
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("We send the confirmation and a reminder the day before to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": _("Enter an email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.com"),
        },
    )
    phone = forms.CharField(
        label=_("Phone number (optional)"),
        help_text=_("In case the crew cannot find the items."),
        required=False,
        max_length=30,
        validators=[phone_validator],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "class": "govuk-input--width-20"}),
    )

    def __init__(self, *args, assisted: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.assisted = assisted
        if assisted:
            self.fields["email"].required = False
            self.fields["email"].label = _("Email address (optional)")
            self.fields["phone"].label = _("Phone number")
            self.fields["phone"].help_text = _("Needed when the caller has no email address.")

    def clean_email(self) -> str:
        return (self.cleaned_data.get("email") or "").strip().lower()

    def clean(self):
        cleaned = super().clean()
        if self.assisted and not self.errors and not cleaned.get("email") and not cleaned.get("phone"):
            self.add_error("phone", _("Enter a phone number or an email address"))
        return cleaned


class CancelForm(GovUKForm):
    """Staff who may cancel after the cut-off say why (the council cannot collect, say)."""

    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("The reason must be %(limit_value)s characters or fewer")},
    )
    override_cutoff = forms.BooleanField(
        label=_("The council is cancelling it after the cut-off (the resident gets their money back)"),
        required=False,
    )

    def __init__(self, *args, staff: bool = False, may_override: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not staff:
            del self.fields["reason"]
        if not may_override:
            del self.fields["override_cutoff"]
