"""Error messages in the GOV.UK Design System's words for the service builder's forms and
the questions residents answer, in place of Django's defaults ("Ensure this value has at
most 300 characters.", "Enter a whole number.").

Each message names the field, so it still makes sense in the error summary. Messages a
form sets itself are kept: only Django's own are replaced.
"""

from django import forms
from django.forms.utils import pretty_name
from django.utils.translation import gettext as _


class PlainMessage(str):
    """A message already complete. Django puts a check's values into its message with `%`;
    this one has them, and a question's label may hold a % of its own."""

    def __mod__(self, values):
        return self


def _messages(field: forms.Field, what: str) -> dict[str, str]:
    """Code → message, for the checks `field` makes, naming it `what`."""
    lower = what[:1].lower() + what[1:]
    messages = {}
    if getattr(field, "max_length", None) is not None:
        messages["max_length"] = _("%(what)s must be %(n)s characters or fewer") % {"what": what, "n": field.max_length}
    if getattr(field, "min_length", None) is not None:
        messages["min_length"] = _("%(what)s must be %(n)s characters or more") % {"what": what, "n": field.min_length}
    if getattr(field, "min_value", None) is not None:
        messages["min_value"] = _("%(what)s must be %(n)s or more") % {"what": what, "n": field.min_value}
    if getattr(field, "max_value", None) is not None:
        messages["max_value"] = _("%(what)s must be %(n)s or less") % {"what": what, "n": field.max_value}
    match field:
        case forms.EmailField():
            messages["invalid"] = _("Enter an email address in the correct format, like name@example.com")
        case forms.SlugField():
            messages["invalid"] = _("%(what)s must use only letters, numbers, hyphens and underscores") % {"what": what}
        case forms.DecimalField():
            places = field.decimal_places or 0
            messages |= {
                "invalid": _("%(what)s must be a number") % {"what": what},
                "max_decimal_places": _("%(what)s must have %(n)s decimal places or fewer")
                % {"what": what, "n": places},
                "max_digits": _("%(what)s must be a smaller number") % {"what": what},
                "max_whole_digits": _("%(what)s must be a smaller number") % {"what": what},
            }
        case forms.IntegerField():
            messages["invalid"] = _("%(what)s must be a whole number") % {"what": what}
        case forms.ChoiceField() | forms.ModelChoiceField():
            # Only a stale page or a tampered form sends an answer that was not offered.
            choose = _("Select %(what)s from the list") % {"what": lower}
            messages |= {"invalid_choice": choose, "invalid_pk_value": choose, "invalid_list": choose}
    chooses = isinstance(field, forms.ChoiceField | forms.ModelChoiceField)
    messages["required"] = (_("Select %(what)s") if chooses else _("Enter %(what)s")) % {"what": lower}
    return messages


def _django_default(field: forms.Field, code: str) -> str | None:
    """The message Django gives for `code` unless told otherwise; the most derived class wins, as in Django."""
    for cls in type(field).__mro__:
        if code in vars(cls).get("default_error_messages", {}):
            return str(cls.default_error_messages[code])
    return None


def use_plain_messages(field: forms.Field, what: str) -> forms.Field:
    """Gives `field` plain messages naming it `what` ("Summary", "The answer to “How many
    bags?”"), keeping any message its form chose. Returns the field."""
    for code, message in _messages(field, what).items():
        chosen = field.error_messages.get(code)
        if chosen is None or str(chosen) == _django_default(field, code):
            field.error_messages[code] = PlainMessage(message)
    return field


class PlainMessagesMixin:
    """For a form whose every field's messages should be plain, each named by its label.
    Given as the form is checked, so fields a form adds or changes as it is built get them too."""

    def full_clean(self):
        for name, field in self.fields.items():
            use_plain_messages(field, str(field.label or pretty_name(name)))
        super().full_clean()
