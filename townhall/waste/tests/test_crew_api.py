"""The crews' in-cab API: who may use it, a round's worklist as JSON, recording what the crew
found through the same service as the crews' page, and every refusal answered in JSON."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from townhall.core import calendar
from townhall.waste.models import AssistedCollection, CrewOutcome, CrewRecord, RoundDay
from townhall.waste.tests.missed_helpers import ALLOWED, REFUSED, TUESDAY, crew_staff, home_on_round
from townhall.waste.tests.test_crews_pages import round_with_streets

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tuesday_morning", "fast_passwords")]
# The people, the clock (Tuesday 2 June, 8am), a home on a round and a media folder.
pytest_plugins = ["townhall.waste.tests.crew_fixtures"]


def urls(round_, day=TUESDAY) -> tuple[str, str]:
    return (
        reverse("crews:api_worklist", args=[round_.code, day]),
        reverse("crews:api_record", args=[round_.code, day]),
    )


def post_json(client: Client, url: str, data):
    return client.post(url, data, content_type="application/json")


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"]
    return body


# Who may use it


def test_anonymous_devices_are_told_to_sign_in_in_json(login, round_home):
    place, round_ = round_home
    client = login("anonymous")
    worklist_url, record_url = urls(round_)

    assert_problem(client.get(worklist_url), 401)
    assert_problem(post_json(client, record_url, {"uprn": place.uprn, "outcome": "done"}), 401)
    assert not CrewRecord.objects.exists()


@pytest.mark.parametrize("who", REFUSED)
def test_the_api_refuses_staff_who_do_not_record_rounds_and_residents(login, round_home, who):
    place, round_ = round_home
    client = login(who)
    worklist_url, record_url = urls(round_)

    assert_problem(client.get(worklist_url), 403)
    assert_problem(post_json(client, record_url, {"uprn": place.uprn, "outcome": "done"}), 403)
    assert not CrewRecord.objects.exists()
    assert not RoundDay.objects.exists()


@pytest.mark.parametrize("who", ALLOWED)
def test_crew_members_read_the_worklist_and_record(login, round_home, who):
    place, round_ = round_home
    client = login(who)
    worklist_url, record_url = urls(round_)

    assert client.get(worklist_url).status_code == 200
    assert post_json(client, record_url, {"uprn": place.uprn, "outcome": "done"}).status_code == 200
    assert CrewRecord.objects.get().property == place


def test_a_post_without_the_csrf_token_is_refused_in_json(round_home):
    place, round_ = round_home
    client = Client(enforce_csrf_checks=True)
    client.force_login(crew_staff())
    _worklist_url, record_url = urls(round_)

    refused = post_json(client, record_url, {"uprn": place.uprn, "outcome": "done"})

    assert "CSRF" in assert_problem(refused, 403)["title"]
    assert not CrewRecord.objects.exists()
    client.get(reverse("crews:today"))  # a page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    accepted = client.post(
        record_url,
        {"uprn": place.uprn, "outcome": "done"},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert accepted.status_code == 200


def test_other_methods_are_refused_in_json(login, round_home):
    _place, round_ = round_home
    client = login("waste officer")
    worklist_url, record_url = urls(round_)

    assert assert_problem(client.post(worklist_url), 405)
    response = client.get(record_url)
    assert_problem(response, 405)
    assert response["Allow"] == "POST"


# The worklist


def test_the_worklist_lists_streets_and_properties_in_order_with_what_the_crew_needs(login):
    round_ = round_with_streets(2)
    client = login("waste officer")

    data = client.get(urls(round_)[0]).json()

    assert data["round"]["code"] == round_.code and data["date"] == "2026-06-02" and data["collects"] is True
    assert [street["name"] for street in data["streets"]] == ["Street 00", "Street 01"]
    first_street = data["streets"][0]
    assert first_street["recorded"]["outcome"] == "done"
    first, second = first_street["properties"]
    assert first["label"].startswith("1 ") and second["label"].startswith("2 ")
    assert first["due"] is True and first["bins"]["stream"] == "refuse"
    assert first["assisted"] == {"location": "Side gate", "until": None}
    [missed] = first["missed"]
    assert missed["collection_date"] == "2026-06-02" and missed["reference"]
    # Its own record, else its street's.
    assert first["recorded"]["outcome"] == "done" and first["recorded"]["whole_street"] is True
    assert second["recorded"]["outcome"] == "not_presented" and second["recorded"]["whole_street"] is False
    assert second["assisted"] is None and second["missed"] == []


def test_the_worklist_leaves_out_an_assisted_collection_that_has_ended(login, round_home):
    place, round_ = round_home
    AssistedCollection.objects.create(property=place, starts=TUESDAY, location_note="Side gate", active=False)
    client = login("waste officer")

    [street] = client.get(urls(round_)[0]).json()["streets"]

    assert street["properties"][0]["assisted"] is None


def test_the_worklist_costs_the_same_queries_for_3_and_30_streets(login, django_assert_num_queries):
    client = login("waste officer")
    small, large = round_with_streets(3), round_with_streets(30)
    calendar.non_working_days()
    client.get(urls(small)[0])  # the session, warmed

    with django_assert_num_queries(10) as small_queries:
        client.get(urls(small)[0])
    with django_assert_num_queries(len(small_queries)):
        data = client.get(urls(large)[0]).json()

    assert sum(len(street["properties"]) for street in data["streets"]) == 60


def test_an_unknown_round_or_a_day_still_to_come_is_not_found_in_json(login, round_home):
    _place, round_ = round_home
    client = login("waste officer")

    assert_problem(client.get(reverse("crews:api_worklist", args=["no-such-round", TUESDAY])), 404)
    assert_problem(client.get(urls(round_, TUESDAY.replace(day=3))[0]), 404)


# Recording


def test_a_record_is_made_by_the_crews_service_and_sent_twice_is_made_once(login, round_home):
    place, round_ = round_home
    client = login("waste officer")
    record_url = urls(round_)[1]
    data = {"uprn": place.uprn, "outcome": "blocked", "note": "Van across the drive"}

    first = post_json(client, record_url, data)
    again = post_json(client, record_url, data)

    assert first.status_code == again.status_code == 200
    assert first.json()["recorded"]["outcome"] == "blocked"
    assert first.json()["recorded"]["recorded_at"].startswith("2026-06-02T07:00:00")  # 8am in London
    record = CrewRecord.objects.get()
    assert (record.property, record.outcome, record.note) == (place, "blocked", "Van across the drive")
    assert RoundDay.objects.get().started_at is not None  # the first record starts the round
    worklist = client.get(urls(round_)[0]).json()
    assert worklist["streets"][0]["properties"][0]["recorded"]["note"] == "Van across the drive"


def test_a_whole_street_is_recorded_by_its_usrn(login, round_home):
    place, round_ = round_home
    client = login("waste officer")

    response = post_json(client, urls(round_)[1], {"usrn": place.street.usrn, "outcome": "done"})

    assert response.status_code == 200
    record = CrewRecord.objects.get()
    assert record.property is None and record.street == place.street


def test_a_record_with_a_photo_is_sent_as_a_form(login, round_home, media):
    place, round_ = round_home
    client = login("waste officer")
    image = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(image, "PNG")

    response = client.post(
        urls(round_)[1],
        {
            "uprn": place.uprn,
            "outcome": CrewOutcome.CONTAMINATED,
            "photo": SimpleUploadedFile("bin.png", image.getvalue(), "image/png"),
        },
    )

    assert response.status_code == 200 and response.json()["recorded"]["has_photo"] is True
    assert CrewRecord.objects.get().photo


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"outcome": "done"}, "record", "Give either the property's UPRN or the street's USRN"),
        ({"uprn": 1, "usrn": 2, "outcome": "done"}, "record", "Give either the property's UPRN or the street's USRN"),
        ({"uprn": "twelve", "outcome": "done"}, "uprn", "Enter the UPRN as a number"),
        ({"uprn": "{uprn}", "outcome": "exploded"}, "outcome", "Select what you found"),
        ({"uprn": "{uprn}"}, "outcome", "Select what you found"),
        ({"uprn": "{uprn}", "outcome": "done", "note": "x" * 301}, "note", "The note must be 300 characters or fewer"),
        ({"uprn": 990000099999, "outcome": "done"}, "uprn", "There is no property with that UPRN"),
        ({"usrn": 99999999, "outcome": "done"}, "usrn", "There is no street with that USRN"),
    ],
)
def test_a_record_with_mistakes_is_refused_field_by_field(login, round_home, data, field, message):
    place, round_ = round_home
    client = login("waste officer")
    data = {key: place.uprn if value == "{uprn}" else value for key, value in data.items()}

    body = assert_problem(post_json(client, urls(round_)[1], data), 400)

    assert body["errors"][field] == [message]
    assert not CrewRecord.objects.exists()


def test_a_body_that_is_not_a_json_object_is_refused(login, round_home):
    _place, round_ = round_home
    client = login("waste officer")

    assert_problem(client.post(urls(round_)[1], "[1, 2", content_type="application/json"), 400)
    assert_problem(post_json(client, urls(round_)[1], [1, 2]), 400)
    assert not CrewRecord.objects.exists()


def test_an_address_on_another_round_is_refused_with_the_crews_reason(login, round_home):
    _place, round_ = round_home
    elsewhere, _other_round = home_on_round(number="99")
    client = login("waste officer")

    body = assert_problem(post_json(client, urls(round_)[1], {"uprn": elsewhere.uprn, "outcome": "done"}), 422)

    assert body["detail"] == "That address is not on this round."
    assert not CrewRecord.objects.exists()
