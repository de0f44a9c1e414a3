"""The public bin-day pages: postcode and address, the property page, its calendar feed,
printable view and JSON."""

import datetime as dt
import re

import icalendar
import pytest
from django.test import Client

from townhall.gazetteer.models import Street
from townhall.gazetteer.tests.factories import PropertyFactory, StreetFactory
from townhall.waste import services
from townhall.waste.models import PropertyRound, ScheduleChange, Stream
from townhall.waste.tests.factories import RoundFactory
from townhall.waste.views import bins as views

pytestmark = pytest.mark.django_db
WEDNESDAY = dt.date(2026, 6, 10)
# The summer bank holiday: Monday 31 August 2026.
FRIDAY_BEFORE_BANK_HOLIDAY = dt.date(2026, 8, 28)


@pytest.fixture
def today(monkeypatch):
    """Sets the pages' today; Wednesday 10 June 2026 unless a test says otherwise."""

    def set_today(day: dt.date) -> None:
        monkeypatch.setattr(views, "_today", lambda: day)

    set_today(WEDNESDAY)
    return set_today


@pytest.fixture
def street() -> Street:
    return StreetFactory(name="Alder Road")


@pytest.fixture
def home(street):
    """Rubbish every Tuesday, recycling every other Thursday, food every Tuesday, garden waste
    every other Friday (not shown: nobody has subscribed yet)."""
    place = PropertyFactory(street=street, building_number="12", postcode="WX1 2AB")
    for stream, weekday, weeks in [
        (Stream.REFUSE, 1, 1),
        (Stream.RECYCLING, 3, 2),
        (Stream.FOOD, 1, 1),
        (Stream.GARDEN, 4, 2),
    ]:
        PropertyRound.objects.create(
            property=place, round=RoundFactory(stream=stream, weekday=weekday, frequency_weeks=weeks)
        )
    return place


