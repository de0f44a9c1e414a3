"""The Open311 GeoReport v2 server against the specification: every resource in both
formats, its filters and limits, posting with keys, retries and every error."""

import datetime as dt
import json
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone

from townhall.accounts.models import Role
from townhall.accounts.tests.factories import StaffFactory
from townhall.cases import services as case_services
from townhall.cases.models import Case
from townhall.cases.services import Requester
from townhall.catalogue import journeys
from townhall.catalogue.models import Channel, FeeKind, ServiceStatus
from townhall.catalogue.tests.factories import DepartmentFactory, ServiceFactory
from townhall.core.models import AuditEvent
from townhall.gazetteer.models import AreaKind
from townhall.gazetteer.services import save_area
from townhall.gazetteer.tests.factories import PropertyFactory, StreetFactory
from townhall.integrations import services as key_services
from townhall.integrations.models import Open311Submission, Scope
from townhall.integrations.open311 import intake, selectors
from townhall.streetcare.models import Category, StreetReport

pytestmark = pytest.mark.django_db

ROOT = "/open311/v2"
OFFERED = ["web", "phone", "api"]
SPOT = {"key": "spot", "type": "location", "label": "Where is it?"}
WHERE = {
    "key": "where_on_street",
    "type": "single_choice",
    "label": "Where is the pothole?",
    "options": [{"value": "road", "label": "In the road"}, {"value": "pavement", "label": "On the pavement"}],
}
DEPTH = {"key": "depth", "type": "number", "label": "How deep is it?", "required": False, "min": 0, "max": 100}
PHOTO = {"key": "photo", "type": "file", "label": "Add a photo", "required": False}
DETAILS = {"key": "details", "type": "long_text", "label": "Anything else?", "required": False, "max_length": 2000}
WHAT = {
    "key": "what",
    "type": "multiple_choice",
    "label": "What has been dumped?",
    "options": [{"value": "bags", "label": "Bags"}, {"value": "furniture", "label": "Furniture"}],
}
SAW = {"key": "saw", "type": "yes_no", "label": "Did you see who dumped it?"}
WITNESS = {
    "key": "witness",
    "type": "text",
    "label": "What did you see?",
    "show_if": {"question": "saw", "equals": "yes"},
}
NOTICED = {"key": "noticed", "type": "date", "label": "When did you notice it?", "required": False}
HOME = {"key": "home", "type": "address", "label": "What is the address?"}
BIN = {
    "key": "bin",
    "type": "single_choice",
    "label": "Which bin was missed?",
    "options": [{"value": "refuse", "label": "Rubbish"}, {"value": "recycling", "label": "Recycling"}],
}
HERE = {"lat": "51.420000", "long": "-0.190000"}
SPOT_ANSWER = {"latitude": "51.42", "longitude": "-0.19", "text": "Alder Road"}
POTHOLE_ANSWERS = {"spot": SPOT_ANSWER, "where_on_street": "road"}


@pytest.fixture(autouse=True)
def _fresh_rate_counters():
    cache.clear()


@pytest.fixture
def highways():
    return DepartmentFactory(name="Highways", slug="highways")


@pytest.fixture
def pothole(highways):
    return ServiceFactory(
        name="Report a pothole",
        summary="A hole in the road.",
        keywords="road damage",
        department=highways,
        open311_code="POTHOLE",
        channels=OFFERED,
        questions=[SPOT, WHERE, DEPTH, PHOTO, DETAILS],
    )


@pytest.fixture
def fly_tipping(highways):
    return ServiceFactory(
        name="Report fly-tipping",
        department=highways,
        open311_code="FLYTIP",
        channels=OFFERED,
        questions=[SPOT, WHAT, SAW, WITNESS, NOTICED],
    )


@pytest.fixture
def missed_bin():
    return ServiceFactory(
        name="Report a missed bin", open311_code="MISSED-BIN", channels=OFFERED, questions=[HOME, BIN]
    )


@pytest.fixture
def hidden_services(highways):
    """Services with Open311 codes that must never be offered."""
    return [
        ServiceFactory(name="Complaint", open311_code="COMPLAINT", channels=OFFERED, restricted=True),
        ServiceFactory(name="Web only", open311_code="WEB-ONLY", channels=["web"]),
        ServiceFactory(name="Paid", open311_code="PAID", channels=OFFERED, fee_kind=FeeKind.FIXED, fee_pence=500),
        ServiceFactory(name="Draft", open311_code="DRAFT", channels=OFFERED, status=ServiceStatus.DRAFT),
        ServiceFactory(name="No code", channels=OFFERED),
        ServiceFactory(name="Staff only", open311_code="STAFF-ONLY", channels=["phone", "face_to_face"]),
    ]


