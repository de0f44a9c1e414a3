"""The fields that ask who is making a request, the same on every form that asks it: the
portal's details page, and the module journeys (street reports, missed bins, containers)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from townhall.catalogue.answering import phone_validator


def full_name_field() -> forms.CharField:
    return forms.CharField(
        label=_("Full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
        error_messages={"required": _("Enter your full name")},
    )


def email_field(help_text: str) -> forms.EmailField:
    return forms.EmailField(
        label=_("Email address"),
        help_text=help_text,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": _("Enter your email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.com"),
        },
    )


def phone_field(help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=_("Phone number (optional)"),
        help_text=help_text,
        required=False,
        validators=[phone_validator],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "class": "govuk-input--width-20"}),
    )
