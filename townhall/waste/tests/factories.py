import datetime as dt

import factory

from townhall.waste.models import Round, Stream

# A Monday, far from any bank holiday.
MONDAY = dt.date(2026, 6, 1)


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round

    code = factory.Sequence(lambda n: f"round-{n}")
    name = factory.Sequence(lambda n: f"Round {n}")
    stream = Stream.REFUSE
    weekday = 1  # Tuesday
    frequency_weeks = 1
    anchor_date = factory.LazyAttribute(lambda r: MONDAY + dt.timedelta(days=r.weekday))
    area = "north"
