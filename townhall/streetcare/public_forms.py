"""The filters of the public map and list, sent by GET so that a filtered list is a link to share."""

from django import forms
from django.utils.translation import gettext_lazy as _

from townhall.core.forms import GovUKDateField, GovUKForm
from townhall.gazetteer.models import Ward
from townhall.streetcare import public_selectors
from townhall.streetcare.public_selectors import ReportFilters


class ReportFilterForm(GovUKForm):
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=public_selectors.public_categories().only("id", "name", "slug"),
        to_field_name="slug",
        required=False,
        empty_label=_("Any category"),
        error_messages={"invalid_choice": _("Choose a category from the list")},
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Any status")), *public_selectors.STATUSES.items()],
        required=False,
        error_messages={"invalid_choice": _("Choose a status from the list")},
    )
    ward = forms.ModelChoiceField(
        label=_("Ward"),
        queryset=Ward.objects.only("id", "code", "name"),
        to_field_name="code",
        required=False,
        empty_label=_("Any ward"),
        error_messages={"invalid_choice": _("Choose a ward from the list")},
    )
    reported_from = GovUKDateField(
        label=_("Reported on or after"), help_text=_("For example, 27 3 2026"), required=False
    )
    reported_to = GovUKDateField(label=_("Reported on or before"), help_text=_("For example, 3 4 2026"), required=False)

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("reported_from"), data.get("reported_to")
        if start and end and end < start:
            self.add_error(
                "reported_to", _("The date reported on or before must be the same as or after the other date")
            )
        return data

    def filters(self) -> ReportFilters:
        """The filters that were given and valid; a mistyped one is ignored (and its error shown)."""
        if not self.is_bound:
            return ReportFilters()
        self.is_valid()  # fields that failed are left out of cleaned_data
        data = self.cleaned_data
        return ReportFilters(
            category=data.get("category"),
            status=data.get("status", ""),
            ward=data.get("ward"),
            reported_from=data.get("reported_from"),
            reported_to=data.get("reported_to"),
        )
