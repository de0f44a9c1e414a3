"""A point-on-a-map answer must be inside the borough; outside, the neighbour is named."""

import pytest
from django.core.exceptions import ValidationError

from townhall.cases.question_forms import FindPlaceForm
from townhall.catalogue.answering import clean_answers
from townhall.catalogue.questions import parse_questions
from townhall.gazetteer.models import AreaKind
from townhall.gazetteer.services import save_area

pytestmark = pytest.mark.django_db

QUESTIONS = parse_questions([{"key": "where", "type": "location", "label": "Where is it?", "required": True}])
REFUSAL = "This location is outside Wexmoor. Report it to Brackenfield Borough Council at https://brackenfield.example/"


def box(south: float, west: float, north: float, east: float) -> list:
    return [[[west, south], [east, south], [east, north], [west, north], [west, south]]]


@pytest.fixture(autouse=True)
def boundaries():
    save_area(kind=AreaKind.BOROUGH, name="Wexmoor", boundary=box(51.40, -0.22, 51.44, -0.16))
    save_area(
        kind=AreaKind.NEIGHBOUR,
        name="Brackenfield Borough Council",
        website="https://brackenfield.example/",
        boundary=box(51.44, -0.22, 51.48, -0.16),
    )


def point(latitude: str, longitude: str) -> dict:
    return {"where": {"latitude": latitude, "longitude": longitude, "text": f"{latitude}, {longitude}"}}


def test_a_point_inside_the_borough_is_accepted():
    assert clean_answers(QUESTIONS, point("51.42", "-0.19")) == point("51.42", "-0.19")


def test_a_point_outside_is_refused_naming_the_neighbour():
    with pytest.raises(ValidationError) as refused:
        clean_answers(QUESTIONS, point("51.45", "-0.19"))

    assert refused.value.message_dict == {"where": [REFUSAL]}


def test_the_map_or_typed_point_is_refused_on_the_question_page():
    form = FindPlaceForm({"latitude": "51.450000", "longitude": "-0.190000"})

    assert not form.is_valid()
    assert form.errors["latitude"] == [REFUSAL]
    assert form.location.neighbour.website == "https://brackenfield.example/"


def test_a_typed_point_inside_answers_the_question():
    form = FindPlaceForm({"latitude": "51.420000", "longitude": "-0.190000"})

    assert form.is_answer
