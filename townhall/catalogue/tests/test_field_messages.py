"""Plain error messages that name the field, never Django's defaults, for the questions
residents answer and the service builder's forms."""

import pytest
from django import forms
from django.core.exceptions import ValidationError

from townhall.catalogue.answering import answer_field
from townhall.catalogue.field_messages import PlainMessagesMixin, use_plain_messages
from townhall.catalogue.questions import Question
from townhall.core.forms import GovUKForm

CHOICE_OPTIONS = [{"value": "refuse", "label": "Refuse"}, {"value": "garden", "label": "Garden waste"}]


def refusal(question: dict, value) -> list[str]:
    field = answer_field(Question.from_dict({"key": "q", **question}))
    with pytest.raises(ValidationError) as error:
        field.clean(value)
    return error.value.messages


@pytest.mark.parametrize(
    ("question", "value", "message"),
    [
        (
            {"type": "text", "label": "What happened?", "max_length": 5},
            "Far too long",
            "The answer to “What happened?” must be 5 characters or fewer",
        ),
        (
            {"type": "email", "label": "Your email address"},
            "ada.example.com",
            "Enter an email address in the correct format, like name@example.com",
        ),
        ({"type": "number", "label": "How many bags?"}, "two", "The answer to “How many bags?” must be a number"),
        (
            {"type": "number", "label": "How many bags?", "min": 1},
            "0",
            "The answer to “How many bags?” must be 1 or more",
        ),
        (
            {"type": "number", "label": "How many bags?", "max": 5},
            "9",
            "The answer to “How many bags?” must be 5 or less",
        ),
        (
            {"type": "number", "label": "How many bags?"},
            "1.255",
            "The answer to “How many bags?” must have 2 decimal places or fewer",
        ),
        (
            {"type": "number", "label": "What % of the wall is covered?", "max": 100},
            "120",
            "The answer to “What % of the wall is covered?” must be 100 or less",
        ),
        (
            {"type": "single_choice", "label": "Which bin?", "options": CHOICE_OPTIONS},
            "food",
            "Select the answer to “Which bin?” from the list",
        ),
    ],
)
def test_a_question_refuses_an_answer_in_plain_words_naming_it(question, value, message):
    assert refusal(question, value) == [message]


@pytest.mark.parametrize("year", ["26", "202", "20266"])
def test_a_date_question_wants_the_year_in_4_numbers(year):
    assert refusal({"type": "date", "label": "When was it?"}, ["1", "2", year]) == ["Year must include 4 numbers"]


def test_a_date_question_takes_a_4_number_year():
    field = answer_field(Question.from_dict({"key": "when", "type": "date", "label": "When was it?"}))

    assert field.clean(["1", "2", "2026"]).isoformat() == "2026-02-01"


class _Form(PlainMessagesMixin, GovUKForm):
    summary = forms.CharField(label="Summary", max_length=10)
    days = forms.IntegerField(label="Deadline in working days", min_value=0)
    code = forms.CharField(label="Code", max_length=3, error_messages={"max_length": "Codes are 3 letters"})
    late = forms.ChoiceField(label="Team", required=True, choices=[("a", "A")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["added"] = forms.CharField(label="Label", max_length=2, required=False)


def test_a_builder_form_names_each_field_and_keeps_its_own_words():
    form = _Form({"summary": "A long summary", "days": "soon", "code": "ABCD", "late": "b", "added": "abc"})

    assert form.errors == {
        "summary": ["Summary must be 10 characters or fewer"],
        "days": ["Deadline in working days must be a whole number"],
        "code": ["Codes are 3 letters"],
        "late": ["Select team from the list"],
        "added": ["Label must be 2 characters or fewer"],
    }
    assert _Form({"days": "-1"}).errors["days"] == ["Deadline in working days must be 0 or more"]
    assert _Form({}).errors["late"] == ["Select team"]
    assert _Form({}).errors["summary"] == ["Enter summary"]


def test_giving_plain_messages_twice_changes_nothing():
    field = use_plain_messages(forms.CharField(max_length=4), "Key")

    assert use_plain_messages(field, "Other").error_messages["max_length"] == "Key must be 4 characters or fewer"
