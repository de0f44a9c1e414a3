"""A service's questions as GeoReport v2 attributes, and posted attributes back as answers.

Plain questions are attributes, coded by their key. Where a question is answered by a
purpose-built step on the web, Open311 has its own fields instead: a point on a map by
`lat`/`long` (or `address_string`, or `address_id`), an address by `address_id` (its
UPRN), files by `media_url`. The answers built here are then checked by
`catalogue.answering.clean_answers`, exactly as the web form's are.
"""

import datetime as dt
import re

from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from townhall.catalogue.questions import Question

DATATYPES = {
    "text": "string",
    "email": "string",
    "phone": "string",
    "long_text": "text",
    "number": "number",
    "date": "datetime",
    "yes_no": "singlevaluelist",
    "single_choice": "singlevaluelist",
    "multiple_choice": "multivaluelist",
}
LIST_DATATYPES = {"singlevaluelist", "multivaluelist"}
# `attribute[code]=v`, and `attribute[code][]=v` as the specification writes a list's values.
POSTED_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")


def attribute_questions(questions: list[Question]) -> list[Question]:
    return [question for question in questions if question.type in DATATYPES]


def definition(questions: list[Question]) -> list[dict]:
    """The `attributes` of a service definition, in the form's order."""
    return [_attribute(question, order) for order, question in enumerate(attribute_questions(questions), start=1)]


def _attribute(question: Question, order: int) -> dict:
    datatype = DATATYPES[question.type]
    attribute = {
        "variable": True,
        "code": question.key,
        "datatype": datatype,
        # Open311 cannot say "required when shown": a conditional question is optional here
        # and its description says when it is needed.
        "required": question.required and question.show_if is None,
        "datatype_description": _datatype_description(question),
        "order": order,
        "description": question.label,
    }
    if datatype in LIST_DATATYPES:
        attribute["values"] = [{"key": option.value, "name": option.label} for option in question.options]
    return attribute


def _datatype_description(question: Question) -> str:
    notes = [question.hint] if question.hint else []
    match question.type:
        case "email":
            notes.append(_("An email address."))
        case "phone":
            notes.append(_("A UK telephone number."))
        case "date":
            notes.append(_("A date, like 2026-11-22."))
        case "number" if question.min is not None and question.max is not None:
            notes.append(_("A number from %(min)s to %(max)s.") % {"min": question.min, "max": question.max})
        case "text" | "long_text" if question.max_length:
            notes.append(_("Up to %(n)s characters.") % {"n": question.max_length})
    if question.show_if is not None:
        notes.append(
            _("Needed when attribute %(key)s is %(value)s.")
            % {"key": question.show_if.question, "value": question.show_if.equals}
        )
    return " ".join(notes)


def posted_answers(questions: list[Question], data: QueryDict) -> tuple[dict, dict[str, str]]:
    """The answers `attribute[...]` fields give, and what is wrong with how each was sent
    (an unknown code, several values for one, an unreadable date), by code. Whether the
    answers are right is `clean_answers`'s to say."""
    by_key = {question.key: question for question in attribute_questions(questions)}
    values: dict[str, list[str]] = {}
    for name in data:
        if match := POSTED_ATTRIBUTE.match(name):
            values.setdefault(match[1], []).extend(value.strip() for value in data.getlist(name))
    answers: dict = {}
    errors: dict[str, str] = {}
    for key, given in values.items():
        given = [value for value in given if value]  # sent empty means not sent
        question = by_key.get(key)
        if question is None:
            errors[key] = _("this service has no such attribute")
        elif not given:
            continue
        elif question.type == "multiple_choice":
            answers[key] = given
        elif len(given) > 1:
            errors[key] = _("give one value, not %(n)s") % {"n": len(given)}
        elif question.type == "date":
            if (day := _day(given[0])) is None:
                errors[key] = _("give a date, like 2026-11-22")
            else:
                answers[key] = day.isoformat()
        else:
            answers[key] = given[0]
    return answers, errors


def _day(text: str) -> dt.date | None:
    """A date, or the London day of a W3C date and time."""
    try:
        if moment := parse_datetime(text):
            return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
        return parse_date(text)
    except ValueError:  # well formed but impossible, like 2026-02-30
        return None
