"""Forms of the finance pages: the report's dates, the day to check again, the resolution note."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from townhall.core.forms import GovUKDateField, GovUKForm
from townhall.payments.selectors import MAX_RANGE_DAYS


def yesterday() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=1)


def _not_in_future(day: dt.date | None, message: str) -> None:
    if day is not None and day > timezone.localdate():
        raise forms.ValidationError(message, code="future")


class _RangeChecks:
    """The report's and the export's rules for a range of days."""

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("End date must be the same as or after the start date"))
            elif (end - start).days + 1 > MAX_RANGE_DAYS:
                self.add_error("end", _("The dates must be %(days)s days apart or fewer") % {"days": MAX_RANGE_DAYS})
        return cleaned


class ReportRangeForm(_RangeChecks, GovUKForm):
    """The income report's days, as GOV.UK date inputs; sent by GET, so a report has a URL."""

    start = GovUKDateField(
        label=_("From"), help_text=_("For example, 1 4 2025"), error_messages={"required": _("Enter the start date")}
    )
    end = GovUKDateField(
        label=_("To"), help_text=_("For example, 30 4 2025"), error_messages={"required": _("Enter the end date")}
    )

    def clean_start(self):
        start = self.cleaned_data["start"]
        _not_in_future(start, _("Start date must be today or in the past"))
        return start

    def clean_end(self):
        end = self.cleaned_data["end"]
        _not_in_future(end, _("End date must be today or in the past"))
        return end


class ExportRangeForm(_RangeChecks, forms.Form):
    """The export's days as ISO dates in its URL (`?start=2025-04-01&end=2025-04-30`), so
    the link for a range reads plainly and can be kept."""

    start = forms.DateField(input_formats=["%Y-%m-%d"])
    end = forms.DateField(input_formats=["%Y-%m-%d"])


class RecheckForm(GovUKForm):
    day = GovUKDateField(
        label=_("Day to check again"),
        help_text=_("Payments started that day are compared with the provider's records. For example, 27 3 2025"),
        error_messages={"required": _("Enter the day to check again")},
    )

    def clean_day(self):
        day = self.cleaned_data["day"]
        _not_in_future(day, _("Day to check again must be today or in the past"))
        return day


class ResolveForm(GovUKForm):
    resolution = forms.CharField(
        label=_("What was done to resolve it"),
        help_text=_("For example, the refund you made or the payment you recorded. Auditors read this."),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Enter what was done to resolve it"),
            "max_length": _("What was done must be 500 characters or fewer"),
        },
    )
