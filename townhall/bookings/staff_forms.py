"""Forms of the bookings staff pages: a day's places, and the usual week of an area."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from townhall.bookings.models import WEEKDAYS, ZONE_MAX_LENGTH
from townhall.core.forms import GovUKForm

MAX_PLACES = 9999
_WEEKDAY_LABELS = [
    _("Places on Mondays"),
    _("Places on Tuesdays"),
    _("Places on Wednesdays"),
    _("Places on Thursdays"),
    _("Places on Fridays"),
    _("Places on Saturdays"),
    _("Places on Sundays"),
]
_ZONE = re.compile(r"^[\w.-]+( [\w.-]+)*$")


def _places_field(label, *, help_text=""):
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        min_value=0,
        max_value=MAX_PLACES,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4", "spellcheck": "false"}),
        error_messages={
            "required": _("Enter the number of places"),
            "invalid": _("Places must be a whole number, like 20"),
            "min_value": _("Places must be 0 or more"),
            "max_value": _("Places must be %(limit_value)s or fewer"),
        },
    )


class DayCapacityForm(GovUKForm):
    places = _places_field(_("Places"), help_text=_("How many places can be booked that day."))
    closed = forms.BooleanField(label=_("Close this day to new bookings"), required=False)
    note = forms.CharField(
        label=_("Reason (optional)"),
        help_text=_("Staff see it beside the day. For example, Crew at training, or Extra crew."),
        required=False,
        max_length=200,
        error_messages={"max_length": _("Reason must be 200 characters or fewer")},
    )

    def __init__(self, *args, used: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.used = used

    def clean_places(self):
        places = self.cleaned_data["places"]
        if places < self.used:
            raise forms.ValidationError(
                _("Places must be %(used)s or more, as %(used)s are already booked") % {"used": self.used},
                code="below_used",
            )
        return places


class UsualWeekForm(GovUKForm):
    """Places per weekday for an area; `zone` is asked only when adding an area."""

    zone = forms.CharField(
        label=_("Area"),
        help_text=_("The area's code as the service knows it: for bulky waste, the round area. For example, N1."),
        max_length=ZONE_MAX_LENGTH,
        error_messages={
            "required": _("Enter the area's code"),
            "max_length": _("The area's code must be %(limit_value)s characters or fewer"),
        },
    )

    def __init__(self, *args, existing_zones: list[str] | None = None, new_zone: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.existing_zones = set(existing_zones or [])
        if not new_zone:
            del self.fields["zone"]
        for number, _name in WEEKDAYS:
            self.fields[f"day_{number}"] = _places_field(_WEEKDAY_LABELS[number])
            self.fields[f"day_{number}"].initial = 0

    def clean_zone(self):
        zone = self.cleaned_data["zone"].strip()
        if not _ZONE.match(zone):
            raise forms.ValidationError(
                _("The area's code can only use letters, numbers, spaces, full stops, hyphens and underscores"),
                code="invalid",
            )
        if zone in self.existing_zones:
            raise forms.ValidationError(_("That area already has a usual week: change it instead"), code="exists")
        return zone

    def places_by_weekday(self) -> dict[int, int]:
        return {number: self.cleaned_data[f"day_{number}"] for number, _name in WEEKDAYS}

    def clean(self):
        cleaned = super().clean()
        if "zone" in self.fields and not self.errors and not any(self.places_by_weekday().values()):
            self.add_error("day_0", _("Enter places for at least one day of the week"))
        return cleaned
