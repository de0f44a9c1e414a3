"""Django forms rendered as GOV.UK Design System components, everywhere in Townhall.

`GovUKFormRenderer` (settings.FORM_RENDERER) gives every form the Design System's
form groups, hints, error messages and ids, so `{{ form }}` or `{{ field.as_field_group }}`
is all a template writes. The error summary is `core/forms/error_summary.html`.
"""

import datetime as dt

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

_WIDGET_CLASSES = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.FileInput: "govuk-file-upload",
    forms.CheckboxSelectMultiple: "govuk-checkboxes__input",  # before RadioSelect, its base class
    forms.RadioSelect: "govuk-radios__input",
    forms.CheckboxInput: "govuk-checkboxes__input",
}


def _css_class(widget: forms.Widget) -> str:
    for widget_type, css in _WIDGET_CLASSES.items():
        if isinstance(widget, widget_type):
            return css
    return "govuk-input"


class GovUKBoundField(BoundField):
    """Adds the Design System's classes and the hint and error ids screen readers announce."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if isinstance(widget, forms.MultiWidget):
            return attrs
        # Keep the widget's own classes (input widths, password input) beside the Design System's.
        classes = [_css_class(widget), *attrs.get("class", "").split(), *widget.attrs.get("class", "").split()]
        attrs["class"] = " ".join(dict.fromkeys(filter(None, classes)))
        if self.is_grouped:
            attrs.pop("aria-describedby", None)  # the fieldset carries it
        else:
            described = self.described_by
            if described:
                attrs["aria-describedby"] = described
            else:
                attrs.pop("aria-describedby", None)
        return attrs

    @property
    def is_grouped(self) -> bool:
        """Radios, checkboxes and dates sit in a fieldset with a legend, not a label."""
        widget = self.field.widget
        return isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple | forms.MultiWidget)

    @property
    def described_by(self) -> str:
        ids = []
        if self.help_text:
            ids.append(f"{self.auto_id}-hint")
        if self.errors:
            ids.append(f"{self.auto_id}-error")
        return " ".join(ids)

    @property
    def first_input_id(self) -> str:
        """Where the error summary's link should land."""
        return f"{self.auto_id}_0" if self.is_grouped else self.auto_id


class GovUKForm(forms.Form):
    """Base for Townhall's forms: the server validates, not the browser, so every error
    reaches the error summary in the Design System's words."""

    use_required_attribute = False
    # True on one-question pages, where the question is the page's heading.
    label_is_heading = False


class GovUKModelForm(forms.ModelForm):
    use_required_attribute = False
    label_is_heading = False


class GovUKFormRenderer(TemplatesSetting):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"
    bound_field_class = GovUKBoundField


class GovUKDateWidget(forms.MultiWidget):
    template_name = "core/forms/widgets/date.html"

    def __init__(self, attrs=None):
        part = {"class": "govuk-input govuk-date-input__input", "inputmode": "numeric"}
        super().__init__(
            [
                forms.TextInput({**part, "class": part["class"] + " govuk-input--width-2"}),
                forms.TextInput({**part, "class": part["class"] + " govuk-input--width-2"}),
                forms.TextInput({**part, "class": part["class"] + " govuk-input--width-4"}),
            ],
            attrs,
        )

    def decompress(self, value):
        if isinstance(value, str) and value:
            value = dt.date.fromisoformat(value)
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovUKDateField(forms.MultiValueField):
    """A date as three boxes (day, month, year), with the Design System's error messages."""

    widget = GovUKDateWidget

    def __init__(self, **kwargs):
        super().__init__(
            fields=[forms.CharField(), forms.CharField(), forms.CharField()], require_all_fields=False, **kwargs
        )

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return None
        day, month, year = (str(part or "").strip() for part in data_list)
        missing = [name for name, part in ((_("day"), day), (_("month"), month), (_("year"), year)) if not part]
        if missing:
            raise forms.ValidationError(
                _("Date must include a %(parts)s") % {"parts": _(" and a ").join(str(m) for m in missing)},
                code="incomplete",
            )
        if not (len(year) == 4 and year.isdigit()):  # "26" would be the year 26, not 2026
            raise forms.ValidationError(_("Year must include 4 numbers"), code="invalid_year")
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError as exc:
            raise forms.ValidationError(_("Date must be a real date"), code="invalid") from exc

    def clean(self, value):
        # MultiValueField reports "required" per part; the Design System wants one message.
        if self.required and (not value or not any(value)):
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return self.compress(value)
