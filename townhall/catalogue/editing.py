"""Changes to a list of question dicts, as the question editor makes them, and the
differences between two versions. Pure functions: saving is `services.save_draft_questions`."""

from dataclasses import dataclass

from django.utils.text import slugify
from django.utils.translation import gettext as _

from townhall.catalogue.questions import Question, parse_questions


def suggest_key(label: str, taken: set[str]) -> str:
    """A valid, unused key made from a question's words."""
    base = slugify(label).replace("-", "_").lstrip("0123456789_")[:50].rstrip("_") or "question"
    key, number = base, 2
    while key in taken:
        key, number = f"{base}_{number}", number + 1
    return key


def replace_question(questions: list[dict], key: str, new: dict) -> list[dict]:
    """`new` in place of the question `key`; later conditions follow a renamed key."""
    result = []
    for item in questions:
        if item["key"] == key:
            result.append(new)
            continue
        condition = item.get("show_if")
        if condition and condition.get("question") == key and new["key"] != key:
            item = {**item, "show_if": {**condition, "question": new["key"]}}
        result.append(item)
    return result


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
class FormChanges:
    """What a draft changes compared with the version residents see now."""

    added: list[Question]
    removed: list[Question]
    changed: list[Question]
    reordered: bool

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.reordered)


def form_changes(before: list[dict], after: list[dict]) -> FormChanges:
    """Questions added, removed and changed, matched by key."""
    old = {q.key: q for q in parse_questions(before)}
    new = {q.key: q for q in parse_questions(after)}
    kept_old_order = [key for key in old if key in new]
    kept_new_order = [key for key in new if key in old]
    return FormChanges(
        added=[q for key, q in new.items() if key not in old],
        removed=[q for key, q in old.items() if key not in new],
        changed=[q for key, q in new.items() if key in old and old[key] != q],
        reordered=kept_old_order != kept_new_order,
    )
