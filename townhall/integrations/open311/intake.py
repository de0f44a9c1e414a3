"""POST requests: reading a client's request into the answers of the service's form.

Every problem with a request is reported at once, one error per bad field or attribute,
in the words the web form uses, prefixed by the field's Open311 name.
"""

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.http import QueryDict
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from townhall.cases.services import Requester
from townhall.catalogue.answering import clean_answers
from townhall.catalogue.models import Service
from townhall.catalogue.questions import Question, parse_questions, visible_questions
from townhall.gazetteer import selectors as gazetteer
from townhall.gazetteer.models import Property
from townhall.integrations.models import ApiKey
from townhall.integrations.open311.attributes import posted_answers
from townhall.integrations.open311.formats import Open311Error
from townhall.streetcare import services as streetcare

# The longest value each plain field takes (the spec's 4,000 characters for a description).
MAX_LENGTHS = {
    "email": 254,
    "first_name": 100,
    "last_name": 100,
    "phone": 30,
    "description": 4000,
    "media_url": 500,
    "device_id": 100,
    "account_id": 100,
    "address_string": 300,
}
# Questions Open311 answers with its own fields rather than an attribute.
FIELD_ANSWERING = {"location": "lat/long", "address": "address_id", "file": "media_url"}
SIX_PLACES = Decimal("0.000001")
# A client sending the same request again within this long (up to twice as long, as keys
# come from fixed windows) gets the first one's answer, not a second case: a retry after a
# lost answer, a double tap.
RETRY_WINDOW = dt.timedelta(minutes=10)
_SUBMISSION_KEYS = uuid.uuid5(uuid.NAMESPACE_URL, "townhall:open311:requests")


@dataclass(frozen=True)
class Location:
    latitude: Decimal
    longitude: Decimal
    address: Property | None = None
    text: str = ""
    place: str = ""  # the gazetteer's name for the place it was matched to, if it was


@dataclass(frozen=True)
class Submission:
    answers: dict
    location: Location
    requester: Requester
    device_id: str
    account_id: str
    description: str
    media_url: str


