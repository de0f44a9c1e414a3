"""Answers to a service's questions as an API client sends them, turned into what the web
form keeps, by the web form's own address and place forms. `submit_case` then checks
every answer again, as it does for every channel."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from townhall.cases.question_forms import ChooseAddressForm, FindPlaceForm
from townhall.catalogue.questions import Question
from townhall.gazetteer.selectors import property_by_uprn


def stored_answers(questions: list[Question], given: dict) -> dict:
    """`given` maps question keys to answers: plain ones as JSON values, an address as
    `{"uprn": 100012345678}`, a point as `{"latitude": 51.42, "longitude": -0.19}`.
    Raises ValidationError by question key."""
    by_key = {question.key: question for question in questions}
    stored: dict = {}
    errors: dict[str, list[str]] = {}
    for key, value in given.items():
        question = by_key.get(key)
        if question is None:
            errors[key] = [_("This service's form has no such question.")]
            continue
        convert = _CONVERTERS.get(question.type)
        try:
            stored[key] = convert(value) if convert and value is not None else value
        except ValidationError as exc:
            errors[key] = exc.messages
    if errors:
        raise ValidationError(errors)
    return stored


def _address(value) -> dict:
    uprn = value.get("uprn") if isinstance(value, dict) else None
    place = property_by_uprn(uprn) if isinstance(uprn, int) else None
    if place is None:
        raise ValidationError(_('Give an address in the borough by its UPRN, as {"uprn": 100012345678}.'))
    form = ChooseAddressForm([place], {"address": str(place.uprn)})
    form.full_clean()
    return form.answer()


def _location(value) -> dict:
    point = value if isinstance(value, dict) else {}
    form = FindPlaceForm({"latitude": point.get("latitude"), "longitude": point.get("longitude")})
    if form.is_answer:
        return form.answer()
    mistakes = [*form.errors.get("latitude", []), *form.errors.get("longitude", [])]
    raise ValidationError(mistakes or _('Give the point as {"latitude": 51.42, "longitude": -0.19}.'))


def _file(value) -> dict:
    # A file answer points into storage: only the web form's upload step may make one.
    raise ValidationError(_("Files cannot be sent through the API. Leave the question out if it is optional."))


_CONVERTERS = {"address": _address, "location": _location, "file": _file}