@pytest.fixture
def admin():
    return StaffFactory(role=Role.COUNCIL_ADMIN)


@pytest.fixture
def issued(admin):
    return key_services.issue_api_key(client_name="Street app", scopes=[Scope.OPEN311], by=admin)


@pytest.fixture
def key(issued):
    return issued.secret


def get(client, path: str, fmt: str = "json", **params):
    return client.get(f"{ROOT}/{path}.{fmt}", params)


def post(client, fmt: str = "json", headers=None, **data):
    return client.post(f"{ROOT}/requests.{fmt}", data, headers=headers or {})


def xml(response) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    return ET.fromstring(response.content)  # noqa: S314 - our own answer


def body(response):
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def errors(response, status: int) -> list[str]:
    """The descriptions of an error answer, after checking its status and shape (JSON or XML)."""
    assert response.status_code == status, response.content
    if response["Content-Type"].startswith("text/xml"):
        root = xml(response)
        assert root.tag == "errors"
        assert {int(error.findtext("code")) for error in root.iter("error")} == {status}
        return [error.findtext("description") for error in root.iter("error")]
    items = body(response)
    assert {item["code"] for item in items} == {status}
    return [item["description"] for item in items]


def make_case(service, *, answers=None, at=None, **kwargs) -> Case:
    kwargs.setdefault("requester", Requester(name="Ada Lovelace", email="ada@example.com", phone="07700 900123"))
    case = case_services.submit_case(
        service=service, answers=POTHOLE_ANSWERS if answers is None else answers, channel=Channel.WEB, **kwargs
    )
    if at is not None:
        Case.objects.filter(pk=case.pk).update(submitted_at=at)
        case.refresh_from_db()
    return case


# Discovery and services


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_discovery_names_the_endpoint_its_formats_and_how_to_get_a_key(client, fmt, settings):
    settings.SITE_URL = "https://council.example"
    response = get(client, "discovery", fmt)

    assert response.status_code == 200
    if fmt == "json":
        data = body(response)
        endpoint = data["endpoints"][0]
        assert endpoint["url"] == "https://council.example/open311/v2"
        assert endpoint["formats"] == ["text/xml", "application/json"]
        assert data["key_service"]
    else:
        root = xml(response)
        assert root.tag == "discovery"
        assert root.findtext("endpoints/endpoint/url") == "https://council.example/open311/v2"
        assert [f.text for f in root.iterfind("endpoints/endpoint/formats/format")] == ["text/xml", "application/json"]
        assert root.findtext("endpoints/endpoint/type") == "test"  # the demo's settings


def test_services_lists_only_published_free_unrestricted_services_offered_by_api(
    client, pothole, fly_tipping, hidden_services, django_assert_max_num_queries
):
    with django_assert_max_num_queries(1):
        response = get(client, "services")

    services = body(response)
    assert [s["service_code"] for s in services] == ["POTHOLE", "FLYTIP"]  # by name
    pothole_item = services[0]
    assert pothole_item == {
        "service_code": "POTHOLE",
        "service_name": "Report a pothole",
        "description": "A hole in the road.",
        "metadata": True,
        "type": "realtime",
        "keywords": "road damage",
        "group": "Highways",
    }


def test_a_service_only_its_modules_pages_may_raise_is_neither_listed_nor_taken(client, pothole, monkeypatch):
    # A missed bin, say: its pages check the crews' records, which an Open311 client cannot.
    monkeypatch.setitem(journeys._own_journeys, pothole.slug, lambda place: "/bins/")

    assert body(get(client, "services")) == []
    assert get(client, "services/POTHOLE").status_code == 404


def test_services_in_xml_have_the_specifications_elements(client, pothole):
    root = xml(get(client, "services", "xml"))

    assert root.tag == "services"
    service = root.find("service")
    assert service.findtext("service_code") == "POTHOLE"
    assert service.findtext("metadata") == "true"
    assert service.findtext("group") == "Highways"


def test_a_private_street_category_says_so_in_its_keywords(client, pothole):
    Category.objects.create(service=pothole, private=True)

    assert body(get(client, "services"))[0]["keywords"] == "road damage, private"