def submission_keys(*, api_key: ApiKey, data: QueryDict, idempotency_key: str, now: dt.datetime) -> list[uuid.UUID]:
    """The keys that identify this request as a repeat of an earlier one: the client's own
    idempotency key, else its whole body within the retry window (this window's key first,
    the one a new case takes, then the last window's)."""
    if idempotency_key:
        return [uuid.uuid5(_SUBMISSION_KEYS, f"{api_key.pk}:key:{idempotency_key}")]
    body = urlencode(sorted((name, value) for name in data if name != "api_key" for value in data.getlist(name)))
    window = int(now.timestamp() // RETRY_WINDOW.total_seconds())
    return [uuid.uuid5(_SUBMISSION_KEYS, f"{api_key.pk}:{w}:{body}") for w in (window, window - 1)]


class _Problem(Exception):
    """What is wrong with one field of the request."""

    def __init__(self, field: str, message: str):
        super().__init__(field, message)
        self.field, self.message = field, message


def read_submission(service: Service, data: QueryDict) -> Submission:
    """The request `data` makes of `service`; raises Open311Error (400) listing every problem."""
    questions = parse_questions(service.current_form.questions)
    answers, attribute_errors = posted_answers(questions, data)
    problems = {f"attribute[{key}]": message for key, message in attribute_errors.items()}
    fields = {name: data.get(name, "").strip() for name in MAX_LENGTHS}
    problems |= _field_problems(fields)
    # Where each question's answer came from, to name it in an error.
    sources = {question.key: FIELD_ANSWERING.get(question.type, f"attribute[{question.key}]") for question in questions}
    try:
        location = _location(data, fields["address_string"])
    except _Problem as problem:
        location = None
        problems[problem.field] = problem.message
        sources |= {q.key: problem.field for q in questions if q.type in ("location", "address")}
    else:
        _answer_location(questions, answers, location)
    if "description" not in problems and (
        described := _answer_description(service, questions, answers, fields["description"])
    ):
        sources[described] = "description"
    try:
        clean_answers(questions, answers)
    except ValidationError as invalid:
        for key, messages in invalid.message_dict.items():
            # One error a field: the first found (how it was sent) says what to put right.
            problems.setdefault(sources.get(key, key), " ".join(messages))
    if problems or location is None:
        raise Open311Error(400, *(f"{field}: {message}" for field, message in problems.items()))
    name = " ".join(part for part in (fields["first_name"], fields["last_name"]) if part)
    return Submission(
        answers=answers,
        location=location,
        requester=Requester(name=name, email=fields["email"], phone=fields["phone"]),
        device_id=fields["device_id"],
        account_id=fields["account_id"],
        description=fields["description"],
        media_url=fields["media_url"],
    )


def _field_problems(fields: dict[str, str]) -> dict[str, str]:
    problems = {
        name: _("must be %(n)s characters or fewer") % {"n": limit}
        for name, limit in MAX_LENGTHS.items()
        if len(fields[name]) > limit
    }
    if fields["email"] and not _passes(validate_email, fields["email"]):
        problems.setdefault("email", _("give an email address in the correct format, like name@example.com"))
    if fields["media_url"] and not _passes(URLValidator(schemes=["http", "https"]), fields["media_url"]):
        problems.setdefault("media_url", _("give a web address starting http:// or https://"))
    return problems


def _passes(validator, value: str) -> bool:
    try:
        validator(value)
    except ValidationError:
        return False
    return True


def _location(data: QueryDict, address_string: str) -> Location:
    """Where the request is about, from lat and long, address_id (a UPRN) or address_string
    (matched to a street or address as the web form's search matches it). Raises _Problem
    when it cannot be told or is outside the borough."""
    latitude, longitude = data.get("lat", "").strip(), data.get("long", "").strip()
    address_id = data.get("address_id", "").strip()
    address = _address(address_id) if address_id else None
    if latitude or longitude:
        point = _point(latitude, longitude)
        location = Location(*point, address=address, text=address_string or f"{point[0]}, {point[1]}")
    elif address is not None:
        location = Location(
            address.latitude, address.longitude, address=address, text=address.single_line, place=f"uprn:{address.uprn}"
        )
    elif address_string:
        places = gazetteer.places_matching(address_string, limit=1)
        if not places:
            raise _Problem("address_string", _("no street or address in the borough matches it"))
        place = places[0]
        location = Location(Decimal(place.latitude), Decimal(place.longitude), text=address_string, place=place.value)
    else:
        raise _Problem("lat/long", _("say where it is with lat and long, address_string or address_id"))
    if refusal := gazetteer.locate_point(location.latitude, location.longitude).refusal:
        raise _Problem("lat/long", refusal)
    return location


def _point(latitude: str, longitude: str) -> tuple[Decimal, Decimal]:
    try:
        point = Decimal(latitude).quantize(SIX_PLACES), Decimal(longitude).quantize(SIX_PLACES)
    except InvalidOperation:  # missing, not a number, or not finite
        point = None
    if point is None or not (-90 <= point[0] <= 90 and -180 <= point[1] <= 180):
        raise _Problem("lat/long", _("give both, in decimal degrees, like lat=51.42 and long=-0.19"))
    return point


def _address(address_id: str) -> Property:
    address = gazetteer.property_by_uprn(int(address_id)) if address_id.isdigit() else None
    if address is None:
        raise _Problem("address_id", _("no address in the borough has the UPRN %(uprn)s") % {"uprn": address_id})
    return address


def _answer_location(questions: list[Question], answers: dict, location: Location) -> None:
    """The location answers the form's first place question, and its address the first
    address question, as the web form's search and choice would have."""
    place_question = next((q for q in questions if q.type == "location"), None)
    if place_question is not None:
        answers[place_question.key] = {
            "latitude": str(location.latitude),
            "longitude": str(location.longitude),
            "text": location.text,
        } | ({"place": location.place} if location.place else {})
    address_question = next((q for q in questions if q.type == "address"), None)
    if address_question is not None and location.address is not None:
        answers[address_question.key] = {"uprn": location.address.uprn, "text": location.address.single_line}


def _answer_description(service: Service, questions: list[Question], answers: dict, description: str) -> str | None:
    """Where the description goes: a street report's detail, as the web journey's "tell us
    more"; else the form's first long-text question left unanswered, where the web form asks
    for the details in the resident's own words. The key of the question it answered, if one."""
    if not description:
        return None
    if hasattr(service, "street_category"):
        answers[streetcare.DETAIL] = description
        return None
    free_text = next(
        (q for q in visible_questions(questions, answers) if q.type == "long_text" and q.key not in answers), None
    )
    if free_text is None:
        return None
    answers[free_text.key] = description
    return free_text.key
