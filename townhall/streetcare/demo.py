"""Wexmoor's street reporting for the demo: its street categories (one whose notice stops
reports, a private one, a staff-only one), a few hundred street lights and road drains
loaded through the asset import, and a few dozen reports in every state, some of them
supported by a second resident or merged as duplicates.

Everything goes through the real services; the same seed builds the same streets.
"""

import datetime as dt
import random
import uuid
from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone

from townhall.accounts.models import Team
from townhall.cases import services as case_services
from townhall.cases.models import Case, CaseEvent
from townhall.cases.services import Requester
from townhall.catalogue.models import Channel, Department, FormDefinition, Service, ServiceStatus
from townhall.catalogue.questions import parse_questions
from townhall.core import calendar
from townhall.customers.models import Customer
from townhall.gazetteer.models import Property
from townhall.streetcare import services
from townhall.streetcare.models import AssetLayer, StreetReport
from townhall.streetcare.selectors import nearest_assets
from townhall.streetcare.services import AssetRow

# A light every so many properties, a drain every so many; a few metres out into the street.
LIGHT_EVERY, DRAIN_EVERY = 12, 20
KERBSIDE = Decimal("0.000045")
SPOT = {"key": "location", "type": "location", "label": "Where is it?", "required": True}
GAS_SMELL = {
    "slug": "gas-smell",
    "name": "Report a smell of gas",
    "summary": "Smell gas in the street? Do not report it here: call the emergency number.",
    "notice": "If you can smell gas, leave the area now and call the National Gas Emergency Service on "
    "0800 111 999, day or night. Do not use light switches, phones or anything with a flame near it. "
    "We cannot take reports of gas smells online.",
}
INSPECTION = {
    "slug": "highway-defect",
    "name": "Record a highway defect (inspection)",
    "summary": "For highways inspectors and the contact centre: a defect found on an inspection.",
}
# slug -> (settings, titles a reporter might give)
CATEGORIES = {
    "pothole": (
        {"notice": "Potholes deeper than 5 cm in a road are made safe within 24 hours."},
        ["Deep pothole in the road", "Pothole by the bus stop", "Broken road surface at the junction"],
    ),
    "street-light": (
        {"asset_layer": "street-lights"},
        ["Street light out", "Light on all day", "Flickering street light"],
    ),
    "blocked-drain": ({"asset_layer": "drains"}, ["Blocked drain, water pooling", "Gully full of leaves"]),
    "fly-tipping": (
        {},
        ["Mattress dumped on the pavement", "Black bags dumped by the bins", "Old fridge on the verge"],
    ),
    "graffiti": (
        {"notice": "We remove offensive graffiti within 24 hours, wherever it is."},
        ["Graffiti on the bus shelter", "Tagging on the underpass wall"],
    ),
    "abandoned-vehicle": ({"private": True}, ["Car with flat tyres for weeks", "Van not moved for a month"]),
    GAS_SMELL["slug"]: ({"notice": GAS_SMELL["notice"], "notice_stops_report": True}, []),
    INSPECTION["slug"]: ({}, ["Defect found on inspection"]),
}
DETAILS = ["It has been like this for over a week.", "Cars are swerving round it.", "It is next to the school gates."]
UPDATES = {
    "in_progress": "We have inspected this and booked the repair.",
    "resolved": "Our crew has fixed this. Thank you for reporting it.",
}


def build_demo_streetcare(*, seed: int = 2026, answers: Callable, reports: int = 36) -> dict[str, int]:
    """Wexmoor's street categories, assets and `reports` reports. `answers(rng, form,
    customer, places)` answers a form as the demo's other requests are answered."""
    rng = random.Random(seed)  # noqa: S311 - repeatable demo data, not secrets
    _extra_services()
    layers = _assets()
    for slug, (settings, _titles) in CATEGORIES.items():
        layer = layers.get(settings.get("asset_layer", ""))
        services.save_category(
            service=Service.objects.get(slug=slug),
            notice=settings.get("notice", ""),
            notice_stops_report=settings.get("notice_stops_report", False),
            private=settings.get("private", False),
            asset_layer=layer,
            by=None,
        )
    made = _reports(rng, reports, answers)
    return {
        "lights": layers["street-lights"].assets.count(),
        "drains": layers["drains"].assets.count(),
        "reports": made,
    }


def category_slugs() -> list[str]:
    """The services the demo makes street categories, whose requests are street reports."""
    return list(CATEGORIES)


def _extra_services() -> None:
    """The gas category (its notice stops every report) and the inspectors' staff-only one."""
    department, now = Department.objects.get(slug="environment"), timezone.now()
    for spec, channels in (
        (GAS_SMELL, [Channel.WEB, Channel.PHONE]),
        (INSPECTION, [Channel.PHONE, Channel.FACE_TO_FACE]),
    ):
        service = Service.objects.create(
            slug=spec["slug"],
            name=spec["name"],
            summary=spec["summary"],
            department=department,
            team=Team.objects.get(slug="highways"),
            status=ServiceStatus.PUBLISHED,
            deadline_working_days=5,
            channels=channels,
        )
        service.current_form = FormDefinition.objects.create(
            service=service, version=1, questions=[SPOT], published_at=now
        )
        service.save(update_fields=["current_form"])


