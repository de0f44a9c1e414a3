"""Fixtures for making street reports: Wexmoor's boundary with a neighbour to the north, a
pothole category (with its own questions), a street-light category with its lamp posts, a
gas-smell category that stops reports, and people in each role."""

import io
from decimal import Decimal

import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from townhall.accounts.models import Role
from townhall.accounts.tests.factories import StaffFactory, TeamFactory, UserFactory
from townhall.catalogue.models import Channel
from townhall.catalogue.tests.factories import ServiceFactory
from townhall.gazetteer.models import AreaKind
from townhall.gazetteer.services import save_area
from townhall.gazetteer.tests.factories import PropertyFactory, StreetFactory, WardFactory
from townhall.streetcare.models import Asset, AssetLayer, Category

# Points in Wexmoor (the box 51.40–51.44 N, 0.22–0.16 W): beside Alder Road, a few metres
# along it, and across the border in Brackenfield.
ALDER_ROAD = (Decimal("51.420000"), Decimal("-0.190000"))
A_FEW_METRES_AWAY = (Decimal("51.420200"), Decimal("-0.190000"))  # 22 m north
ACROSS_THE_BORDER = (Decimal("51.450000"), Decimal("-0.190000"))
POTHOLE_QUESTIONS = [
    {"key": "location", "type": "location", "label": "Where is it?", "required": True},
    {
        "key": "where_on_street",
        "type": "single_choice",
        "label": "Where is the pothole?",
        "required": True,
        "options": [{"value": "road", "label": "In the road"}, {"value": "pavement", "label": "On the pavement"}],
    },
    {"key": "photo", "type": "file", "label": "Add a photo", "required": False},
]
POTHOLE_ANSWERS = {"where_on_street": "road", "title": "Deep pothole", "detail": "By the bus stop."}


def box(south: float, west: float, north: float, east: float) -> list:
    return [[[west, south], [east, south], [east, north], [west, north], [west, south]]]


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    # Photos go to a fresh folder; cached pages do not leak between tests.
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def borough(db):
    save_area(kind=AreaKind.BOROUGH, name="Wexmoor", boundary=box(51.40, -0.22, 51.44, -0.16))
    save_area(
        kind=AreaKind.NEIGHBOUR,
        name="Brackenfield Borough Council",
        website="https://www.brackenfield.example/report",
        boundary=box(51.44, -0.22, 51.48, -0.16),
    )


@pytest.fixture
def alder_road(borough):
    """Alder Road in Ashby Green ward, with a house by the pothole."""
    street = StreetFactory(name="Alder Road", town="Wexmoor")
    ward = WardFactory(code="WXM01", name="Ashby Green")
    return PropertyFactory(street=street, ward=ward, latitude=ALDER_ROAD[0], longitude=Decimal("-0.190300"))


@pytest.fixture
def team(db):
    return TeamFactory(name="Highways", slug="highways", email="highways@wexmoor.example")


def category(team, *, slug: str, name: str, questions=None, channels=None, **settings) -> Category:
    service = ServiceFactory(
        team=team,
        slug=slug,
        name=name,
        questions=questions or [{"key": "location", "type": "location", "label": "Where is it?"}],
        **({"channels": channels} if channels else {}),
    )
    return Category.objects.create(service=service, **settings)


@pytest.fixture
def potholes(team, alder_road):
    return category(team, slug="pothole", name="Pothole", questions=POTHOLE_QUESTIONS).service


@pytest.fixture
def street_lights(team, alder_road):
    """Street lights, with lamp posts SL1 (10 m from Alder Road's pothole), SL2 (50 m) and SL3 (far off)."""
    layer = AssetLayer.objects.create(name="Street lights", slug="street-lights")
    for asset_id, latitude in (("SL1", "51.420090"), ("SL2", "51.420450"), ("SL3", "51.430000")):
        Asset.objects.create(
            layer=layer, asset_id=asset_id, latitude=Decimal(latitude), longitude=ALDER_ROAD[1], description="Column"
        )
    return category(team, slug="street-light", name="Street light not working", asset_layer=layer).service


@pytest.fixture
def gas_smell(team, borough):
    return category(
        team,
        slug="gas-smell",
        name="Smell of gas",
        notice="Leave the area and call the National Gas Emergency Service on 0800 111 999 now.",
        notice_stops_report=True,
    ).service


@pytest.fixture
def inspections(team, borough):
    """A staff-only category: offered on the phone, never online."""
    return category(team, slug="inspection", name="Highway inspection", channels=[Channel.PHONE]).service


@pytest.fixture
def resident(db):
    return UserFactory(email="ada@example.com", full_name="Ada Resident")


def staff(role: Role, *teams, **kwargs):
    user = StaffFactory(role=role, **kwargs)
    for team in teams:
        team.members.add(user)
    if role == Role.COUNCIL_ADMIN:  # admins must have an authenticator app to reach /staff/
        Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "not-used-in-tests"})
    return user


@pytest.fixture
def officer(team):
    return staff(Role.OFFICER, team, full_name="Olu Officer", email="officer@wexmoor.example")


@pytest.fixture
def agent(db):
    return staff(Role.AGENT, full_name="Amir Agent", email="agent@wexmoor.example")


@pytest.fixture
def auditor(db):
    return staff(Role.AUDITOR, full_name="Aude Auditor")


@pytest.fixture
def admin(db):
    return staff(Role.COUNCIL_ADMIN, full_name="Ada Admin", email="admin@wexmoor.example")


def photo_with_location(*, size=(2400, 1800), latitude=(51, 25, 12), longitude=(0, 11, 24), name="pothole.jpg"):
    """A JPEG as a phone takes it: large, with the camera's make and where it was taken (51.42 N, 0.19 W)."""
    image = Image.new("RGB", size, (120, 110, 100))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneCo"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: tuple(float(part) for part in latitude),
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: tuple(float(part) for part in longitude),
    }
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")
