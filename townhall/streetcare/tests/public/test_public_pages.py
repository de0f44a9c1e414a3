"""The public map and list of street reports, and each report's page: what they show,
their filters, and what they never show."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from townhall.cases import services as case_services
from townhall.cases.models import Case
from townhall.catalogue.models import ServiceStatus
from townhall.gazetteer.tests.factories import PropertyFactory, StreetFactory
from townhall.streetcare.tests.factories import ReportPhotoFactory
from townhall.streetcare.tests.public.conftest import ALDER_ROAD, FAR_AWAY, fix

pytestmark = pytest.mark.django_db

LIST = reverse("reports:list")
MAP = reverse("reports:map_data")


def _titles(response) -> list[str]:
    return [report.title for report in response.context["page"].object_list]


def _map_titles(response) -> list[str]:
    return [feature["properties"]["title"] for feature in response.json()["features"]]


def test_the_list_shows_public_reports_newest_first_with_their_place_and_status(client, make_report, alder_road):
    older = make_report(title="Pothole by the bus stop", reported_at=timezone.now() - dt.timedelta(days=3))
    newer = make_report(title="Pothole by the school")

    response = client.get(LIST)

    assert response.status_code == 200
    assert _titles(response) == [newer.title, older.title]
    page = response.content.decode()
    assert "Potholes: Alder Road, Ashby Green ward" in page
    assert "Received" in page  # the workflow's words for a new report
    assert reverse("reports:report", args=[newer.case.reference]) in page


def test_a_report_is_placed_on_its_address_else_on_the_street_of_the_nearest_one_within_reach(
    client, make_report, alder_road, ashby_green
):
    home = PropertyFactory(street=StreetFactory(name="Birch Lane"), ward=ashby_green, latitude=51.43, longitude=-0.17)
    at_home = make_report(title="At a home")
    Case.objects.filter(pk=at_home.case_id).update(address=home)
    latitude, longitude = ALDER_ROAD
    make_report(title="Down the road", at=(latitude + Decimal("0.0015"), longitude))  # ~150 m from a door
    make_report(title="Out of reach", at=FAR_AWAY)

    streets = {report.title: report.street_name for report in client.get(LIST).context["page"].object_list}

    assert streets == {"At a home": "Birch Lane", "Down the road": "Alder Road", "Out of reach": None}


def test_private_categories_unpublished_services_and_non_public_reports_are_never_listed(
    client, make_report, abandoned_vehicles, graffiti
):
    shown = make_report(title="Pothole on the corner")
    make_report(abandoned_vehicles, title="Car with no wheels")
    make_report(title="Report the reporter asked to keep private", public=False)
    withdrawn = make_report(graffiti, title="Graffiti in a withdrawn category")

    withdrawn_service = withdrawn.case.service
    withdrawn_service.status = ServiceStatus.RETIRED
    withdrawn_service.save(update_fields=["status"])

    assert _titles(client.get(LIST)) == [shown.title]
    assert _map_titles(client.get(MAP)) == [shown.title]
    for hidden in ("Car with no wheels", "keep private", "withdrawn category"):
        assert hidden not in client.get(LIST).content.decode()


def test_filters_by_category_status_ward_and_date(
    client, make_report, graffiti, brindle_heath, officer, django_assert_max_num_queries
):
    today = timezone.localdate()
    open_pothole = make_report(title="Open pothole")
    fixed_pothole = make_report(title="Fixed pothole", reported_at=timezone.now() - dt.timedelta(days=10))
    fix(fixed_pothole.case, officer)
    withdrawn = make_report(title="Withdrawn pothole")
    case_services.change_status(case=withdrawn.case, status="withdrawn", by=officer)
    tag = make_report(graffiti, title="Graffiti on the bridge", at=FAR_AWAY, ward=brindle_heath)

    def listed(**query) -> list[str]:
        with django_assert_max_num_queries(8):
            response = client.get(LIST, query)
        assert response.status_code == 200
        map_response = client.get(MAP, query)
        assert sorted(_map_titles(map_response)) == sorted(_titles(response))
        return _titles(response)

    assert listed(category="graffiti") == [tag.title]
    assert listed(status="open") == [tag.title, open_pothole.title]
    assert listed(status="fixed") == [fixed_pothole.title]
    assert listed(status="closed") == [withdrawn.title]
    assert listed(ward="WXM02") == [tag.title]
    ten_days_ago = today - dt.timedelta(days=10)
    on_the_day = {"reported_from_0": ten_days_ago.day, "reported_from_1": ten_days_ago.month}
    on_the_day |= {"reported_from_2": ten_days_ago.year, "reported_to_0": ten_days_ago.day}
    on_the_day |= {"reported_to_1": ten_days_ago.month, "reported_to_2": ten_days_ago.year}
    assert listed(**on_the_day) == [fixed_pothole.title]
    assert listed(category="potholes", status="open") == [open_pothole.title]


def test_a_wrong_filter_is_explained_in_plain_words(client, make_report):
    make_report()

    response = client.get(
        LIST,
        {
            "category": "no-such-thing",
            "reported_from_0": "31",
            "reported_from_1": "2",
            "reported_from_2": "2026",
        },
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Choose a category from the list" in page
    assert "Date must be a real date" in page
    assert client.get(MAP, {"category": "no-such-thing"}).status_code == 400


def test_the_to_date_cannot_be_before_the_from_date(client):
    response = client.get(
        LIST,
        {"reported_from_0": "5", "reported_from_1": "3", "reported_from_2": "2026"}
        | {"reported_to_0": "4", "reported_to_1": "3", "reported_to_2": "2026"},
    )

    assert response.status_code == 400
    assert "must be the same as or after" in response.content.decode()


def test_the_list_pages_in_a_fixed_number_of_queries(client, make_report, alder_road, django_assert_max_num_queries):
    for number in range(25):
        make_report(title=f"Pothole {number}")

    with django_assert_max_num_queries(7):
        first = client.get(LIST)
    with django_assert_max_num_queries(7):
        second = client.get(LIST, {"page": 2})

    assert len(_titles(first)) == 20 and len(_titles(second)) == 5
    assert 'rel="next"' in first.content.decode()


def test_the_map_gives_only_public_fields_limited_and_cached(
    client, make_report, settings, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr("townhall.streetcare.public_views.MAP_LIMIT", 2)
    for number in range(3):
        make_report(title=f"Pothole {number}", detail="Call me on 07700 900123")

    with django_assert_max_num_queries(3):
        response = client.get(MAP)

    data = response.json()
    assert data["truncated"] is True
    assert [feature["properties"]["title"] for feature in data["features"]] == ["Pothole 2", "Pothole 1"]
    properties = data["features"][0]["properties"]
    assert set(properties) == {"reference", "title", "category", "status", "reported", "url"}
    assert data["features"][0]["geometry"] == {"type": "Point", "coordinates": [-0.2, 51.41]}
    body = json.dumps(data)
    for private in ("Ada Reporter", "ada.reporter@example.com", "07700", "Deep enough"):
        assert private not in body
    assert "max-age=60" in response["Cache-Control"]

    make_report(title="Reported a moment later")
    with django_assert_max_num_queries(0):
        again = client.get(MAP)
    assert again.json() == data  # the same answer for a minute, from the cache


def test_a_report_page_shows_the_report_its_place_public_updates_and_visible_photos(
    client, make_report, alder_road, officer
):
    report = make_report(title="Pothole by the school", detail="About a foot across.")
    case = report.case
    case_services.add_public_update(case=case, text="We will fill it this week.", by=officer)
    case_services.add_note(case=case, text="Contractor says Tuesday", by=officer)
    case_services.send_message(case=case, text="Can you send a photo?", by=officer)
    case_services.change_status(case=case, status="in_progress", reason="Sent to the contractor", by=officer)
    shown = ReportPhotoFactory(report=report)
    hidden = ReportPhotoFactory(report=report, hidden=True)

    response = client.get(reverse("reports:report", args=[case.reference]))

    assert response.status_code == 200
    page = response.content.decode()
    for public in (
        "Pothole by the school",
        "About a foot across.",
        "Potholes",
        "Near Alder Road",
        "Ashby Green ward",
        "We will fill it this week.",
        "Status changed to: In progress",
        "Reported",
    ):
        assert public in page
    for private in ("Contractor says Tuesday", "Can you send a photo?", "Sent to the contractor", "Olu Officer"):
        assert private not in page
    assert reverse("reports:photo", args=[case.reference, shown.pk]) in page
    assert reverse("reports:photo", args=[case.reference, hidden.pk]) not in page


def test_a_report_page_never_shows_who_reported_it_or_contact_details_typed_into_it(client, make_report):
    report = make_report(
        title="Broken kerb, ring 07700 900456",
        detail="Email me at someone@example.org or call (020) 7946 0000.",
        reporter_name="Ada Reporter",
        reporter_email="ada.reporter@example.com",
    )

    page = client.get(reverse("reports:report", args=[report.case.reference])).content.decode()

    for private in ("Ada Reporter", "ada.reporter@example.com", "07700 900456", "someone@example.org", "7946 0000"):
        assert private not in page
    assert "Broken kerb, ring [phone number removed]" in page
    assert "Email me at [email address removed] or call [phone number removed]." in page


def test_text_hidden_by_a_moderator_is_replaced_everywhere(client, make_report):
    report = make_report(title="Something rude", detail="Ruder still", text_hidden=True)

    page = client.get(reverse("reports:report", args=[report.case.reference])).content.decode()
    listed = client.get(LIST).content.decode()
    mapped = client.get(MAP).json()

    for shown in (page, listed):
        assert "Hidden by the council" in shown
        assert "Something rude" not in shown and "Ruder still" not in shown
    assert mapped["features"][0]["properties"]["title"] == "Hidden by the council"


def test_a_report_that_is_not_public_is_not_found(client, make_report, abandoned_vehicles):
    private_category = make_report(abandoned_vehicles)
    not_public = make_report(public=False)

    for report in (private_category, not_public):
        assert client.get(reverse("reports:report", args=[report.case.reference])).status_code == 404
    assert client.get(reverse("reports:report", args=["WX-NOPE-NOPE"])).status_code == 404


def test_photos_are_served_only_when_public_and_not_hidden(client, make_report, abandoned_vehicles):
    report = make_report()
    shown = ReportPhotoFactory(report=report)
    hidden = ReportPhotoFactory(report=report, hidden=True)
    private = ReportPhotoFactory(report=make_report(abandoned_vehicles))

    response = client.get(reverse("reports:photo", args=[report.case.reference, shown.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")  # a JPEG

    assert client.get(reverse("reports:photo", args=[report.case.reference, hidden.pk])).status_code == 404
    private_url = reverse("reports:photo", args=[private.report.case.reference, private.pk])
    assert client.get(private_url).status_code == 404
    # A public report's reference does not reach another report's photo.
    assert client.get(reverse("reports:photo", args=[report.case.reference, private.pk])).status_code == 404


def test_the_report_page_takes_a_fixed_number_of_queries(
    client, make_report, alder_road, officer, django_assert_max_num_queries
):
    report = make_report()
    for number in range(5):
        case_services.add_public_update(case=report.case, text=f"Update {number}", by=officer)
        ReportPhotoFactory(report=report)

    with django_assert_max_num_queries(6):
        response = client.get(reverse("reports:report", args=[report.case.reference]))

    assert response.status_code == 200
