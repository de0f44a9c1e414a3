"""Factories for gazetteer rows, for this app's tests and any app whose cases need a property,
and good importer rows (CSV-like dicts) for the importer's tests."""

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from townhall.gazetteer.models import Property, Street, Ward


class WardFactory(DjangoModelFactory):
    class Meta:
        model = Ward
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"WXT{n:05d}")
    name = factory.Sequence(lambda n: f"Test Ward {n}")


class StreetFactory(DjangoModelFactory):
    class Meta:
        model = Street

    usrn = factory.Sequence(lambda n: 98_000_000 + n)
    name = factory.Sequence(lambda n: f"Test Street {n}")
    locality = ""
    town = "Wexmoor"


class PropertyFactory(DjangoModelFactory):
    class Meta:
        model = Property

    uprn = factory.Sequence(lambda n: 980_000_000_000 + n)
    building_number = factory.Sequence(lambda n: str(n + 1))
    street = factory.SubFactory(StreetFactory)
    postcode = "WX1 1AA"
    ward = factory.SubFactory(WardFactory)
    latitude = Decimal("51.420000")
    longitude = Decimal("-0.190000")
    classification = "RD04"

    @classmethod
    def _create(cls, model_class: type[Property], *args, **kwargs) -> Property:
        # The importer keeps single_line in step; a factory row must too.
        place = model_class(*args, **kwargs)
        place.refresh_single_line()
        place.save()
        return place


def homes_on(street: Street) -> list[Property]:
    """Three houses numbered 1 to 3 on `street`, all at WX1 2AB, a little apart."""
    return [
        PropertyFactory(
            street=street,
            building_number=str(number),
            postcode="WX1 2AB",
            latitude=Decimal("51.410000") + number * Decimal("0.0001"),
            longitude=Decimal("-0.200000"),
        )
        for number in (1, 2, 3)
    ]


def gazetteer_row(**overrides: str) -> dict[str, str]:
    """A good row for the importer; each test changes only what it is about."""
    values = {
        "uprn": "990000000101",
        "usrn": "99000011",
        "street_name": "Alder Road",
        "locality": "Ashby Green",
        "town": "Wexmoor",
        "sub_building": "",
        "building_name": "",
        "building_number": "1",
        "postcode": "WX1 2AB",
        "ward_code": "WXM01",
        "ward_name": "Ashby Green",
        "latitude": "51.412351",
        "longitude": "-0.209474",
        "classification": "RD04",
    }
    return values | overrides


def gazetteer_rows(count: int, *, start: int = 1, **overrides: str) -> list[dict[str, str]]:
    """`count` good rows on one street, numbered from `start`."""
    return [
        gazetteer_row(uprn=str(990000000100 + number), building_number=str(number), **overrides)
        for number in range(start, start + count)
    ]
