"""The report journey under /report/, page by page, without JavaScript (the browser tests
drive the map): where, what, which asset, the category's questions, words, photos, who,
reports nearby, check and send."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from townhall.cases.models import Case, CaseWatcher, Draft
from townhall.catalogue.models import Channel
from townhall.streetcare import journey
from townhall.streetcare.models import Asset, StreetReport
from townhall.streetcare.services import submit_report
from townhall.streetcare.tests.reporting.conftest import ALDER_ROAD, POTHOLE_ANSWERS, photo_with_location

pytestmark = pytest.mark.django_db
POINT = {"latitude": "51.420000", "longitude": "-0.190000"}
ADA = {"full_name": "Ada Resident", "email": "ada@example.com", "phone": ""}


def url(name: str, *args) -> str:
    return reverse(f"street_report:{name}", args=args)


def follow(response) -> str:
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def mark_point(client, point=POINT) -> str:
    return follow(client.post(url("where"), point))


def report_a_pothole(client, *, details=ADA) -> str:
    """Through every step to check answers; returns where it leads."""
    assert mark_point(client) == url("category")
    assert follow(client.post(url("category"), {"category": "pothole"})) == url("question", "where_on_street")
    assert follow(client.post(url("question", "where_on_street"), {"answer": "road"})) == url("describe")
    assert follow(client.post(url("describe"), {"title": "Deep pothole", "detail": "By the bus stop."})) == url(
        "photos"
    )
    assert follow(client.post(url("photos"), {})) == url("details")
    return follow(client.post(url("details"), details))


def send(client):
    key = client.session[journey.SESSION_KEY]["key"]
    return client.post(url("check"), {"key": key})


def test_the_first_page_offers_a_map_and_a_street_search(client, borough):
    page = text(client.get(url("where")))

    assert "Where is the problem?" in page
    assert 'class="th-location-map"' in page and "Use my current location" in page
    assert 'name="place"' in page


def test_a_resident_reports_a_pothole_from_a_point_to_the_confirmation(client, potholes):
    assert report_a_pothole(client) == url("check")

    check = text(client.get(url("check")))
    assert "Near Alder Road, Wexmoor" in check  # a clicked point, by its nearest street
    for shown in ("Pothole", "In the road", "Deep pothole", "By the bus stop.", "0 photos", "Ada Resident"):
        assert shown in check

    sent = follow(send(client))

    case = Case.objects.get()
    assert sent == url("sent", case.reference)
    assert (case.channel, case.service, case.requester_email) == (Channel.WEB, potholes, "ada@example.com")
    assert case.answers["where_on_street"] == "road"
    assert case.street_report.title == "Deep pothole"
    assert not Draft.objects.exists()
    assert journey.SESSION_KEY not in client.session
    page = text(client.get(sent))
    assert "Report sent" in page and case.reference in page
    assert reverse("reports:report", args=[case.reference]) in page


def test_sending_twice_gives_one_report(client, potholes):
    report_a_pothole(client)
    key = client.session[journey.SESSION_KEY]["key"]

    first = follow(client.post(url("check"), {"key": key}))
    again = follow(client.post(url("check"), {"key": key}))

    assert first == again
    assert Case.objects.count() == StreetReport.objects.count() == 1


def test_without_javascript_a_street_is_searched_for_then_chosen(client, potholes, alder_road):
    results = follow(client.post(url("where"), {"place": "Alder Road"}))
    assert results == f"{url('where')}?place=Alder+Road"

    page = text(client.get(results))
    assert "Alder Road, Wexmoor" in page

    chosen = client.post(results, {"place": f"usrn:{alder_road.street.usrn}", "description": "by the bus stop"})

    assert follow(chosen) == url("category")
    report = client.session[journey.SESSION_KEY]
    assert (report["latitude"], report["place"]) == ("51.420000", "Alder Road, Wexmoor: by the bus stop")


def test_a_postcode_finds_its_addresses(client, potholes, alder_road):
    page = text(client.get(f"{url('where')}?place={alder_road.postcode}"))

    assert alder_road.single_line in page


def test_a_point_outside_the_borough_is_refused_with_a_link_to_the_neighbour(client, potholes):
    response = client.post(url("where"), {"latitude": "51.450000", "longitude": "-0.190000"})

    assert response.status_code == 400
    page = text(response)
    assert "This location is outside Wexmoor. Report it to Brackenfield Borough Council" in page
    assert 'href="https://www.brackenfield.example/report"' in page
    assert journey.SESSION_KEY not in client.session


def test_a_page_further_on_sends_a_new_reporter_back_to_the_start(client, potholes):
    assert follow(client.get(url("describe"))) == url("where")
    mark_point(client)
    assert follow(client.get(url("describe"))) == url("category")


def test_categories_are_the_published_street_ones_offered_online(client, potholes, street_lights, inspections):
    from townhall.catalogue.tests.factories import ServiceFactory

    ServiceFactory(name="Apply for a parking permit")  # not a street category
    mark_point(client)

    page = text(client.get(url("category")))

    assert "Pothole" in page and "Street light not working" in page
    assert "Highway inspection" not in page  # staff only
    assert "parking permit" not in page
    assert client.post(url("category"), {"category": "inspection"}).status_code == 400


def test_staff_are_offered_staff_only_categories(client, potholes, inspections, agent):
    client.force_login(agent)
    mark_point(client)

    assert "Highway inspection" in text(client.get(url("category")))


def test_a_stopping_notice_ends_the_journey_with_its_message(client, gas_smell):
    mark_point(client)

    stopped = follow(client.post(url("category"), {"category": "gas-smell"}))

    assert stopped == url("stopped")
    page = text(client.get(stopped))
    assert "call the National Gas Emergency Service on 0800 111 999" in page
    assert follow(client.get(url("describe"))) == url("stopped")  # no way on
    assert 'name="title"' not in page


def test_a_notice_that_does_not_stop_is_shown_on_the_next_pages(client, potholes):
    potholes.street_category.notice = "Potholes deeper than 5 cm are filled within 24 hours."
    potholes.street_category.save()
    mark_point(client)
    client.post(url("category"), {"category": "pothole"})

    assert "filled within 24 hours" in text(client.get(url("question", "where_on_street")))


def test_the_asset_is_picked_from_the_nearest_and_travels_with_the_report(client, street_lights):
    mark_point(client)
    assert follow(client.post(url("category"), {"category": "street-light"})) == url("asset")

    page = text(client.get(url("asset")))
    assert "SL1: Column (10 metres away)" in page and "SL2: Column (50 metres away)" in page
    assert "SL3" not in page  # too far
    lamp = Asset.objects.get(asset_id="SL1")

    assert follow(client.post(url("asset"), {"asset": str(lamp.pk)})) == url("describe")
    client.post(url("describe"), {"title": "Light out"})
    client.post(url("photos"), {})
    follow(client.post(url("details"), ADA))
    follow(send(client))

    assert Case.objects.get().street_report.asset == lamp


def test_the_asset_may_be_left_unchosen(client, street_lights):
    mark_point(client)
    client.post(url("category"), {"category": "street-light"})

    assert follow(client.post(url("asset"), {"asset": "none"})) == url("describe")
    assert client.session[journey.SESSION_KEY]["asset"] is None


def test_assets_near_a_point_come_as_json_in_two_queries(client, street_lights, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get(url("assets_json"), {"category": "street-light", **POINT})

    assets = response.json()["assets"]
    assert [(a["asset_id"], a["metres"]) for a in assets] == [("SL1", 10), ("SL2", 50)]
    assert set(assets[0]) == {"id", "asset_id", "description", "latitude", "longitude", "metres"}


@pytest.mark.parametrize("query", [{"category": "street-light"}, {"category": "street-light", "latitude": "x"}])
def test_assets_json_needs_a_point(client, street_lights, query):
    assert client.get(url("assets_json"), query).status_code == 400


def test_assets_json_of_a_category_without_assets_is_not_found(client, potholes):
    assert client.get(url("assets_json"), {"category": "pothole", **POINT}).status_code == 404


def test_the_categorys_questions_are_asked_and_checked_as_everywhere(client, potholes):
    mark_point(client)
    client.post(url("category"), {"category": "pothole"})

    refused = client.post(url("question", "where_on_street"), {})

    assert refused.status_code == 400
    assert "Select an answer" in text(refused)
    # Answered by the map, or by the photos step: never asked.
    assert follow(client.get(url("question", "location"))) == url("question", "where_on_street")
    assert follow(client.get(url("question", "photo"))) == url("question", "where_on_street")


def test_describe_needs_a_summary_in_plain_words(client, potholes):
    mark_point(client)
    client.post(url("category"), {"category": "pothole"})
    client.post(url("question", "where_on_street"), {"answer": "road"})

    refused = client.post(url("describe"), {"title": "", "detail": ""})
    too_long = client.post(url("describe"), {"title": "x" * 121})

    assert "Enter a summary of the problem" in text(refused)
    assert "Summarise the problem must be 120 characters or fewer" in text(too_long)


def to_photos(client):
    mark_point(client)
    client.post(url("category"), {"category": "pothole"})
    client.post(url("question", "where_on_street"), {"answer": "road"})
    client.post(url("describe"), {"title": "Deep pothole"})


def test_a_photo_is_added_and_its_location_offered_when_it_was_taken_elsewhere(client, potholes):
    to_photos(client)
    # Taken about 110 m north of the marked point.
    taken_north = photo_with_location(size=(800, 600), latitude=(51, 25, 16))

    assert follow(client.post(url("photos"), {"photo": taken_north, "upload": "1"})) == url("photos")

    page = text(client.get(url("photos")))
    assert "Photo 1" in page and "800 × 600" in page
    assert "It was taken 124 metres from the place you marked." in page
    photo_id = client.session[journey.SESSION_KEY]["photos"][0]["id"]

    follow(client.post(url("photos"), {"use_location": photo_id}))

    report = client.session[journey.SESSION_KEY]
    assert (report["latitude"], report["longitude"]) == ("51.421111", "-0.190000")


def test_photos_travel_with_the_report_without_their_metadata(client, potholes):
    to_photos(client)
    client.post(url("photos"), {"photo": photo_with_location(size=(2000, 1000)), "upload": "1"})

    assert follow(client.post(url("photos"), {})) == url("details")
    client.post(url("details"), ADA)
    follow(send(client))

    photo = Case.objects.get().street_report.photos.get()
    assert (photo.width, photo.height) == (1600, 800)
    assert b"PhoneCo" not in photo.image.read()


def test_a_photo_can_be_removed(client, potholes, settings):
    to_photos(client)
    client.post(url("photos"), {"photo": photo_with_location(size=(40, 40)), "upload": "1"})
    photo = client.session[journey.SESSION_KEY]["photos"][0]

    follow(client.post(url("photos"), {"remove": photo["id"]}))

    assert client.session[journey.SESSION_KEY]["photos"] == []
    assert not (settings.MEDIA_ROOT / photo["path"]).exists()


def test_a_file_that_is_not_a_photo_is_refused_on_the_page(client, potholes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    to_photos(client)

    refused = client.post(url("photos"), {"photo": SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"), "upload": "1"})

    assert refused.status_code == 400
    assert "The selected file must be a photo" in text(refused)


def test_no_more_than_three_photos(client, potholes):
    to_photos(client)
    for _ in range(3):
        client.post(url("photos"), {"photo": photo_with_location(size=(20, 20)), "upload": "1"})

    page = text(client.get(url("photos")))

    assert "You have added as many photos as a report can have." in page
    refused = client.post(url("photos"), {"photo": photo_with_location(size=(20, 20)), "upload": "1"})
    assert "You can add up to 3 photos" in text(refused)


def test_a_signed_in_resident_finds_their_details_filled_in(client, potholes, resident):
    client.force_login(resident)
    to_photos(client)
    client.post(url("photos"), {})

    page = text(client.get(url("details")))

    assert 'value="Ada Resident"' in page and 'value="ada@example.com"' in page


def test_nearby_reports_of_the_same_problem_are_shown_before_sending(client, potholes):
    earlier = submit_report(
        service=potholes, answers=POTHOLE_ANSWERS, latitude=ALDER_ROAD[0], longitude=Decimal("-0.190100"), channel="web"
    )

    assert report_a_pothole(client) == url("nearby")

    page = text(client.get(url("nearby")))
    assert "Deep pothole" in page and "7 metres from the place you marked" in page
    assert follow(client.post(url("nearby"), {"choice": "new"})) == url("check")
    follow(send(client))
    assert Case.objects.exclude(pk=earlier.pk).count() == 1


def test_a_resident_adds_their_support_to_the_report_of_their_problem(client, potholes):
    earlier = submit_report(
        service=potholes, answers=POTHOLE_ANSWERS, latitude=ALDER_ROAD[0], longitude=ALDER_ROAD[1], channel="web"
    )
    report_a_pothole(client, details={"full_name": "Bob", "email": "bob@example.com", "phone": ""})

    supported = follow(client.post(url("nearby"), {"choice": earlier.reference}))

    assert supported == url("supported", earlier.reference)
    assert Case.objects.count() == 1
    assert CaseWatcher.objects.get(case=earlier).email == "bob@example.com"
    assert "By the bus stop." in earlier.events.get(kind="public_update").text
    assert "Your support was added" in text(client.get(supported))
    assert journey.SESSION_KEY not in client.session


def test_a_confirmation_is_only_for_the_browser_that_reported(client, potholes, django_user_model):
    case = submit_report(
        service=potholes, answers=POTHOLE_ANSWERS, latitude=ALDER_ROAD[0], longitude=ALDER_ROAD[1], channel="web"
    )

    assert client.get(url("sent", case.reference)).status_code == 404
    assert client.get(url("supported", case.reference)).status_code == 404


def test_staff_report_for_a_caller_saying_how_they_got_in_touch(client, potholes, agent):
    client.force_login(agent)
    caller = {"full_name": "Cai Caller", "email": "", "phone": "07700 900111"}

    refused = client.post(url("details"), caller)  # no channel yet: and the journey is not there yet
    assert follow(refused) == url("where")
    assert report_a_pothole(client, details={**caller, "channel": Channel.FACE_TO_FACE}) == url("check")
    assert "Face to face" in text(client.get(url("check")))
    follow(send(client))

    case = Case.objects.get()
    assert (case.channel, case.created_by, case.requester_name) == (Channel.FACE_TO_FACE, agent, "Cai Caller")
    assert reverse("console:case", args=[case.reference]) in text(client.get(url("sent", case.reference)))


def test_staff_must_say_how_the_caller_got_in_touch(client, potholes, agent):
    client.force_login(agent)
    to_photos(client)
    client.post(url("photos"), {})

    refused = client.post(url("details"), {"full_name": "Cai Caller"})

    assert "Select how they got in touch" in text(refused)


@pytest.mark.parametrize("step", ["where", "category", "describe", "check"])
def test_an_auditor_may_look_but_not_report(client, potholes, auditor, step):
    client.force_login(auditor)

    assert client.post(url(step), POINT).status_code == 403
    assert journey.SESSION_KEY not in client.session
    assert not Case.objects.exists()


def test_starting_again_forgets_the_report_and_its_draft(client, potholes):
    report_a_pothole(client)

    assert follow(client.post(url("start_again"))) == url("where")

    assert journey.SESSION_KEY not in client.session
    assert not Draft.objects.exists()


def test_changing_the_category_asks_the_new_categorys_questions(client, potholes, street_lights):
    report_a_pothole(client)

    follow(client.post(url("category"), {"category": "street-light"}))

    assert follow(client.get(url("check"))) == url("asset")
    assert Draft.objects.count() == 1


def test_changing_an_answer_from_check_returns_to_check(client, potholes):
    report_a_pothole(client)

    assert follow(client.post(url("question", "where_on_street"), {"answer": "pavement"})) == url("check")
    assert follow(client.post(url("describe"), {"title": "Smaller pothole"})) == url("check")
    assert "Smaller pothole" in text(client.get(url("check")))
