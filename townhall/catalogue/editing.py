"""Changes to a list of question dicts, as the question editor makes them, and the
differences between two versions. Pure functions: saving is `services.save_draft_questions`."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.text import get_text_list, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from townhall.catalogue.questions import QUESTION_TYPES, Question, parse_questions


def suggest_key(label: str, taken: set[str]) -> str:
    """A valid, unused key made from a question's words."""
    base = slugify(label).replace("-", "_").lstrip("0123456789_")[:50].rstrip("_") or "question"
    key, number = base, 2
    while key in taken:
        key, number = f"{base}_{number}", number + 1
    return key


def replace_question(questions: list[dict], key: str, new: dict) -> list[dict]:
    """`new` in place of the question `key`. Conditions on it follow a renamed key, and an
    answer whose value changed while its label stayed the same."""
    renamed = _renamed_values(find_question(questions, key) or {}, new)
    result = []
    for item in questions:
        if item["key"] == key:
            result.append(new)
            continue
        condition = item.get("show_if")
        if condition and condition.get("question") == key:
            equals = renamed.get(condition.get("equals"), condition.get("equals"))
            item = {**item, "show_if": {"question": new["key"], "equals": equals}}
        result.append(item)
    return result


def _renamed_values(old: dict, new: dict) -> dict[str, str]:
    """Old answer value to new, for answers kept under the same label with a new value."""
    new_options = new.get("options") or []
    kept_values = {option["value"] for option in new_options}
    value_by_label = {option["label"]: option["value"] for option in new_options}
    return {
        option["value"]: value_by_label[option["label"]]
        for option in old.get("options") or []
        if option["value"] not in kept_values and option["label"] in value_by_label
    }


def move_question(questions: list[dict], key: str, offset: int) -> list[dict]:
    """The list with `key` moved `offset` places (negative is up), kept within the list."""
    result = list(questions)
    index = next(i for i, item in enumerate(result) if item["key"] == key)
    target = max(0, min(len(result) - 1, index + offset))
    result.insert(target, result.pop(index))
    return result


def remove_question(questions: list[dict], key: str) -> list[dict]:
    return [item for item in questions if item["key"] != key]


def dependants(questions: list[dict], key: str) -> list[dict]:
    """The questions shown or hidden by the answer to `key`."""
    return [item for item in questions if (item.get("show_if") or {}).get("question") == key]


def quoted_list(labels: Iterable[str]) -> str:
    """“A”, “B” and “C”: questions named in a sentence."""
    return get_text_list([f"“{label}”" for label in labels], _("and"))


def find_question(questions: list[dict], key: str) -> dict | None:
    return next((item for item in questions if item["key"] == key), None)


def condition_text(question: Question, by_key: dict[str, Question]) -> str:
    """“Shown if …” in words, or empty for a question always shown."""
    condition = question.show_if
    if condition is None:
        return ""
    parent = by_key.get(condition.question)
    if parent is None:
        return _("Shown if the answer to “%(key)s” is “%(value)s”") % {
            "key": condition.question,
            "value": condition.equals,
        }
    return _("Shown if the answer to “%(question)s” is “%(answer)s”") % {
        "question": parent.label,
        "answer": parent.option_label(condition.equals),
    }


@dataclass(frozen=True)
class Difference:
    """One setting of a question that changed, as officers read it."""

    setting: str
    before: str
    after: str


@dataclass(frozen=True)
class QuestionChange:
    question: Question  # as it is now
    differences: list[Difference]


@dataclass(frozen=True)
class FormChanges:
    """What one version of the questions changes compared with another."""

    added: list[Question]
    removed: list[Question]
    changed: list[QuestionChange]
    reordered: bool

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.reordered)


def _number(value: int | None) -> str:
    return _("None") if value is None else str(value)


# Each setting of a question, described in words; given the question and its form's questions by key.
_SETTINGS: list[tuple[str, Callable[[Question, dict[str, Question]], str]]] = [
    (gettext_lazy("Question"), lambda q, by_key: q.label),
    (gettext_lazy("Hint"), lambda q, by_key: q.hint or _("None")),
    (gettext_lazy("Type"), lambda q, by_key: str(QUESTION_TYPES.get(q.type, q.type))),
    (gettext_lazy("Must people answer it?"), lambda q, by_key: _("Yes") if q.required else _("No")),
    (gettext_lazy("Answers to choose from"), lambda q, by_key: ", ".join(o.label for o in q.options) or _("None")),
    (
        gettext_lazy("Answers as exports name them"),
        lambda q, by_key: ", ".join(o.value for o in q.options) or _("None"),
    ),
    (gettext_lazy("Smallest allowed number"), lambda q, by_key: _number(q.min)),
    (gettext_lazy("Largest allowed number"), lambda q, by_key: _number(q.max)),
    (gettext_lazy("Most characters allowed"), lambda q, by_key: _number(q.max_length)),
    (gettext_lazy("When to show it"), lambda q, by_key: condition_text(q, by_key) or _("Always")),
]


def form_changes(before: list[dict], after: list[dict]) -> FormChanges:
    """Questions added, removed and changed, matched by key, and how each changed one differs."""
    old = {q.key: q for q in parse_questions(before)}
    new = {q.key: q for q in parse_questions(after)}
    kept_old_order = [key for key in old if key in new]
    kept_new_order = [key for key in new if key in old]
    changed = []
    for key, question in new.items():
        if key in old:
            differences = [
                Difference(str(setting), was, now)
                for setting, describe in _SETTINGS
                if (was := describe(old[key], old)) != (now := describe(question, new))
            ]
            if differences:
                changed.append(QuestionChange(question, differences))
    return FormChanges(
        added=[q for key, q in new.items() if key not in old],
        removed=[q for key, q in old.items() if key not in new],
        changed=changed,
        reordered=kept_old_order != kept_new_order,
    )