def text_of(response) -> str:
    """The page's words, without tags or runs of spaces."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def refuse_round(place):
    return place.waste_rounds.get(stream=Stream.REFUSE).round


# Finding the address


def test_the_first_page_asks_for_a_postcode(client: Client):
    response = client.get("/bins/")

    assert response.status_code == 200
    assert "Find your bin collection days" in text_of(response)
    assert 'name="postcode"' in response.content.decode()
    assert "There is a problem" not in text_of(response)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter a postcode"),
        ("   ", "Enter a postcode"),
        ("not a postcode", "Enter a real postcode"),
        ("WX9 9ZZ", "We could not find any addresses in the borough with that postcode"),
    ],
)
def test_a_missing_wrong_or_unknown_postcode_is_shown_in_the_error_summary(client: Client, home, typed, message):
    response = client.get("/bins/", {"postcode": typed})

    page = text_of(response)
    assert response.status_code == 200
    assert "There is a problem" in page and 'href="#id_postcode"' in response.content.decode()
    assert page.count(message) == 2  # in the summary and by the field
    assert response.content.decode().count("<title>Error:") == 1


def test_a_postcode_lists_its_addresses_as_links_in_order_however_it_is_typed(client: Client, home, street):
    neighbours = [PropertyFactory(street=street, building_number=n, postcode="WX1 2AB") for n in ("2", "10")]
    PropertyFactory(street=street, building_number="1", postcode="WX1 3CD")

    response = client.get("/bins/", {"postcode": "wx12ab"})

    html = response.content.decode()
    assert "3 addresses found for" in text_of(response) and "WX1 2AB" in text_of(response)
    links = re.findall(r'href="/bins/(\d+)/"', html)
    assert links == [str(place.uprn) for place in [neighbours[0], neighbours[1], home]]


# The property page


def test_the_property_page_shows_each_collection_with_its_next_and_last_day_in_words(client: Client, home, today):
    response = client.get(f"/bins/{home.uprn}/")

    page = text_of(response)
    assert response.status_code == 200
    assert home.single_line in page
    headings = re.findall(r'<h2 class="govuk-heading-m" id="stream-(\w+)">', response.content.decode())
    assert headings == ["refuse", "recycling", "food"]
    assert "Next collection Tuesday 16 June Last collection Tuesday 9 June How often Every week on Tuesday" in page
    assert (
        "Next collection Thursday 18 June Last collection Thursday 4 June How often Every other week on Thursday"
        in page
    )


def test_garden_waste_is_not_shown_without_a_subscription(client: Client, home, today):
    page = text_of(client.get(f"/bins/{home.uprn}/"))

    # Garden waste's round collects on Fridays: no day of it shows, only the offer to subscribe.
    assert "Friday" not in page and "subscribe or renew" in page


def test_a_collection_today_or_tomorrow_says_so(client: Client, home, today):
    today(dt.date(2026, 6, 15))  # a Monday
    assert "Next collection Tomorrow, Tuesday 16 June" in text_of(client.get(f"/bins/{home.uprn}/"))

    today(dt.date(2026, 6, 16))
    page = text_of(client.get(f"/bins/{home.uprn}/"))
    assert "Next collection Today, Tuesday 16 June Last collection Tuesday 9 June" in page


def test_a_bank_holiday_move_is_called_out_with_its_reason(client: Client, home, today):
    today(FRIDAY_BEFORE_BANK_HOLIDAY)

    response = client.get(f"/bins/{home.uprn}/")

    html = response.content.decode()
    notice = (
        "Rubbish collection moved from Tuesday 1 September to Wednesday 2 September. "
        "Bank holiday: collections are a day later that week."
    )
    assert f'<div class="govuk-inset-text">{notice}</div>' in html
    assert "Next collection Wednesday 2 September" in text_of(response)
    # The slip is the usual thing on a bank holiday: not a warning.
    assert "govuk-warning-text" not in html


def test_a_council_change_and_a_cancellation_are_called_out_as_warnings(client: Client, home, today):
    refuse = refuse_round(home)
    ScheduleChange.objects.create(round=refuse, original_date=dt.date(2026, 6, 16), new_date=None, reason="Strike")
    ScheduleChange.objects.create(
        round=None, original_date=dt.date(2026, 6, 23), new_date=dt.date(2026, 6, 24), reason="Crew training"
    )

    response = client.get(f"/bins/{home.uprn}/")

    page = text_of(response)
    assert "Warning Rubbish collection on Tuesday 16 June is cancelled. Strike." in page
    assert "Warning Rubbish collection moved from Tuesday 23 June to Wednesday 24 June. Crew training." in page
    assert "Next collection Wednesday 24 June" in page
    # The change for every round moves food waste too, but after its next collection: only the list says so.
    assert "Food waste collection moved" not in page
    assert "Wednesday 24 June Rubbish – Moved from Tuesday 23 June. Crew training. Food waste – Moved from" in page
    assert response.content.decode().count("govuk-warning-text__icon") == 2


def test_the_page_lists_the_next_eight_weeks_by_date(client: Client, home, today):
    ScheduleChange.objects.create(
        round=refuse_round(home), original_date=dt.date(2026, 6, 16), new_date=None, reason="Strike"
    )

    response = client.get(f"/bins/{home.uprn}/")

    page = text_of(response)
    assert "Collections in the next 8 weeks" in page
    rows = re.findall(r'<th scope="row" class="govuk-table__header">([^<]+)</th>', response.content.decode())
    assert rows[:3] == ["Tuesday 16 June", "Thursday 18 June", "Tuesday 23 June"]
    assert rows[-1] == "Tuesday 4 August"  # eight weeks from Wednesday 10 June
    assert "Tuesday 16 June Rubbish – Cancelled. Strike. Food waste Thursday 18 June Recycling Tuesday 23 June" in page


def test_the_property_page_links_to_its_calendar_printable_view_and_json(client: Client, home, today):
    html = client.get(f"/bins/{home.uprn}/").content.decode()

    for url in ("calendar.ics", "print/", "collections.json"):
        assert f'href="/bins/{home.uprn}/{url}"' in html


def test_the_property_page_leaves_places_for_other_flows_to_fill(client: Client, home, today, settings):
    # Given the places filled in, as the missed-bin flow will.
    engine = settings.TEMPLATES[0]
    filled = {
        "waste/bins/includes/stream_actions.html": "[report {{ bins.stream }} at {{ place.uprn }}]",
        "waste/bins/includes/actions.html": "[{{ streams|length }} streams at {{ place.uprn }}]",
    }
    settings.TEMPLATES = [
        {
            **engine,
            "APP_DIRS": False,
            "OPTIONS": {
                **engine["OPTIONS"],
                "loaders": [
                    ("django.template.loaders.locmem.Loader", filled),
                    "django.template.loaders.app_directories.Loader",
                ],
            },
        }
    ]

    page = text_of(client.get(f"/bins/{home.uprn}/"))

    for stream in ("refuse", "recycling", "food"):
        assert f"[report {stream} at {home.uprn}]" in page
    assert f"[3 streams at {home.uprn}]" in page


def test_a_property_with_no_rounds_says_we_do_not_collect_from_it(client: Client, street, today):
    shop = PropertyFactory(street=street, classification="CR08")

    response = client.get(f"/bins/{shop.uprn}/")

    page = text_of(response)
    assert response.status_code == 200
    assert "We do not collect household waste from this address." in page
    assert "Next collection" not in page and "calendar.ics" not in response.content.decode()


@pytest.mark.parametrize("path", ["", "print/", "calendar.ics"])
@pytest.mark.parametrize("uprn", ["990000099999", "0", "99999999999999999999"])
def test_an_unknown_uprn_is_not_found(client: Client, home, path, uprn):
    assert client.get(f"/bins/{uprn}/{path}").status_code == 404


def test_the_property_page_takes_a_fixed_few_queries_and_one_once_cached(
    client: Client, home, today, django_assert_num_queries
):
    # Property, schedule version, rounds, schedule changes, the council's extra holidays.
    with django_assert_num_queries(5):
        client.get(f"/bins/{home.uprn}/")
    # The property; everything else is cached.
    with django_assert_num_queries(1):
        client.get(f"/bins/{home.uprn}/")
    with django_assert_num_queries(1):
        client.get(f"/bins/{home.uprn}/collections.json")


def test_the_property_page_shows_a_schedule_change_at_once(
    client: Client, home, today, django_capture_on_commit_callbacks
):
    client.get(f"/bins/{home.uprn}/")
    ScheduleChange.objects.create(
        round=refuse_round(home), original_date=dt.date(2026, 6, 16), new_date=None, reason="Strike"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.bump_schedule_version()

    assert "is cancelled. Strike." in text_of(client.get(f"/bins/{home.uprn}/"))


# The calendar feed


def events_of(response) -> list[icalendar.Event]:
    feed = icalendar.Calendar.from_ical(response.content)
    return list(feed.walk("VEVENT"))


def test_the_calendar_is_a_years_all_day_events_one_per_stream_and_date(client: Client, home, today):
    response = client.get(f"/bins/{home.uprn}/calendar.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="bin-days-{home.uprn}.ics"'
    events = events_of(response)
    summaries = [str(event["SUMMARY"]) for event in events]
    # 52 weekly rubbish and food collections and 26 recycling ones a year from Wednesday 10 June.
    assert summaries.count("Rubbish collection") == 52
    assert summaries.count("Food waste collection") == 52
    assert summaries.count("Recycling collection") == 26
    first = next(event for event in events if event["SUMMARY"] == "Recycling collection")
    assert first.decoded("DTSTART") == dt.date(2026, 6, 18)  # a date: an all-day event
    assert first.decoded("DTEND") == dt.date(2026, 6, 19)
    assert str(first["UID"]) == f"bins-{home.uprn}-recycling-20260618@127.0.0.1"
    assert all(WEDNESDAY < event.decoded("DTSTART") <= dt.date(2027, 6, 9) for event in events)
    assert len({str(event["UID"]) for event in events}) == len(events)


def test_the_calendar_describes_changes_and_leaves_out_cancelled_collections(client: Client, home, today):
    refuse = refuse_round(home)
    ScheduleChange.objects.create(round=refuse, original_date=dt.date(2026, 6, 16), new_date=None, reason="Strike")
    ScheduleChange.objects.create(
        round=refuse, original_date=dt.date(2026, 6, 23), new_date=dt.date(2026, 6, 24), reason="Crew training"
    )

    events = events_of(client.get(f"/bins/{home.uprn}/calendar.ics"))

    refuse_days = {event.decoded("DTSTART"): event for event in events if event["SUMMARY"] == "Rubbish collection"}
    assert dt.date(2026, 6, 16) not in refuse_days
    moved = refuse_days[dt.date(2026, 6, 24)]
    assert str(moved["DESCRIPTION"]).startswith("Moved from Tuesday 23 June 2026. Crew training.")
    # The UID is the usual day's: a subscribed calendar moves the event rather than adding another.
    assert str(moved["UID"]) == f"bins-{home.uprn}-refuse-20260623@127.0.0.1"
    assert str(refuse_days[dt.date(2026, 6, 30)]["DESCRIPTION"]) == home.single_line


def test_the_calendar_answers_not_modified_until_the_schedule_changes(
    client: Client, home, today, django_capture_on_commit_callbacks
):
    etag = client.get(f"/bins/{home.uprn}/calendar.ics")["ETag"]

    assert client.get(f"/bins/{home.uprn}/calendar.ics", headers={"if-none-match": etag}).status_code == 304
    with django_capture_on_commit_callbacks(execute=True):
        services.bump_schedule_version()
    assert client.get(f"/bins/{home.uprn}/calendar.ics", headers={"if-none-match": etag}).status_code == 200


# The printable view


def test_the_printable_view_is_a_table_of_three_months_by_date_without_navigation(client: Client, home, today):
    response = client.get(f"/bins/{home.uprn}/print/")

    html = response.content.decode()
    page = text_of(response)
    assert response.status_code == 200
    assert "Collections for 3 months from Wednesday 10 June 2026" in page
    assert "Rubbish : Every week on Tuesday" in page
    rows = re.findall(r'<th scope="row" class="govuk-table__header">([^<]+)</th>', html)
    assert rows[0] == "Tuesday 16 June" and rows[-1] == "Tuesday 8 September"
    assert 'href="/static/waste/bins-print.css" media="print"' in html


# The JSON


def test_the_json_gives_every_collection_for_any_site_to_read(client: Client, home, today):
    response = client.get(f"/bins/{home.uprn}/collections.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "public, max-age=900"
    assert response["ETag"].startswith('"bins-') and response["ETag"].endswith('-20260610"')
    data = response.json()
    assert data["uprn"] == home.uprn and data["address"] == home.single_line
    assert [c["stream"] for c in data["collections"]] == ["refuse", "recycling", "food"]
    refuse = data["collections"][0]
    assert refuse["usual_day"] == "Tuesday" and refuse["frequency_weeks"] == 1
    assert refuse["last"]["date"] == "2026-06-09"
    assert refuse["next"] == {
        "date": "2026-06-16",
        "usual_date": "2026-06-16",
        "changed": False,
        "cancelled": False,
        "reason": "",
    }
    assert len(refuse["upcoming"]) == 8


def test_the_json_answers_not_modified_to_a_client_that_has_it(client: Client, home, today):
    etag = client.get(f"/bins/{home.uprn}/collections.json")["ETag"]

    response = client.get(f"/bins/{home.uprn}/collections.json", headers={"if-none-match": etag})

    assert response.status_code == 304 and response.content == b""
    assert response["ETag"] == etag and response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "public, max-age=900"


def test_the_json_changes_its_etag_with_the_schedule_and_the_day(
    client: Client, home, today, django_capture_on_commit_callbacks
):
    etag = client.get(f"/bins/{home.uprn}/collections.json")["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        services.bump_schedule_version()

    after_change = client.get(f"/bins/{home.uprn}/collections.json", headers={"if-none-match": etag})
    today(WEDNESDAY + dt.timedelta(days=1))
    next_day = client.get(f"/bins/{home.uprn}/collections.json", headers={"if-none-match": after_change["ETag"]})

    assert after_change.status_code == 200 and after_change["ETag"] != etag
    assert next_day.status_code == 200 and next_day["ETag"] != after_change["ETag"]


def test_the_json_for_an_unknown_uprn_is_a_json_error(client: Client, home):
    response = client.get("/bins/990000099999/collections.json")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "990000099999" in response.json()["error"]


def test_the_json_of_a_property_with_no_rounds_has_no_collections(client: Client, street, today):
    shop = PropertyFactory(street=street, classification="CR08")

    assert client.get(f"/bins/{shop.uprn}/collections.json").json()["collections"] == []


@pytest.mark.parametrize("path", ["{uprn}/collections.json", "{uprn}/calendar.ics", "{uprn}/", "{uprn}/print/", ""])
def test_every_bin_day_address_refuses_anything_but_reading(client: Client, home, path):
    url = "/bins/" + path.format(uprn=home.uprn)

    assert client.post(url).status_code == 405
    assert client.head(url).status_code == 200
