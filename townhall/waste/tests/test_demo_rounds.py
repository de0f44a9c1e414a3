"""The demo borough's rounds."""

import datetime as dt

import pytest

from townhall.gazetteer.demo import build_demo_gazetteer
from townhall.gazetteer.models import Property
from townhall.waste import selectors
from townhall.waste.demo import GARDEN_BREAK, build_demo_rounds
from townhall.waste.models import PropertyRound, Round, ScheduleChange, Stream

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def borough():
    build_demo_gazetteer(properties=400, seed=7)


def placed() -> set[tuple[int, str, str]]:
    return set(PropertyRound.objects.values_list("property__uprn", "round__code", "stream"))


def test_every_home_is_on_a_rubbish_recycling_and_food_round_on_its_streets_day(borough):
    build_demo_rounds(seed=1, today=TODAY)

    homes = Property.objects.exclude(classification__startswith="C")
    for home in homes:
        streams = {place.stream: place.round for place in home.waste_rounds.select_related("round")}
        assert {Stream.REFUSE, Stream.RECYCLING, Stream.FOOD} <= set(streams)
        assert len({round_.weekday for round_ in streams.values()}) == 1
        assert {round_.area for round_ in streams.values()} == {home.ward.name}
        assert (Stream.GARDEN in streams) == (home.classification in {"RD02", "RD03", "RD04"})
    refuse = Round.objects.filter(stream=Stream.REFUSE).first()
    recycling = Round.objects.get(code=refuse.code.replace("refuse", "recycling"))
    # Rubbish one week, recycling the other.
    assert (recycling.anchor_date - refuse.anchor_date).days == 7 and refuse.frequency_weeks == 2


def test_shops_and_offices_are_on_no_round(borough):
    build_demo_rounds(seed=1, today=TODAY)

    business = Property.objects.filter(classification__startswith="C")
    assert business.exists()
    assert not PropertyRound.objects.filter(property__in=business).exists()


def test_the_same_seed_gives_the_same_rounds_and_running_again_doubles_nothing(borough):
    build_demo_rounds(seed=1, today=TODAY)
    first, changes = placed(), ScheduleChange.objects.count()

    build_demo_rounds(seed=1, today=TODAY)
    assert placed() == first and ScheduleChange.objects.count() == changes

    PropertyRound.objects.all().delete()
    build_demo_rounds(seed=1, today=TODAY)
    assert placed() == first

    PropertyRound.objects.all().delete()
    build_demo_rounds(seed=2, today=TODAY)
    assert placed() != first


def test_christmas_moves_collections_and_stops_garden_waste(borough):
    build_demo_rounds(seed=1, today=TODAY)

    everyone = dict(ScheduleChange.objects.filter(round=None).values_list("original_date", "new_date"))
    # Christmas Day 2026 and New Year's Day 2027 are Fridays.
    assert everyone == {dt.date(2026, 12, 25): dt.date(2026, 12, 26), dt.date(2027, 1, 1): dt.date(2027, 1, 2)}
    garden = ScheduleChange.objects.exclude(round=None)
    assert garden.count() == Round.objects.filter(stream=Stream.GARDEN).count()
    assert {change.reason for change in garden} == {GARDEN_BREAK} and not any(c.new_date for c in garden)


def test_a_friday_home_sees_its_christmas_collection_moved(borough):
    build_demo_rounds(seed=1, today=TODAY)
    friday = PropertyRound.objects.filter(round__weekday=4, stream=Stream.FOOD).select_related("property").first()

    (*_, food) = selectors.bin_days(friday.property, today=dt.date(2026, 12, 21))

    christmas = next(day for day in food.upcoming if day.scheduled == dt.date(2026, 12, 25))
    assert christmas.date == dt.date(2026, 12, 26) and christmas.reason.startswith("Christmas Day")
