"""Wexmoor's bulky waste collections for the demo: the bookings calendar, with places in
every refuse round area on Tuesdays, Thursdays and Saturdays, and the council's priced
catalogue of items. Safe to run again: nothing doubles, and nothing staff changed is undone."""

import datetime as dt
import random

from django.conf import settings
from django.db import transaction

from townhall.bookings.models import Calendar, WeeklyCapacity
from townhall.waste.models import BulkyItem, BulkyPriceBand, Round, Stream

TUESDAY, THURSDAY, SATURDAY = 1, 3, 5
# (slug, name, hint, price of each in pence or None for the bands)
ITEMS = [
    ("sofa", "Sofa", "Any size, including sofa beds", None),
    ("armchair", "Armchair", "", None),
    ("bed-frame", "Bed frame", "Taken apart if you can", None),
    ("mattress", "Mattress", "Any size", None),
    ("wardrobe", "Wardrobe", "", None),
    ("chest-of-drawers", "Chest of drawers", "", None),
    ("table", "Table", "", None),
    ("chair", "Chair", "Dining or office chair", None),
    ("washing-machine", "Washing machine or dishwasher", "", None),
    ("television", "Television or computer monitor", "", None),
    ("bicycle", "Bicycle", "", None),
    ("carpet", "Carpet or rug", "Rolled up and tied", None),
    # Fridges and freezers hold gases that need treating: priced on their own.
    ("fridge-freezer", "Fridge or freezer", "Priced on its own: it needs special treatment", 2500),
]
# Up to 3 items £35, up to 6 items £55.
BANDS = [(3, 3500), (6, 5500)]


def build_demo_bulky(*, seed: int = 2026) -> dict[str, int]:
    """The calendar "bulky-waste" (56 days ahead, changes until 2pm the day before, 30
    minutes to pay) with 15 to 30 places a day per area, and the catalogue and bands."""
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    with transaction.atomic():
        calendar, _created = Calendar.objects.get_or_create(
            slug=settings.WASTE_BULKY_CALENDAR,
            defaults={
                "name": "Bulky waste collections",
                "description": "Large household items collected from the kerbside, from 6am on the day.",
                "window_days": 56,
                "cutoff_days": 1,
                "cutoff_time": dt.time(14, 0),
                "hold_minutes": 30,
                # Crews work Saturdays and bank holidays: the council closes a day by hand.
                "working_days_only": False,
            },
        )
        areas = sorted(
            set(Round.objects.filter(stream=Stream.REFUSE, active=True).exclude(area="").values_list("area", flat=True))
        )
        WeeklyCapacity.objects.bulk_create(
            [
                WeeklyCapacity(calendar=calendar, zone=area, weekday=weekday, places=rng.choice([15, 20, 25, 30]))
                for area in areas
                for weekday in (TUESDAY, THURSDAY, SATURDAY)
            ],
            ignore_conflicts=True,
        )
        for position, (slug, name, hint, price) in enumerate(ITEMS):
            BulkyItem.objects.get_or_create(
                slug=slug, defaults={"name": name, "hint": hint, "price_pence": price, "position": position}
            )
        for max_items, price in BANDS:
            BulkyPriceBand.objects.get_or_create(max_items=max_items, defaults={"price_pence": price})
    return {
        "areas": len(areas),
        "items": BulkyItem.objects.count(),
        "bands": BulkyPriceBand.objects.count(),
    }