def test_a_service_definition_gives_its_questions_as_attributes(client, fly_tipping):
    data = body(get(client, "services/FLYTIP"))

    assert data["service_code"] == "FLYTIP"
    by_code = {attribute["code"]: attribute for attribute in data["attributes"]}
    # The place is answered by lat/long, not an attribute.
    assert list(by_code) == ["what", "saw", "witness", "noticed"]
    assert by_code["what"]["datatype"] == "multivaluelist"
    assert by_code["what"]["values"] == [{"key": "bags", "name": "Bags"}, {"key": "furniture", "name": "Furniture"}]
    assert by_code["saw"]["datatype"] == "singlevaluelist"
    assert [v["key"] for v in by_code["saw"]["values"]] == ["yes", "no"]
    assert by_code["noticed"]["datatype"] == "datetime"
    assert by_code["noticed"]["required"] is False
    # Asked only when "saw" is yes, so optional to Open311, and its description says when.
    assert by_code["witness"]["required"] is False
    assert "saw is yes" in by_code["witness"]["datatype_description"]
    assert [a["order"] for a in data["attributes"]] == [1, 2, 3, 4]
    assert all(a["variable"] is True for a in data["attributes"])
    assert by_code["what"]["description"] == "What has been dumped?"


def test_a_service_definition_in_xml_wraps_values(client, pothole):
    root = xml(get(client, "services/POTHOLE", "xml"))

    assert root.tag == "service_definition"
    attributes = root.findall("attributes/attribute")
    assert [a.findtext("code") for a in attributes] == ["where_on_street", "depth", "details"]
    assert [a.findtext("datatype") for a in attributes] == ["singlevaluelist", "number", "text"]
    assert attributes[0].findtext("required") == "true"
    assert [v.findtext("key") for v in attributes[0].iterfind("values/value")] == ["road", "pavement"]
    assert attributes[1].findtext("datatype_description") == "A number from 0 to 100."


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("code", ["NOPE", "COMPLAINT", "WEB-ONLY", "PAID", "DRAFT", "STAFF-ONLY"])
def test_an_unknown_or_hidden_service_is_not_found(client, hidden_services, code, fmt):
    assert errors(get(client, f"services/{code}", fmt), 404) == [f"service_code: no service has the code {code}"]


# GET requests


def test_requests_show_status_dates_and_team_but_no_personal_data(client, pothole, django_assert_max_num_queries):
    home = PropertyFactory(street=StreetFactory(name="Alder Road"), building_number="12")
    case = make_case(pothole, address=home)
    case_services.add_public_update(case=case, text="Booked in", by=None)

    with django_assert_max_num_queries(2):
        response = get(client, "requests")

    [item] = body(response)
    assert item["service_request_id"] == case.reference
    assert item["status"] == "open"
    assert item["service_code"] == "POTHOLE"
    assert item["service_name"] == "Report a pothole"
    assert item["agency_responsible"] == case.team.name
    assert item["requested_datetime"] == timezone.localtime(case.submitted_at).isoformat(timespec="seconds")
    assert item["expected_datetime"].startswith(f"{case.due_date.isoformat()}T23:59:59")
    # Not a public street report: no place, no text, no updates, only what the status is.
    assert item["status_notes"] == "Received"
    assert item["lat"] is item["long"] is item["address"] is item["description"] is None
    text = response.content.decode()
    for personal in ("Ada", "Lovelace", "ada@example.com", "07700", "12 Alder", "Booked in"):
        assert personal not in text


def test_a_public_street_report_shows_where_it_is_what_it_says_and_its_latest_update(client, pothole):
    home = PropertyFactory(street=StreetFactory(name="Alder Road"), building_number="12")
    case = make_case(pothole, address=home)
    StreetReport.objects.create(
        case=case,
        latitude=Decimal("51.421"),
        longitude=Decimal("-0.191"),
        title="Deep pothole",
        detail="By the bus stop",
    )
    case_services.add_public_update(case=case, text="Booked in", by=None)
    case_services.add_public_update(case=case, text="Crew on the way", by=None)

    [item] = body(get(client, f"requests/{case.reference}"))

    assert item["lat"] == 51.421
    assert item["long"] == -0.191
    assert item["address"] == "Alder Road, Wexmoor"  # the street, never the house
    assert item["description"] == "Deep pothole\n\nBy the bus stop"
    assert item["status_notes"] == "Crew on the way"
    assert "Ada" not in json.dumps(item)


