"""Questions of a service's form: what officers configure, and the rules that keep it sound.

A form definition is a list of question dicts, stored as JSON on `FormDefinition`:

    {"key": "bin_type", "type": "single_choice", "label": "Which bin?", "hint": "",
     "required": true, "options": [{"value": "refuse", "label": "Refuse"}],
     "min": null, "max": null, "max_length": null,
     "show_if": {"question": "earlier_key", "equals": "value"}}
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

QUESTION_TYPES = {
    "text": _("Short text"),
    "long_text": _("Long text"),
    "number": _("Number"),
    "date": _("Date"),
    "single_choice": _("Choose one"),
    "multiple_choice": _("Choose any"),
    "yes_no": _("Yes or no"),
    "email": _("Email address"),
    "phone": _("Phone number"),
    "address": _("Address in the borough"),
    "location": _("Point on a map"),
    "file": _("File upload"),
}
CHOICE_TYPES = {"single_choice", "multiple_choice"}
YES_NO_OPTIONS = ({"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"})
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,59}$")


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class Condition:
    question: str
    equals: str


@dataclass(frozen=True)
class Question:
    key: str
    type: str
    label: str
    hint: str = ""
    required: bool = True
    options: tuple[Option, ...] = field(default_factory=tuple)
    min: int | None = None
    max: int | None = None
    max_length: int | None = None
    show_if: Condition | None = None

    @classmethod
    def from_dict(cls, data: dict) -> "Question":
        options = YES_NO_OPTIONS if data["type"] == "yes_no" else data.get("options") or ()
        show_if = data.get("show_if") or None
        return cls(
            key=data["key"],
            type=data["type"],
            label=data["label"],
            hint=data.get("hint") or "",
            required=bool(data.get("required", True)),
            options=tuple(Option(str(o["value"]), str(o["label"])) for o in options),
            min=data.get("min"),
            max=data.get("max"),
            max_length=data.get("max_length"),
            show_if=Condition(show_if["question"], str(show_if["equals"])) if show_if else None,
        )

    def option_label(self, value: str) -> str:
        return next((o.label for o in self.options if o.value == value), value)


def parse_questions(data: list[dict]) -> list[Question]:
    return [Question.from_dict(item) for item in data]


def is_valid_key(key: str) -> bool:
    return bool(_KEY.match(key))


def definition_errors(data: list[dict]) -> list[str]:
    """Everything wrong with a definition, in words an officer can act on; empty when sound."""
    errors: list[str] = []
    seen: dict[str, dict] = {}
    for number, item in enumerate(data, start=1):
        where = _("Question %(n)s") % {"n": number}
        key = item.get("key", "")
        if not _KEY.match(key or ""):
            errors.append(
                f"{where}: " + str(_("the key must start with a letter and use only a–z, 0–9 and underscores"))
            )
        elif key in seen:
            errors.append(f"{where}: " + str(_("the key “%(key)s” is used twice") % {"key": key}))
        if item.get("type") not in QUESTION_TYPES:
            errors.append(f"{where}: " + str(_("choose a type of question")))
        if not (item.get("label") or "").strip():
            errors.append(f"{where}: " + str(_("enter the question")))
        if item.get("type") in CHOICE_TYPES:
            values = [str(o.get("value", "")).strip() for o in item.get("options") or []]
            if len(values) < 2 or not all(values):
                errors.append(f"{where}: " + str(_("give at least two answers to choose from")))
            elif len(set(values)) != len(values):
                errors.append(f"{where}: " + str(_("each answer to choose from must be different")))
        low, high = item.get("min"), item.get("max")
        if low is not None and high is not None and low > high:
            errors.append(f"{where}: " + str(_("the smallest allowed value is larger than the largest")))
        if item.get("show_if") and (problem := _condition_error(item, seen)):
            errors.append(f"{where}: {problem}")
        if key:
            seen[key] = item
    return errors


def _condition_error(item: dict, earlier: dict[str, dict]) -> str | None:
    """What is wrong with `item`'s “show if”, given the questions above it by key. It names
    the question that depends and the one it depends on: an officer changing or deleting
    either must change the condition first."""
    condition = item["show_if"]
    parent = earlier.get(condition.get("question", ""))
    names = {"question": item.get("label") or item.get("key"), "key": condition.get("question")}
    if parent is None:
        return _("“%(question)s” depends on “%(key)s”, which must be a question above it") % names
    names |= {"parent": parent.get("label") or parent.get("key"), "answer": condition.get("equals")}
    if parent.get("type") == "yes_no":
        answers = {o["value"] for o in YES_NO_OPTIONS}
    elif parent.get("type") in CHOICE_TYPES:
        answers = {str(o.get("value")) for o in parent.get("options") or []}
    else:
        return (
            _(
                "“%(question)s” depends on the answer to “%(parent)s”, so that must be a choice or yes-or-no "
                "question. Change or remove the condition on “%(question)s” first"
            )
            % names
        )
    if str(condition.get("equals")) not in answers:
        return (
            _(
                "“%(question)s” is shown if the answer to “%(parent)s” is “%(answer)s”, which is no longer one "
                "of its answers. Change or remove the condition on “%(question)s” first"
            )
            % names
        )
    return None


def is_visible(question: Question, answers: dict, questions_by_key: dict[str, Question]) -> bool:
    """A question shows when its condition's question is itself shown and was answered so."""
    condition = question.show_if
    if condition is None:
        return True
    parent = questions_by_key.get(condition.question)
    if parent is None or not is_visible(parent, answers, questions_by_key):
        return False
    answer = answers.get(condition.question)
    if isinstance(answer, list):
        return condition.equals in answer
    return answer is not None and str(answer) == condition.equals


def visible_questions(questions: list[Question], answers: dict) -> list[Question]:
    by_key = {q.key: q for q in questions}
    return [q for q in questions if is_visible(q, answers, by_key)]
