"""The crews' pages: who may use them, today's rounds, a round's streets and properties
marked in one tap or with a note and photo, and the round started and finished."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from townhall.bookings.tests.factories import make_case
from townhall.cases.services import change_status
from townhall.core import calendar
from townhall.core.models import AuditEvent
from townhall.gazetteer.tests.factories import PropertyFactory, StreetFactory
from townhall.waste.models import (
    AssistedCollection,
    CrewOutcome,
    CrewRecord,
    GardenStatus,
    GardenSubscription,
    MissedCollection,
    PropertyRound,
    RoundDay,
    Stream,
)
from townhall.waste.tests.factories import RoundFactory
from townhall.waste.tests.missed_helpers import ALLOWED, REFUSED, TUESDAY, clock, home_on_round, london

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tuesday_morning", "fast_passwords")]
# The people, the clock, a home on a round and a media folder (shared with test_crew_api.py).
pytest_plugins = ["townhall.waste.tests.crew_fixtures"]


def pages(place, round_) -> list[tuple[str, str, dict]]:
    """Every crew page: (method, url, data)."""
    day = [round_.code, TUESDAY]
    return [
        ("get", reverse("crews:today"), {}),
        ("get", reverse("crews:round", args=day), {}),
        ("get", reverse("crews:place", args=[*day, "property", place.uprn]), {}),
        ("post", reverse("crews:place", args=[*day, "property", place.uprn]), {"outcome": CrewOutcome.BLOCKED}),
        ("post", reverse("crews:mark", args=[*day, "property", place.uprn]), {"outcome": CrewOutcome.DONE}),
        ("post", reverse("crews:mark", args=[*day, "street", place.street.usrn]), {"outcome": CrewOutcome.DONE}),
        ("post", reverse("crews:start", args=day), {}),
        ("post", reverse("crews:finish", args=day), {}),
    ]


@pytest.mark.parametrize("who", REFUSED)
def test_crew_pages_refuse_staff_who_do_not_record_rounds_and_residents(login, round_home, who):
    place, round_ = round_home
    client = login(who)

    for method, url, data in pages(place, round_):
        response = getattr(client, method)(url, data)
        assert response.status_code == 403, (who, url)

    assert not CrewRecord.objects.exists()
    assert not RoundDay.objects.exists()


def test_crew_pages_send_anonymous_visitors_to_sign_in(login, round_home):
    place, round_ = round_home
    client = login("anonymous")

    for method, url, data in pages(place, round_):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and "/account/auth/login/" in response["Location"], url

    assert not CrewRecord.objects.exists()


@pytest.mark.parametrize("who", ALLOWED)
def test_officers_and_managers_of_the_crews_team_and_admins_use_the_crew_pages(login, round_home, who):
    place, round_ = round_home
    client = login(who)

    for method, url, data in pages(place, round_):
        response = getattr(client, method)(url, data)
        assert response.status_code in (200, 302), (who, url, response.status_code)

    assert CrewRecord.objects.count() == 3


def test_todays_rounds_are_the_ones_collecting_today(login, round_home):
    _place, tuesday_round = round_home
    RoundFactory(name="Monday recycling", weekday=0, anchor_date=TUESDAY.replace(day=1))
    client = login("waste officer")

    page = client.get(reverse("crews:today")).content.decode()

    assert "Today, Tuesday 2 June 2026" in page
    assert tuesday_round.name in page
    assert "Monday recycling" not in page
    assert "1 street, 1 properties" in page or "1 street, 1 property" in page


def test_todays_rounds_take_a_bank_holiday_into_account(login):
    # Monday 25 May 2026 is a bank holiday: Monday's round goes out on Tuesday 26 May.
    monday_round = RoundFactory(name="Monday rubbish", weekday=0, anchor_date=TUESDAY.replace(day=1))
    client = login("waste officer")

    with clock(london(TUESDAY.replace(month=5, day=26), 8)):
        page = client.get(reverse("crews:today")).content.decode()

    assert monday_round.name in page
    assert "Moved from Monday 25 May" in page


def round_with_streets(count: int, *, stream: str = Stream.REFUSE):
    """A round of `count` streets of two houses each: on each street the first house has an
    assisted collection and a missed bin reported, the second was not out, and the street
    was recorded as collected."""
    round_ = RoundFactory(stream=stream)
    for n in range(count):
        street = StreetFactory(name=f"Street {n:02d}")
        first, second = (PropertyFactory(street=street, building_number=number) for number in ("1", "2"))
        for place in (first, second):
            PropertyRound.objects.create(property=place, round=round_)
        AssistedCollection.objects.create(property=first, starts=TUESDAY, location_note="Side gate")
        MissedCollection.objects.create(
            case=make_case(address=first), property=first, stream=stream, collection_date=TUESDAY, round=round_
        )
        CrewRecord.objects.create(
            round=round_, date=TUESDAY, property=second, street=street, outcome=CrewOutcome.NOT_PRESENTED
        )
        CrewRecord.objects.create(round=round_, date=TUESDAY, street=street, outcome=CrewOutcome.DONE)
    return round_


@pytest.mark.parametrize("stream", [Stream.REFUSE, Stream.GARDEN])
def test_a_rounds_page_costs_the_same_queries_for_3_and_30_streets(login, django_assert_num_queries, stream):
    client = login("waste officer")
    small, large = round_with_streets(3, stream=stream), round_with_streets(30, stream=stream)
    calendar.non_working_days()  # cached after the first request
    client.get(reverse("crews:round", args=[small.code, TUESDAY]))  # the session, warmed

    with django_assert_num_queries(11 if stream == Stream.GARDEN else 10) as small_queries:
        small_page = client.get(reverse("crews:round", args=[small.code, TUESDAY]))
    with django_assert_num_queries(len(small_queries)):
        large_page = client.get(reverse("crews:round", args=[large.code, TUESDAY]))

    assert small_page.status_code == large_page.status_code == 200
    page = large_page.content.decode()
    assert page.count('class="th-crew-home"') == 60
    assert page.count("Collect from: Side gate") == page.count('govuk-tag--red">Missed bin<') == 30


def test_todays_rounds_page_costs_the_same_queries_for_3_and_30_rounds(login, django_assert_num_queries):
    client = login("waste officer")
    round_with_streets(1)
    calendar.non_working_days()
    client.get(reverse("crews:today"))

    with django_assert_num_queries(7) as few:
        client.get(reverse("crews:today"))
    for _n in range(29):
        round_with_streets(1)
    with django_assert_num_queries(len(few)):
        page = client.get(reverse("crews:today"))

    assert page.content.decode().count('class="govuk-link govuk-!-font-size-24') == 30


def test_the_round_page_marks_assisted_collections_with_where_the_bins_are_kept(login, round_home):
    place, round_ = round_home
    neighbour = PropertyFactory(street=place.street, building_number="14")
    PropertyRound.objects.create(property=neighbour, round=round_)
    AssistedCollection.objects.create(property=place, starts=TUESDAY, location_note="the side gate")
    # Ended, or not started yet: the crew leaves those bins to the resident.
    AssistedCollection.objects.create(
        property=neighbour, starts=TUESDAY + dt.timedelta(days=1), location_note="the back door"
    )
    client = login("waste officer")

    page = client.get(reverse("crews:round", args=[round_.code, TUESDAY])).content.decode()

    home_item = page[page.index(f'id="p-{place.uprn}"') : page.index(f'id="p-{neighbour.uprn}"')]
    assert "Assisted" in home_item and "Collect from: the side gate" in home_item
    assert "the back door" not in page


def test_the_round_page_marks_missed_bins_reported_until_they_are_resolved(login, round_home):
    place, round_ = round_home
    missed = MissedCollection.objects.create(
        case=make_case(address=place), property=place, stream=round_.stream, collection_date=TUESDAY, round=round_
    )
    client = login("waste officer")
    url = reverse("crews:round", args=[round_.code, TUESDAY])

    page = client.get(url).content.decode()
    assert f'govuk-tag--red">Missed bin</strong> from Tuesday 2 June ({missed.case.reference})' in page

    change_status(case=missed.case, status="resolved", by=None)
    assert missed.case.reference not in client.get(url).content.decode()


def test_a_garden_round_shows_the_bins_paid_for_and_where_none_are(login):
    subscriber, round_ = home_on_round(stream=Stream.GARDEN, number="12")
    other = PropertyFactory(street=subscriber.street, building_number="14")
    PropertyRound.objects.create(property=other, round=round_)
    GardenSubscription.objects.create(
        property=subscriber,
        case=make_case(address=subscriber),
        bins=2,
        start_date=TUESDAY,
        end_date=TUESDAY + dt.timedelta(days=364),
        status=GardenStatus.ACTIVE,
        first_bin_price=6500,
        extra_bin_price=4500,
        price_paid=11000,
    )
    client = login("waste officer")

    page = client.get(reverse("crews:round", args=[round_.code, TUESDAY])).content.decode()

    subscriber_item = page[page.index(f'id="p-{subscriber.uprn}"') : page.index(f'id="p-{other.uprn}"')]
    assert "2 garden waste bins" in subscriber_item
    assert "Do not empty a garden waste bin here." in page[page.index(f'id="p-{other.uprn}"') :]


def test_the_round_page_lists_streets_in_order_and_homes_by_number(login):
    round_ = RoundFactory()
    for street_name, numbers in (("Birch Lane", ["10", "2", "1"]), ("Alder Road", ["3"])):
        street = StreetFactory(name=street_name)
        for number in numbers:
            PropertyRound.objects.create(property=PropertyFactory(street=street, building_number=number), round=round_)
    client = login("waste officer")

    page = client.get(reverse("crews:round", args=[round_.code, TUESDAY])).content.decode()

    order = ["Alder Road", "Birch Lane", ">1 Birch Lane<", ">2 Birch Lane<", ">10 Birch Lane<"]
    positions = [page.index(text) for text in order]
    assert positions == sorted(positions)


def test_one_tap_marks_a_property_and_goes_back_to_it(login, round_home):
    place, round_ = round_home
    client = login("waste officer")

    response = client.post(
        reverse("crews:mark", args=[round_.code, TUESDAY, "property", place.uprn]),
        {"outcome": CrewOutcome.NOT_PRESENTED},
    )

    assert response.status_code == 302
    assert response["Location"].endswith(f"#p-{place.uprn}")
    record = CrewRecord.objects.get()
    assert (record.property, record.outcome, record.recorded_at) == (place, "not_presented", london(TUESDAY, 8))
    page = client.get(response["Location"]).content.decode()
    assert "Bin not put out" in page and "08:00" in page


def test_one_tap_cannot_record_the_outcomes_that_need_the_places_own_page(login, round_home):
    place, round_ = round_home
    client = login("waste officer")

    client.post(
        reverse("crews:mark", args=[round_.code, TUESDAY, "street", place.street.usrn]),
        {"outcome": CrewOutcome.NOT_PRESENTED},
    )

    assert not CrewRecord.objects.exists()


def test_a_double_tap_records_once(login, round_home):
    place, round_ = round_home
    client = login("waste officer")
    url = reverse("crews:mark", args=[round_.code, TUESDAY, "property", place.uprn])

    client.post(url, {"outcome": CrewOutcome.DONE})
    client.post(url, {"outcome": CrewOutcome.DONE})

    assert CrewRecord.objects.count() == 1


def test_a_property_is_marked_blocked_with_a_note_and_a_photo(login, round_home, media):
    place, round_ = round_home
    client = login("waste officer")
    data = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(data, "PNG")
    url = reverse("crews:place", args=[round_.code, TUESDAY, "property", place.uprn])

    response = client.post(
        url,
        {
            "outcome": CrewOutcome.BLOCKED,
            "note": "Van parked across the drive",
            "photo": SimpleUploadedFile("drive.png", data.getvalue(), "image/png"),
        },
    )

    assert response.status_code == 302
    record = CrewRecord.objects.get()
    assert (record.outcome, record.note) == ("blocked", "Van parked across the drive")
    page = client.get(url).content.decode()
    assert "Van parked across the drive" in page
    photo = client.get(reverse("crews:photo", args=[record.pk]))
    assert photo.status_code == 200
    assert photo["Content-Type"] == "image/png"
    assert AuditEvent.objects.filter(action="waste.crew_photo_viewed").exists()


def test_a_photo_that_is_not_an_image_is_refused_with_the_error_summary(login, round_home, media):
    place, round_ = round_home
    client = login("waste officer")

    response = client.post(
        reverse("crews:place", args=[round_.code, TUESDAY, "property", place.uprn]),
        {
            "outcome": CrewOutcome.BLOCKED,
            "photo": SimpleUploadedFile("notes.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", "application/pdf"),
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "The photo must be a JPG, PNG, GIF or WEBP image" in page
    assert not CrewRecord.objects.exists()


def test_the_place_page_asks_what_was_found(login, round_home):
    place, round_ = round_home
    client = login("waste officer")

    response = client.post(reverse("crews:place", args=[round_.code, TUESDAY, "property", place.uprn]), {})

    assert "Select what you found" in response.content.decode()
    assert not CrewRecord.objects.exists()


def test_the_round_is_started_and_finished(login, round_home):
    _place, round_ = round_home
    client = login("waste officer")

    client.post(reverse("crews:start", args=[round_.code, TUESDAY]))
    with clock(london(TUESDAY, 13, 5)):
        response = client.post(reverse("crews:finish", args=[round_.code, TUESDAY]))

    day = RoundDay.objects.get()
    assert (day.started_at, day.completed_at) == (london(TUESDAY, 8), london(TUESDAY, 13, 5))
    assert "finished at 13:05" in client.get(response["Location"]).content.decode()


def test_a_days_page_in_the_future_is_not_found(login, round_home):
    _place, round_ = round_home
    client = login("waste officer")

    assert client.get(reverse("crews:round", args=[round_.code, TUESDAY.replace(day=3)])).status_code == 404