def test_a_hidden_private_or_moderated_report_keeps_its_place_and_words_to_itself(client, pothole, fly_tipping):
    hidden = make_case(pothole)
    StreetReport.objects.create(case=hidden, latitude=1, longitude=1, title="Hidden", public=False)
    moderated = make_case(pothole)
    StreetReport.objects.create(case=moderated, latitude=1, longitude=1, title="Rude words", text_hidden=True)
    Category.objects.create(service=fly_tipping, private=True)
    private = make_case(fly_tipping, answers={"spot": SPOT_ANSWER, "what": ["bags"], "saw": "no"})
    StreetReport.objects.create(case=private, latitude=1, longitude=1, title="Private")

    items = {item["service_request_id"]: item for item in body(get(client, "requests"))}

    assert items[hidden.reference]["lat"] is None
    assert items[private.reference]["lat"] is None
    assert items[private.reference]["description"] is None
    assert items[moderated.reference]["lat"] == 1
    assert items[moderated.reference]["description"] is None


def test_requests_in_xml(client, pothole):
    case = make_case(pothole)

    root = xml(get(client, "requests", "xml"))

    assert root.tag == "service_requests"
    [request] = root.findall("request")
    assert request.findtext("service_request_id") == case.reference
    assert request.findtext("status") == "open"
    assert request.find("lat").text is None


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_single_request_in_both_formats(client, pothole, fmt):
    case = make_case(pothole)

    response = get(client, f"requests/{case.reference}", fmt)

    if fmt == "json":
        assert [item["service_request_id"] for item in body(response)] == [case.reference]
    else:
        assert [r.findtext("service_request_id") for r in xml(response).iter("request")] == [case.reference]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_request_or_one_of_a_hidden_service_is_not_found(client, hidden_services, fmt):
    restricted = make_case(hidden_services[0], answers={"details": "Rude staff", "urgent": "no"})

    assert errors(get(client, "requests/WX-NOPE-NOPE", fmt), 404)
    assert errors(get(client, f"requests/{restricted.reference}", fmt), 404)
    assert body(get(client, "requests", service_request_id=restricted.reference)) == []


def test_requests_filter_by_ids_ignoring_the_other_filters(client, pothole):
    old = make_case(pothole, at=timezone.now() - dt.timedelta(days=200))
    new = make_case(pothole)

    found = body(get(client, "requests", service_request_id=f"{old.reference}, {new.reference}", status="closed"))

    assert {item["service_request_id"] for item in found} == {old.reference, new.reference}


def test_requests_filter_by_service_status_and_dates(client, pothole, fly_tipping):
    now = timezone.now()
    pothole_open = make_case(pothole, at=now - dt.timedelta(days=1))
    pothole_closed = make_case(pothole, at=now - dt.timedelta(days=5))
    case_services.change_status(case=pothole_closed, status="resolved", by=None)
    tipping = make_case(fly_tipping, answers={"spot": SPOT_ANSWER, "what": ["bags"], "saw": "no"})

    def ids(**params):
        return [item["service_request_id"] for item in body(get(client, "requests", **params))]

    assert ids() == [tipping.reference, pothole_open.reference, pothole_closed.reference]
    assert ids(service_code="POTHOLE") == [pothole_open.reference, pothole_closed.reference]
    assert ids(service_code="POTHOLE,FLYTIP") == ids()
    assert ids(status="open") == [tipping.reference, pothole_open.reference]
    assert ids(status="closed") == [pothole_closed.reference]
    assert ids(status="open,closed") == ids()
    two_days_ago = (now - dt.timedelta(days=2)).isoformat()
    assert ids(end_date=two_days_ago) == [pothole_closed.reference]
    assert ids(start_date=two_days_ago, service_code="POTHOLE") == [pothole_open.reference]
    assert ids(start_date=(now - dt.timedelta(days=6)).date().isoformat(), status="closed") == [
        pothole_closed.reference
    ]
    # An optional parameter sent empty is as if not sent.
    assert ids(status="", service_code="", start_date="") == ids()


def test_requests_default_to_the_last_90_days_and_refuse_a_wider_window(client, pothole):
    now = timezone.now()
    make_case(pothole, at=now - dt.timedelta(days=91))
    recent = make_case(pothole, at=now - dt.timedelta(days=89))

    assert [item["service_request_id"] for item in body(get(client, "requests"))] == [recent.reference]
    assert errors(get(client, "requests", start_date=(now - dt.timedelta(days=100)).isoformat()), 400) == [
        "start_date, end_date: ask for 90 days or fewer"
    ]