def _assets() -> dict[str, AssetLayer]:
    """Street lights and road drains along the streets, loaded as an asset system's export would be."""
    places = list(Property.objects.order_by("uprn").values_list("latitude", "longitude"))
    layers = {}
    for slug, name, prefix, every, side in (
        ("street-lights", "Street lights", "SL", LIGHT_EVERY, 1),
        ("drains", "Road drains", "GY", DRAIN_EVERY, -1),
    ):
        layer = layers[slug] = AssetLayer.objects.create(slug=slug, name=name)
        rows = [
            AssetRow(
                where=f"row {number}",
                asset_id=f"{prefix}{number:05d}",
                latitude=latitude + side * KERBSIDE,
                longitude=longitude,
                description=f"{name[:-1]} {prefix}{number:05d}",
            )
            for number, (latitude, longitude) in enumerate(places[::every], start=1)
        ]
        result = services.import_assets(layer=layer, rows=rows)
        if result.rejections:
            raise RuntimeError(f"The demo {name.lower()} have bad rows, starting {result.rejections[0]}")
    return layers


def _reports(rng: random.Random, count: int, answers: Callable) -> int:
    places = list(Property.objects.select_related("street").order_by("uprn")[:1500])
    customers = list(Customer.objects.filter(email__gt="").order_by("id")[:80])
    reportable = [slug for slug, (settings, titles) in CATEGORIES.items() if titles]
    now = timezone.now()
    made: list[Case] = []
    for number in range(count):
        service = Service.objects.select_related("current_form", "street_category__asset_layer", "team").get(
            slug=rng.choice(reportable)
        )
        place = rng.choice(places)
        latitude = place.latitude + Decimal(rng.randint(-40, 40)) / 1_000_000
        longitude = place.longitude + Decimal(rng.randint(-40, 40)) / 1_000_000
        customer = customers[0] if number % 9 == 0 else rng.choice(customers)
        staff_channel = service.slug == INSPECTION["slug"] or rng.random() < 0.25
        case = services.submit_report(
            service=service,
            answers={
                **_category_answers(rng, service, customer, answers, place),
                services.TITLE: rng.choice(CATEGORIES[service.slug][1]),
                services.DETAIL: rng.choice(DETAILS),
            },
            latitude=latitude,
            longitude=longitude,
            channel=Channel.PHONE if staff_channel else Channel.WEB,
            requester=Requester(name=customer.name, email=customer.email, phone=customer.phone),
            asset=_nearest_asset(service, latitude, longitude),
            submission_key=uuid.UUID(int=rng.getrandbits(128)),
        )
        _backdate(case, now - dt.timedelta(days=rng.random() ** 1.5 * 60, minutes=rng.randrange(600)))
        made.append(case)
    _progress(rng, made)
    _duplicates(rng, made, customers, answers, places)
    return len(made)


def _category_answers(
    rng: random.Random, service: Service, customer: Customer, answers: Callable, place: Property
) -> dict:
    """The category's own answers; the report's point answers its location questions."""
    located = {q.key for q in parse_questions(service.current_form.questions) if q.type == "location"}
    given = answers(rng, service.current_form, customer, [place])
    return {key: value for key, value in given.items() if key not in located}


def _nearest_asset(service: Service, latitude: Decimal, longitude: Decimal):
    layer = service.street_category.asset_layer
    if layer is None:
        return None
    nearby = nearest_assets(layer=layer, latitude=latitude, longitude=longitude)
    return nearby[0].asset if nearby else None


def _progress(rng: random.Random, made: list[Case]) -> None:
    """Some reports are being dealt with, more are fixed; a few are still just received."""
    for case in made:
        officer = case.team.members.order_by("email").first()
        roll = rng.random()
        if roll < 0.3 or officer is None:
            continue
        case_services.assign_case(case=case, assignee=officer, by=officer)
        case_services.change_status(
            case=case, status="in_progress", by=officer, reason="Inspected", public_text=UPDATES["in_progress"]
        )
        if roll > 0.6:
            case_services.change_status(
                case=case, status="resolved", by=officer, reason="Repaired", public_text=UPDATES["resolved"]
            )


def _duplicates(
    rng: random.Random, made: list[Case], customers: list[Customer], answers: Callable, places: list[Property]
) -> None:
    """Second reports of three open problems: one supported in the journey, two merged by staff."""
    open_public = (
        Case.objects.filter(pk__in=[case.pk for case in made], is_closed=False, street_report__public=True)
        .select_related("service__current_form", "street_report", "team")
        .order_by("pk")[:3]
    )
    for index, case in enumerate(open_public):
        neighbour = customers[-1 - index]
        requester = Requester(name=neighbour.name, email=neighbour.email)
        if index == 0:
            services.support_report(case=case, requester=requester, text="It is getting worse.")
            continue
        report = case.street_report
        duplicate = services.submit_report(
            service=case.service,
            answers={
                **_category_answers(rng, case.service, neighbour, answers, rng.choice(places)),
                services.TITLE: report.title,
            },
            latitude=report.latitude + Decimal("0.000090"),
            longitude=report.longitude,
            channel=Channel.WEB,
            requester=requester,
            submission_key=uuid.UUID(int=rng.getrandbits(128)),
        )
        officer = case.team.members.order_by("email").first()
        services.merge_duplicate(duplicate=duplicate, into=case, by=officer)


def _backdate(case: Case, when: dt.datetime) -> None:
    deadline = case.service.deadline_working_days
    due = calendar.add_working_days(timezone.localdate(when), deadline) if deadline else None
    Case.objects.filter(pk=case.pk).update(submitted_at=when, due_date=due)
    StreetReport.objects.filter(pk=case.pk).update(created_at=when)
    CaseEvent.objects.filter(case=case).update(at=when)
    case.submitted_at = when
