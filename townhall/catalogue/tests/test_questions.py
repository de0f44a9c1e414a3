import pytest
from django.core.exceptions import ValidationError

from townhall.catalogue.answering import clean_answers, display_answer
from townhall.catalogue.questions import definition_errors, parse_questions, visible_questions

CHOICE = {
    "key": "bin",
    "type": "single_choice",
    "label": "Which bin?",
    "options": [{"value": "refuse", "label": "Refuse"}, {"value": "recycling", "label": "Recycling"}],
}


def test_a_sound_definition_has_no_errors():
    assert definition_errors([CHOICE, {"key": "when", "type": "date", "label": "When?"}]) == []


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        ([{"key": "Bad Key", "type": "text", "label": "Q"}], "the key must start with a letter"),
        ([{"key": "a", "type": "text", "label": "Q"}, {"key": "a", "type": "text", "label": "R"}], "used twice"),
        ([{"key": "a", "type": "essay", "label": "Q"}], "choose a type"),
        ([{"key": "a", "type": "text", "label": " "}], "enter the question"),
        ([{**CHOICE, "options": [{"value": "x", "label": "X"}]}], "at least two answers"),
        ([{"key": "n", "type": "number", "label": "N", "min": 5, "max": 1}], "smallest allowed value"),
        (
            [{"key": "a", "type": "text", "label": "Q", "show_if": {"question": "later", "equals": "x"}}],
            "“Q” depends on “later”, which must be a question above it",
        ),
        (
            [CHOICE, {"key": "a", "type": "text", "label": "Q", "show_if": {"question": "bin", "equals": "garden"}}],
            "“Q” is shown if the answer to “Which bin?” is “garden”, which is no longer one of its answers",
        ),
        (
            [
                {"key": "bin", "type": "text", "label": "Which bin?"},
                {"key": "a", "type": "text", "label": "Q", "show_if": {"question": "bin", "equals": "refuse"}},
            ],
            "“Q” depends on the answer to “Which bin?”, so that must be a choice or yes-or-no question",
        ),
    ],
)
def test_explains_what_is_wrong_with_a_definition(definition, message):
    errors = definition_errors(definition)

    assert any(message in error for error in errors), errors


def test_conditional_questions_show_only_when_their_condition_holds():
    questions = parse_questions(
        [
            CHOICE,
            {"key": "why", "type": "text", "label": "Why?", "show_if": {"question": "bin", "equals": "recycling"}},
            {"key": "more", "type": "text", "label": "More?", "show_if": {"question": "why", "equals": "lost"}},
        ]
    )

    assert [q.key for q in visible_questions(questions, {"bin": "refuse", "why": "lost"})] == ["bin"]
    assert [q.key for q in visible_questions(questions, {"bin": "recycling", "why": "lost"})] == ["bin", "why", "more"]


def test_answers_to_hidden_questions_are_dropped_on_submission():
    questions = parse_questions(
        [CHOICE, {"key": "why", "type": "text", "label": "Why?", "show_if": {"question": "bin", "equals": "recycling"}}]
    )

    assert clean_answers(questions, {"bin": "refuse", "why": "secret"}) == {"bin": "refuse"}


def test_every_answer_is_checked_again_on_submission():
    questions = parse_questions([CHOICE, {"key": "n", "type": "number", "label": "How many bags?", "min": 1, "max": 5}])

    with pytest.raises(ValidationError) as error:
        clean_answers(questions, {"bin": "garden", "n": "9"})

    assert set(error.value.message_dict) == {"bin", "n"}


def test_a_missing_required_answer_is_refused():
    questions = parse_questions([{"key": "where", "type": "address", "label": "Where?"}])

    with pytest.raises(ValidationError) as error:
        clean_answers(questions, {})

    assert "where" in error.value.message_dict


def test_answers_read_as_people_expect():
    questions = {q.key: q for q in parse_questions([CHOICE, {"key": "when", "type": "date", "label": "When?"}])}

    assert display_answer(questions["bin"], "recycling") == "Recycling"
    assert display_answer(questions["when"], "2026-03-05") == "5 March 2026"
    assert display_answer(questions["when"], None) == "Not answered"