def test_requests_list_at_most_the_limit_newest_first(client, pothole, monkeypatch):
    monkeypatch.setattr(selectors, "MAX_REQUESTS", 2)
    now = timezone.now()
    cases = [make_case(pothole, at=now - dt.timedelta(hours=hours)) for hours in (3, 1, 2)]

    assert [item["service_request_id"] for item in body(get(client, "requests"))] == [
        cases[1].reference,
        cases[2].reference,
    ]


def test_the_list_reads_in_two_queries_however_many_requests(client, pothole, fly_tipping, django_assert_num_queries):
    for _n in range(3):
        StreetReport.objects.create(case=make_case(pothole), latitude=1, longitude=1, title="Hole")
        make_case(fly_tipping, answers={"spot": SPOT_ANSWER, "what": ["bags"], "saw": "no"})

    with django_assert_num_queries(2):  # the services offered, then their requests
        assert len(body(get(client, "requests"))) == 6


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"status": "pending"}, 400, "status: give open, closed or open,closed"),
        ({"start_date": "last tuesday"}, 400, "start_date: give a date and time like 2026-11-22T10:15:00+00:00"),
        ({"end_date": "2026-02-30"}, 400, "end_date: give a date and time like 2026-11-22T10:15:00+00:00"),
        (
            {"start_date": "2026-01-10T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
            400,
            "end_date: must be after start_date",
        ),
        ({"service_code": "POTHOLE,NOPE"}, 404, "service_code: no service has the code NOPE"),
        ({"jurisdiction_id": "elsewhere.example"}, 404, "jurisdiction_id: this server answers only for testserver"),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_filters_are_refused_in_the_specs_error_format(client, pothole, settings, params, status, message, fmt):
    settings.SITE_URL = "http://testserver"

    assert errors(get(client, "requests", fmt, **params), status) == [message]


def test_our_own_jurisdiction_is_accepted(client, pothole, settings):
    settings.SITE_URL = "https://wexmoor.example"

    assert get(client, "services", jurisdiction_id="wexmoor.example").status_code == 200


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_wrong_methods_are_refused_with_405(client, pothole, fmt):
    assert errors(client.post(f"{ROOT}/services.{fmt}"), 405) == ["POST is not allowed here"]
    response = client.delete(f"{ROOT}/requests.{fmt}")
    assert errors(response, 405) == ["DELETE is not allowed here"]
    assert response["Allow"] == "GET, HEAD, POST"


@pytest.mark.parametrize(("path", "content_type"), [("nothing.json", "application/json"), ("services.csv", "text/xml")])
def test_anything_else_under_the_root_is_not_found_in_the_specs_format(client, path, content_type):
    response = client.get(f"{ROOT}/{path}")

    assert response.status_code == 404
    assert response["Content-Type"].startswith(content_type)


# POST requests


def fly_tipping_report(key, **extra):
    return {
        "api_key": key,
        "service_code": "FLYTIP",
        **HERE,
        "attribute[what][]": ["bags", "furniture"],
        "attribute[saw]": "yes",
        "attribute[witness]": "A white van",
        **extra,
    }


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_posting_a_request_makes_a_case_on_the_api_channel(client, fly_tipping, issued, key, fmt):
    response = post(
        client,
        fmt,
        **fly_tipping_report(key),
        email="ada@example.com",
        first_name="Ada",
        last_name="Lovelace",
        phone="07700 900123",
        media_url="https://photos.example/1.jpg",
        device_id="phone-1",
        account_id="acct-9",
        **{"attribute[noticed]": "2026-11-20T09:00:00+00:00"},
    )

    assert response.status_code == 200, response.content
    case = Case.objects.get()
    if fmt == "json":
        assert body(response) == [
            {"service_request_id": case.reference, "service_notice": None, "account_id": "acct-9"}
        ]
    else:
        assert xml(response).findtext("request/service_request_id") == case.reference
    assert case.channel == Channel.API
    assert case.service == fly_tipping
    assert case.answers == {
        "spot": {"latitude": "51.420000", "longitude": "-0.190000", "text": "51.420000, -0.190000"},
        "what": ["bags", "furniture"],
        "saw": "yes",
        "witness": "A white van",
        "noticed": "2026-11-20",
    }
    assert (case.latitude, case.longitude) == (Decimal("51.42"), Decimal("-0.19"))
    assert (case.requester_name, case.requester_email, case.requester_phone) == (
        "Ada Lovelace",
        "ada@example.com",
        "07700 900123",
    )
    submission = Open311Submission.objects.get(case=case)
    assert (submission.api_key, submission.device_id, submission.account_id) == (issued.api_key, "phone-1", "acct-9")
    assert submission.media_url == "https://photos.example/1.jpg"
    assert AuditEvent.objects.filter(action="open311.request_submitted", target_id=str(case.pk)).exists()
    issued.api_key.refresh_from_db()
    assert issued.api_key.last_used_at is not None


def test_a_request_in_a_street_category_is_a_street_report_with_the_description_as_its_detail(client, pothole, key):
    Category.objects.create(service=pothole)

    response = post(
        client,
        api_key=key,
        service_code="POTHOLE",
        **HERE,
        description="By the bus stop",
        **{"attribute[depth]": "7", "attribute[where_on_street]": "road"},
    )

    assert response.status_code == 200, response.content
    case = Case.objects.get()
    report = StreetReport.objects.get(case=case)
    assert (report.latitude, report.longitude) == (Decimal("51.42"), Decimal("-0.19"))
    assert (report.title, report.detail, report.public) == ("Report a pothole", "By the bus stop", True)
    assert (case.channel, case.answers["depth"]) == (Channel.API, "7")
    # Read back, a public report shows where it is and what it says.
    [item] = body(get(client, f"requests/{case.reference}"))
    assert (item["lat"], item["description"]) == (51.42, "Report a pothole\n\nBy the bus stop")


def test_a_list_attribute_may_repeat_without_brackets(client, fly_tipping, key):
    report = fly_tipping_report(key)
    report["attribute[what]"] = report.pop("attribute[what][]")

    assert post(client, **report).status_code == 200
    assert Case.objects.get().answers["what"] == ["bags", "furniture"]


def test_the_description_answers_the_forms_free_text_question(client, pothole, key):
    post(
        client,
        api_key=key,
        service_code="POTHOLE",
        **HERE,
        description="Very deep",
        **{"attribute[where_on_street]": "road"},
    )

    case = Case.objects.get()
    assert case.answers["details"] == "Very deep"
    assert case.open311_submission.description == "Very deep"


def test_an_address_id_answers_the_address_question(client, missed_bin, key):
    home = PropertyFactory()

    post(client, api_key=key, service_code="MISSED-BIN", address_id=str(home.uprn), **{"attribute[bin]": "refuse"})

    case = Case.objects.get()
    assert case.address == home
    assert case.answers["home"] == {"uprn": home.uprn, "text": home.single_line}
    assert (case.latitude, case.longitude) == (home.latitude, home.longitude)


def test_an_address_string_is_matched_to_a_street_in_the_borough(client, pothole, key):
    street = StreetFactory(name="Alder Road")
    PropertyFactory(street=street, latitude=Decimal("51.410000"), longitude=Decimal("-0.200000"))

    response = post(
        client,
        api_key=key,
        service_code="POTHOLE",
        address_string="alder road",
        **{"attribute[where_on_street]": "road"},
    )

    assert response.status_code == 200, response.content
    case = Case.objects.get()
    assert case.answers["spot"]["text"] == "alder road"
    assert (case.latitude, case.longitude) == (Decimal("51.41"), Decimal("-0.2"))


def test_a_retry_of_the_same_request_gives_the_first_case(client, pothole, key, monkeypatch):
    report = {
        "api_key": key,
        "service_code": "POTHOLE",
        **HERE,
        "attribute[where_on_street]": "road",
        "device_id": "p1",
    }
    # Sent half a minute before a retry window ends, and again nine minutes later, in the
    # next window: still the same request (a retry within the window's length always is).
    window = intake.RETRY_WINDOW.total_seconds()
    window_end = (timezone.now().timestamp() // window + 1) * window
    first_sent = dt.datetime.fromtimestamp(window_end - 30, tz=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: first_sent)
    first = body(post(client, **report))
    later = first_sent + dt.timedelta(minutes=9)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert body(post(client, **report)) == first
    assert xml(post(client, "xml", **report)).findtext("request/service_request_id") == first[0]["service_request_id"]
    assert Case.objects.count() == 1
    assert Open311Submission.objects.count() == 1
    assert AuditEvent.objects.filter(action="open311.request_submitted").count() == 1
    # Another device's identical report is another report.
    post(client, **report | {"device_id": "p2"})
    assert Case.objects.count() == 2


def test_a_request_sent_again_after_the_retry_window_is_a_new_one(client, pothole, key, monkeypatch):
    report = {"api_key": key, "service_code": "POTHOLE", **HERE, "attribute[where_on_street]": "road"}
    post(client, **report)
    later = timezone.now() + intake.RETRY_WINDOW * 2
    monkeypatch.setattr(timezone, "now", lambda: later)

    post(client, **report)

    assert Case.objects.count() == 2


def test_an_idempotency_key_header_makes_any_retry_safe(client, pothole, key):
    report = {"api_key": key, "service_code": "POTHOLE", **HERE, "attribute[where_on_street]": "road"}
    headers = {"Idempotency-Key": "retry-123"}

    first = body(post(client, headers=headers, **report))
    again = body(post(client, headers=headers, **report | {"attribute[where_on_street]": "pavement"}))

    assert again == first
    assert Case.objects.get().answers["where_on_street"] == "road"


# POST errors


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_posting_without_a_key_or_with_a_bad_one_is_forbidden(client, pothole, key, fmt):
    report = {"service_code": "POTHOLE", **HERE, "attribute[where_on_street]": "road"}

    assert errors(post(client, fmt, **report), 403) == ["api_key: send your API key to post a request"]
    assert errors(post(client, fmt, api_key=key + "x", **report), 403)
    assert not Case.objects.exists()


def test_a_revoked_key_or_one_without_the_open311_scope_is_forbidden(client, pothole, admin, issued):
    key_services.revoke_api_key(api_key=issued.api_key, by=admin)
    other = key_services.issue_api_key(
        client_name="Reporting", scopes=[Scope.CASES_READ], user=StaffFactory(), by=admin
    ).secret
    report = {"service_code": "POTHOLE", **HERE, "attribute[where_on_street]": "road"}

    assert errors(post(client, api_key=issued.secret, **report), 403)
    assert errors(post(client, api_key=other, **report), 403)
    assert not Case.objects.exists()


def test_a_key_over_its_rate_is_told_to_wait(client, pothole, admin, monkeypatch):
    key = key_services.issue_api_key(client_name="Busy app", scopes=[Scope.OPEN311], rate_per_minute=2, by=admin).secret
    report = {"api_key": key, "service_code": "POTHOLE", **HERE}
    # All within one minute's allowance, 15 seconds before it renews.
    moment = timezone.now().replace(second=45)
    monkeypatch.setattr(timezone, "now", lambda: moment)

    for attribute in ("road", "pavement"):
        assert post(client, **report, **{"attribute[where_on_street]": attribute}).status_code == 200
    response = post(client, "xml", **report, **{"attribute[where_on_street]": "road", "device_id": "x"})

    assert errors(response, 429) == ["Too many requests: this key may post 2 a minute; try again in a minute"]
    assert response["Retry-After"] == "15"
    assert Case.objects.count() == 2


@pytest.mark.parametrize(
    ("data", "status", "messages"),
    [
        ({}, 400, ["service_code: say which service the request is for"]),
        ({"service_code": "NOPE"}, 404, ["service_code: no service has the code NOPE"]),
        ({"service_code": "COMPLAINT"}, 404, ["service_code: no service has the code COMPLAINT"]),
        (
            {"service_code": "POTHOLE", "attribute[where_on_street]": "road"},
            400,
            ["lat/long: say where it is with lat and long, address_string or address_id"],
        ),
        (
            {"service_code": "POTHOLE", "lat": "51.4", "attribute[where_on_street]": "road"},
            400,
            ["lat/long: give both, in decimal degrees, like lat=51.42 and long=-0.19"],
        ),
        (
            {"service_code": "POTHOLE", "lat": "91", "long": "0", "attribute[where_on_street]": "road"},
            400,
            ["lat/long: give both, in decimal degrees, like lat=51.42 and long=-0.19"],
        ),
        (
            {"service_code": "POTHOLE", "address_id": "123", "attribute[where_on_street]": "road"},
            400,
            ["address_id: no address in the borough has the UPRN 123"],
        ),
        (
            {"service_code": "POTHOLE", "address_string": "Nowhere Lane", "attribute[where_on_street]": "road"},
            400,
            ["address_string: no street or address in the borough matches it"],
        ),
        (
            {"service_code": "POTHOLE", **HERE, "attribute[where_on_street]": "sky", "attribute[depth]": "101"},
            400,
            ["attribute[where_on_street]: ", "attribute[depth]: "],
        ),
        ({"service_code": "POTHOLE", **HERE}, 400, ["attribute[where_on_street]: "]),
        (
            {"service_code": "POTHOLE", **HERE, "attribute[where_on_street]": ["road", "pavement"]},
            400,
            ["attribute[where_on_street]: give one value, not 2"],
        ),
        (
            {"service_code": "POTHOLE", **HERE, "attribute[where_on_street]": "road", "attribute[colour]": "red"},
            400,
            ["attribute[colour]: this service has no such attribute"],
        ),
        (
            {
                "service_code": "FLYTIP",
                **HERE,
                "attribute[what]": "bags",
                "attribute[saw]": "no",
                "attribute[noticed]": "x",
            },
            400,
            ["attribute[noticed]: give a date, like 2026-11-22"],
        ),
        (
            {"service_code": "POTHOLE", **HERE, "attribute[where_on_street]": "road", "email": "ada@"},
            400,
            ["email: give an email address in the correct format, like name@example.com"],
        ),
        (
            {"service_code": "POTHOLE", **HERE, "attribute[where_on_street]": "road", "media_url": "ftp://x.example/a"},
            400,
            ["media_url: give a web address starting http:// or https://"],
        ),
        (
            {"service_code": "POTHOLE", **HERE, "attribute[where_on_street]": "road", "description": "x" * 4001},
            400,
            ["description: must be 4000 characters or fewer"],
        ),
    ],
)
def test_bad_requests_are_refused_one_error_per_problem_and_save_nothing(
    client, pothole, fly_tipping, hidden_services, key, data, status, messages
):
    """`messages` are each error's start: the form's own words follow a field's name."""
    found = errors(post(client, api_key=key, **data), status)

    assert len(found) == len(messages), found
    assert all(text.startswith(start) for text, start in zip(found, messages, strict=True)), found
    assert not Case.objects.exists()


def test_a_conditional_attribute_is_required_when_its_condition_holds(client, fly_tipping, key):
    report = fly_tipping_report(key)
    del report["attribute[witness]"]

    [message] = errors(post(client, **report), 400)
    assert message.startswith("attribute[witness]: ")
    assert not Case.objects.exists()


def test_a_point_outside_the_borough_is_refused_naming_the_neighbour(client, pothole, key):
    square = [[[-0.3, 51.3], [-0.1, 51.3], [-0.1, 51.5], [-0.3, 51.5], [-0.3, 51.3]]]
    save_area(kind=AreaKind.BOROUGH, name="Wexmoor", boundary=square)
    save_area(
        kind=AreaKind.NEIGHBOUR,
        name="Ashby Vale",
        website="https://ashby.example/report",
        boundary=[[[-0.1, 51.3], [0.1, 51.3], [0.1, 51.5], [-0.1, 51.5], [-0.1, 51.3]]],
    )
    report = {"api_key": key, "service_code": "POTHOLE", "attribute[where_on_street]": "road"}

    [message] = errors(post(client, **report, lat="51.4", long="0.0"), 400)

    assert message.startswith("lat/long: This location is outside Wexmoor.")
    assert "Ashby Vale at https://ashby.example/report" in message
    assert post(client, **report, **HERE).status_code == 200


def test_a_category_whose_notice_stops_reports_refuses_them_with_it(client, pothole, key):
    Category.objects.create(service=pothole, notice="Gas leak? Call 0800 111 999 now.", notice_stops_report=True)

    response = post(client, api_key=key, service_code="POTHOLE", **HERE, **{"attribute[where_on_street]": "road"})

    assert errors(response, 400) == ["Gas leak? Call 0800 111 999 now."]
    assert not Case.objects.exists()


def test_the_case_page_include_shows_staff_what_the_client_sent(client, pothole, key):
    post(
        client,
        api_key=key,
        service_code="POTHOLE",
        **HERE,
        description="Very deep",
        media_url="https://photos.example/1.jpg",
        device_id="phone-1",
        **{"attribute[where_on_street]": "road"},
    )

    shown = render_to_string("integrations/open311/case_submission.html", {"case": Case.objects.get()})

    for text in ("Sent through Open311", "Street app", "Very deep", 'href="https://photos.example/1.jpg"', "phone-1"):
        assert text in shown
    assert not render_to_string("integrations/open311/case_submission.html", {"case": make_case(pothole)}).strip()
