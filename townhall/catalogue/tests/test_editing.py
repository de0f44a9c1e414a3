"""The question editor's pure changes to a form, and what one version changes from another."""

from townhall.catalogue.editing import Difference, form_changes, replace_question
from townhall.catalogue.tests.conftest import CHOICE, DETAILS

GARDEN_ONLY = {**DETAILS, "show_if": {"question": "bin", "equals": "garden"}}


def test_a_changed_question_says_what_it_was_and_what_it_is():
    after = [
        {
            **CHOICE,
            "label": "Which bin did we miss?",
            "required": False,
            "options": [*CHOICE["options"], {"value": "food", "label": "Food caddy"}],
        },
        {**DETAILS, "type": "text", "max_length": 200},
    ]

    changes = form_changes([CHOICE, DETAILS], after)

    assert [(change.question.key, change.differences) for change in changes.changed] == [
        (
            "bin",
            [
                Difference("Question", "Which bin was missed?", "Which bin did we miss?"),
                Difference("Must people answer it?", "Yes", "No"),
                Difference("Answers to choose from", "Refuse, Garden waste", "Refuse, Garden waste, Food caddy"),
                Difference("Answers as exports name them", "refuse, garden", "refuse, garden, food"),
            ],
        ),
        (
            "details",
            [
                Difference("Type", "Long text", "Short text"),
                Difference("Most characters allowed", "None", "200"),
            ],
        ),
    ]
    assert not (changes.added or changes.removed or changes.reordered)


def test_questions_added_removed_and_moved_are_listed_and_unchanged_ones_are_not():
    extra = {"key": "bags", "type": "number", "label": "How many bags?"}

    changes = form_changes([CHOICE, DETAILS, extra], [DETAILS, CHOICE, GARDEN_ONLY | {"key": "more"}])

    assert [q.key for q in changes.added] == ["more"]
    assert [q.key for q in changes.removed] == ["bags"]
    assert changes.changed == []
    assert changes.reordered
    assert not form_changes([CHOICE, DETAILS], [CHOICE, DETAILS])


def test_a_new_condition_reads_as_words():
    [change] = form_changes([CHOICE, DETAILS], [CHOICE, GARDEN_ONLY]).changed

    assert change.differences == [
        Difference("When to show it", "Always", "Shown if the answer to “Which bin was missed?” is “Garden waste”")
    ]


def test_a_condition_follows_its_question_renamed_but_not_an_answer_it_uses_removed():
    renamed = replace_question([CHOICE, GARDEN_ONLY], "bin", {**CHOICE, "key": "container"})
    without_garden = replace_question(
        [CHOICE, GARDEN_ONLY], "bin", {**CHOICE, "options": [{"value": "refuse", "label": "Refuse"}]}
    )

    assert renamed[1]["show_if"] == {"question": "container", "equals": "garden"}
    assert without_garden[1]["show_if"] == {"question": "bin", "equals": "garden"}
