"""The demo's crew records: finished round days for the last few days, every street
collected, some bins not put out; the same again adds nothing."""

import datetime as dt

import pytest

from townhall.gazetteer.tests.factories import PropertyFactory, StreetFactory
from townhall.waste import missed
from townhall.waste.demo_crews import seed_demo_crew_records
from townhall.waste.missed import Why
from townhall.waste.models import CrewOutcome, CrewRecord, PropertyRound, RoundDay, Stream
from townhall.waste.tests.factories import RoundFactory
from townhall.waste.tests.missed_helpers import TUESDAY, london

pytestmark = pytest.mark.django_db
THURSDAY = TUESDAY + dt.timedelta(days=2)


@pytest.fixture
def streets():
    round_ = RoundFactory(stream=Stream.REFUSE)  # Tuesdays
    for n in range(4):
        street = StreetFactory(name=f"Street {n}")
        for number in range(1, 31):
            PropertyRound.objects.create(
                property=PropertyFactory(street=street, building_number=str(number)), round=round_
            )
    return round_


def test_the_demo_finishes_the_last_few_days_rounds_and_records_each_street(streets):
    added = seed_demo_crew_records(seed=7, today=THURSDAY)

    day = RoundDay.objects.get()
    assert (day.round, day.date) == (streets, TUESDAY)
    assert day.started_at < day.completed_at
    assert CrewRecord.objects.filter(property__isnull=True, outcome=CrewOutcome.DONE).count() == 4
    not_out = CrewRecord.objects.filter(outcome=CrewOutcome.NOT_PRESENTED)
    assert not_out.exists()
    assert added == {"round_days": 1, "crew_records": CrewRecord.objects.count()}
    # Those homes are told what the crew found; their neighbours can report a missed bin.
    refused = missed.can_report(not_out.first().property, Stream.REFUSE, now=london(THURSDAY))
    assert refused.why == Why.CREW_RECORD
    recorded = CrewRecord.objects.filter(property__isnull=False).values("property_id")
    neighbour = PropertyRound.objects.exclude(property_id__in=recorded).first().property
    assert missed.can_report(neighbour, Stream.REFUSE, now=london(THURSDAY)).allowed


def test_seeding_again_adds_nothing_and_the_same_seed_gives_the_same_records(streets):
    seed_demo_crew_records(seed=7, today=THURSDAY)
    first = list(CrewRecord.objects.order_by("pk").values_list("property_id", "outcome", "recorded_at"))

    assert seed_demo_crew_records(seed=7, today=THURSDAY) == {"round_days": 0, "crew_records": 0}
    CrewRecord.objects.all().delete()
    RoundDay.objects.all().delete()
    seed_demo_crew_records(seed=7, today=THURSDAY)
    assert list(CrewRecord.objects.order_by("pk").values_list("property_id", "outcome", "recorded_at")) == first
