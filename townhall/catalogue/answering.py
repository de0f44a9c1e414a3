"""Answering a service's questions: one form field per question, the same for residents
on the web and for agents on the phone, and the check every answer passes again on
submission (an API client, a stale page or a changed form never slips past it)."""

import datetime as dt
import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext as _

from townhall.catalogue.field_messages import use_plain_messages
from townhall.catalogue.questions import Question, visible_questions
from townhall.core.forms import GovUKDateField
from townhall.gazetteer.selectors import locate_point

# UK numbers: 10 or 11 digits starting 0, or +44 without the 0; spaces, dashes, brackets allowed.
_PHONE = re.compile(r"^(?:\+44\s?|0)(?:[\s\-()]*\d){9,10}$")
phone_validator = RegexValidator(
    _PHONE, _("Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192")
)

# Types whose answer is entered by a purpose-built step rather than one plain field.
COMPOSITE_TYPES = {"address", "location", "file"}


def answer_field(question: Question) -> forms.Field:
    """The Django form field for a plain question (not address, location or file)."""
    common = {"label": question.label, "help_text": question.hint, "required": question.required}
    required_message = _("Enter %(what)s") % {"what": question.label.rstrip("?").lower()}
    match question.type:
        case "text" | "long_text":
            field = forms.CharField(
                max_length=question.max_length or (5000 if question.type == "long_text" else 500),
                widget=forms.Textarea(attrs={"rows": 5}) if question.type == "long_text" else forms.TextInput(),
                **common,
            )
        case "number":
            field = forms.DecimalField(
                min_value=question.min,
                max_value=question.max,
                max_digits=12,
                decimal_places=2,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
                **common,
            )
        case "date":
            field = GovUKDateField(**common)
        case "single_choice" | "yes_no":
            field = forms.ChoiceField(
                choices=[(o.value, o.label) for o in question.options], widget=forms.RadioSelect, **common
            )
            required_message = _("Select an answer")
        case "multiple_choice":
            field = forms.MultipleChoiceField(
                choices=[(o.value, o.label) for o in question.options], widget=forms.CheckboxSelectMultiple, **common
            )
            required_message = _("Select at least one answer")
        case "email":
            field = forms.EmailField(
                widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}), **common
            )
        case "phone":
            field = forms.CharField(
                validators=[phone_validator],
                widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "class": "govuk-input--width-20"}),
                **common,
            )
        case _:
            raise ValueError(f"{question.type} questions are answered by their own step")
    use_plain_messages(field, _("The answer to “%(question)s”") % {"question": question.label})
    field.error_messages["required"] = required_message
    return field


def to_stored(question: Question, cleaned) -> object:
    """A cleaned value as JSON keeps it."""
    if isinstance(cleaned, Decimal):
        return str(cleaned.normalize()) if cleaned == cleaned.to_integral() else str(cleaned)
    if isinstance(cleaned, dt.date):
        return cleaned.isoformat()
    if cleaned in ("", None, []):
        return None
    return cleaned


def to_form_data(question: Question, stored, prefix: str = "answer") -> dict:
    """A stored answer as the POST data that would produce it, to re-check or re-show it."""
    if stored is None:
        return {}
    if question.type == "date":
        day = dt.date.fromisoformat(stored)
        return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}
    return {prefix: stored}


def display_answer(question: Question, stored) -> str:
    """An answer as the resident and staff read it on check-answers and the case page."""
    if stored in (None, "", []):
        return _("Not answered")
    match question.type:
        case "single_choice" | "yes_no":
            return question.option_label(stored)
        case "multiple_choice":
            return ", ".join(question.option_label(v) for v in stored)
        case "date":
            day = dt.date.fromisoformat(stored)
            return f"{day.day} {day:%B %Y}"
        case "address" | "location":
            return stored.get("text", "")
        case "file":
            return ", ".join(f["name"] for f in stored)
    return str(stored)


def clean_answers(questions: list[Question], answers: dict) -> dict:
    """Every visible question's answer checked again, hidden ones dropped.

    Raises ValidationError with a message per question key when anything is wrong.
    """
    cleaned: dict = {}
    errors: dict[str, list[str]] = {}
    for question in visible_questions(questions, answers):
        stored = answers.get(question.key)
        if question.type in COMPOSITE_TYPES:
            if stored in (None, [], {}):
                if question.required:
                    errors[question.key] = [_("Answer “%(q)s”") % {"q": question.label}]
                continue
            if not _composite_ok(question, stored):
                errors[question.key] = [_("Answer “%(q)s” again") % {"q": question.label}]
                continue
            if question.type == "location" and (refusal := _outside_borough(stored)):
                errors[question.key] = [refusal]
                continue
            cleaned[question.key] = stored
            continue
        form_field = answer_field(question)
        try:
            raw = form_field.widget.value_from_datadict(to_form_data(question, stored), {}, "answer")
            value = to_stored(question, form_field.clean(raw))
        except ValidationError as exc:
            errors[question.key] = exc.messages
            continue
        except (TypeError, ValueError):  # stored by something other than this form
            errors[question.key] = [_("Answer “%(q)s” again") % {"q": question.label}]
            continue
        if value is not None:
            cleaned[question.key] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def _outside_borough(point: dict) -> str:
    """Why a point on the map is refused: outside the borough, with who to report it to."""
    return locate_point(point["latitude"], point["longitude"], find_ward=False).refusal


def _composite_ok(question: Question, stored) -> bool:
    match question.type:
        case "address":
            return isinstance(stored, dict) and isinstance(stored.get("uprn"), int) and bool(stored.get("text"))
        case "location":
            try:
                lat, lng = float(stored["latitude"]), float(stored["longitude"])
            except (KeyError, TypeError, ValueError):
                return False
            return -90 <= lat <= 90 and -180 <= lng <= 180
        case "file":
            return isinstance(stored, list) and all(isinstance(f, dict) and f.get("id") for f in stored)
    return False
