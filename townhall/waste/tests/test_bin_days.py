"""A property's bin days, cached under the schedule's version."""

import datetime as dt

import pytest

from townhall.gazetteer.tests.factories import PropertyFactory
from townhall.waste import selectors, services
from townhall.waste.models import PropertyRound, ScheduleChange, Stream
from townhall.waste.tests.factories import RoundFactory

pytestmark = pytest.mark.django_db
WEDNESDAY = dt.date(2026, 6, 10)


@pytest.fixture
def home():
    place = PropertyFactory()
    for stream, weekday, weeks in [(Stream.REFUSE, 1, 1), (Stream.RECYCLING, 3, 2), (Stream.GARDEN, 4, 2)]:
        PropertyRound.objects.create(
            property=place, round=RoundFactory(stream=stream, weekday=weekday, frequency_weeks=weeks)
        )
    return place


def test_each_collection_shows_its_last_and_next_day(home):
    refuse, recycling = selectors.bin_days(home, today=WEDNESDAY)

    assert (refuse.stream, refuse.last.date, refuse.next.date) == ("refuse", dt.date(2026, 6, 9), dt.date(2026, 6, 16))
    assert (recycling.stream, recycling.next.date) == ("recycling", dt.date(2026, 6, 18))
    assert recycling.last.date == dt.date(2026, 6, 4)
    assert recycling.frequency_label == "Every other week" and recycling.weekday_name == "Thursday"


def test_garden_waste_is_not_shown_without_a_subscription(home):
    assert Stream.GARDEN not in [bins.stream for bins in selectors.bin_days(home, today=WEDNESDAY)]


def test_bin_days_are_cached_until_the_schedule_changes(
    home, django_assert_num_queries, django_capture_on_commit_callbacks
):
    selectors.bin_days(home, today=WEDNESDAY)
    with django_assert_num_queries(0):
        selectors.bin_days(home, today=WEDNESDAY)

    refuse = home.waste_rounds.get(stream=Stream.REFUSE).round
    ScheduleChange.objects.create(round=refuse, original_date=dt.date(2026, 6, 16), new_date=None, reason="Strike")
    with django_capture_on_commit_callbacks(execute=True):
        services.bump_schedule_version()

    refuse_days = selectors.bin_days(home, today=WEDNESDAY)[0]
    assert refuse_days.next.date == dt.date(2026, 6, 23)
    assert refuse_days.upcoming[0].cancelled and refuse_days.upcoming[0].reason == "Strike"


def test_the_json_names_every_collection_with_iso_dates(home):
    data = selectors.as_json(home, selectors.bin_days(home, today=WEDNESDAY))

    assert data["uprn"] == home.uprn
    assert data["collections"][0]["next"] == {
        "date": "2026-06-16",
        "usual_date": "2026-06-16",
        "changed": False,
        "cancelled": False,
        "reason": "",
    }
