"""Builds the fictional Borough of Wexmoor, the same every time for the same seed.

Configuration (services, teams, people) is written directly; the activity (requests,
their progress and contacts) goes through the real services, so the demo shows
exactly what the product records.
"""

import datetime as dt
import random
import uuid

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from townhall.accounts.models import Role, Team
from townhall.cases import services as case_services
from townhall.cases.models import Case, CaseEvent
from townhall.catalogue.models import (
    ASSISTED_CHANNELS,
    AWAITING_PAYMENT,
    Channel,
    Department,
    FormDefinition,
    KnowledgeArticle,
    Service,
    ServiceStatus,
)
from townhall.catalogue.questions import parse_questions, visible_questions
from townhall.core import calendar
from townhall.core.models import OutboxMessage
from townhall.core.references import ALPHABET
from townhall.customers import services as customer_services
from townhall.customers.models import AlertKind, Customer, Outcome
from townhall.demo import catalogue_data, people
from townhall.gazetteer.demo import build_demo_gazetteer
from townhall.gazetteer.models import Property
from townhall.integrations.demo import build_demo_api_keys
from townhall.notifications.models import Notification
from townhall.payments import services as payments
from townhall.payments.models import Method, Payment
from townhall.payments.providers.sandbox import SandboxProvider
from townhall.streetcare.demo import build_demo_streetcare
from townhall.streetcare.demo import category_slugs as street_category_slugs
from townhall.waste.bulky_demo import build_demo_bulky
from townhall.waste.containers.demo import build_demo_containers
from townhall.waste.demo import build_demo_rounds
from townhall.waste.demo_crews import seed_demo_crew_records
from townhall.waste.garden.demo import build_demo_garden

SCALES = {
    "demo": {"properties": 5200, "customers": 320, "cases": 900, "contacts": 600},
    "borough": {"properties": 100_000, "customers": 20_000, "cases": 60_000, "contacts": 40_000},
}
FIRST_NAMES = [
    "Ada",
    "Amir",
    "Bea",
    "Cai",
    "Dev",
    "Ela",
    "Femi",
    "Gus",
    "Hana",
    "Ivo",
    "Jin",
    "Kofi",
    "Lena",
    "Milo",
    "Nia",
    "Omar",
    "Pia",
    "Quin",
    "Rhys",
    "Sana",
    "Theo",
    "Uma",
    "Vik",
    "Wren",
    "Yusuf",
    "Zoe",
]
LAST_NAMES = [
    "Abbot",
    "Baines",
    "Chowdhury",
    "Dlamini",
    "Evans",
    "Fenwick",
    "Garcia",
    "Hughes",
    "Iqbal",
    "Jensen",
    "Kowalski",
    "Lowe",
    "Mensah",
    "Novak",
    "Okafor",
    "Patel",
    "Quigley",
    "Rossi",
    "Sato",
    "Tran",
    "Umar",
    "Vance",
    "Walsh",
    "Xu",
    "Young",
    "Zielinski",
]
SAMPLE_TEXT = [
    "It has been like this for over a week.",
    "This is the third time I have reported it.",
    "Please could someone come and look at it soon.",
    "It is next to the bus stop, by the post box.",
    "My elderly neighbour cannot get past it.",
]


def is_seeded() -> bool:
    return Service.objects.exists()


@transaction.atomic
def build_demo(*, scale: str = "demo", seed: int = 2026, sizes: dict[str, int] | None = None) -> dict[str, int]:
    sizes = sizes or SCALES[scale]
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    build_demo_gazetteer(properties=sizes["properties"], seed=seed)
    build_demo_rounds(seed=seed)
    seed_demo_crew_records(seed=seed)
    _build_catalogue()
    staff = people.build_staff()
    customers = _build_customers(rng, sizes["customers"])
    cases = _build_cases(rng, sizes["cases"], customers, staff)
    build_demo_bulky(seed=seed)
    build_demo_garden(seed=seed)
    build_demo_containers(seed=seed)
    build_demo_streetcare(seed=seed, answers=_answers)
    _fix_references(rng, [settings.WASTE_CONTAINERS_SERVICE, settings.WASTE_ASSISTED_SERVICE, *street_category_slugs()])
    _build_contacts(rng, sizes["contacts"], customers, staff)
    build_demo_api_keys(by=staff["admin@wexmoor.example"], officer=staff["officer@wexmoor.example"])
    # The demo's history predates its mailbox: nothing seeded is emailed.
    OutboxMessage.objects.all().delete()
    Notification.objects.all().delete()
    return {"properties": Property.objects.count(), "services": Service.objects.count(), "cases": cases}


def _build_catalogue() -> None:
    departments = {
        slug: Department.objects.create(slug=slug, name=name, description=description)
        for slug, name, description in catalogue_data.DEPARTMENTS
    }
    teams = {slug: Team.objects.create(slug=slug, name=name, email=email) for slug, name, email in catalogue_data.TEAMS}
    now = timezone.now()
    services = {}
    for spec in catalogue_data.SERVICES:
        service = services[spec["slug"]] = Service.objects.create(
            slug=spec["slug"],
            name=spec["name"],
            department=departments[spec["department"]],
            summary=spec["summary"],
            description=spec.get("description", ""),
            eligibility=spec.get("eligibility", ""),
            keywords=spec.get("keywords", ""),
            status=ServiceStatus.PUBLISHED,
            deadline_working_days=spec["deadline"],
            team=teams[spec["team"]],
            restricted=spec.get("restricted", False),
            open311_code=spec.get("open311"),
            **spec.get("fee", {}),
        )
        form = FormDefinition.objects.create(service=service, version=1, questions=spec["questions"], published_at=now)
        service.current_form = form
        service.save(update_fields=["current_form"])
    for slug, title, department, summary, body, keywords, about in catalogue_data.ARTICLES:
        article = KnowledgeArticle.objects.create(
            slug=slug, title=title, department=departments[department], summary=summary, body=body, keywords=keywords
        )
        article.services.set([services[service_slug] for service_slug in about])


def _fix_references(rng: random.Random, service_slugs: list[str]) -> None:
    """The modules' demo requests take references from the seed too, so a seed builds the same borough."""
    for pk in Case.objects.filter(service__slug__in=service_slugs).order_by("pk").values_list("pk", flat=True):
        Case.objects.filter(pk=pk).update(reference=_deterministic_reference(rng))


def _build_customers(rng: random.Random, count: int) -> list[Customer]:
    properties = list(Property.objects.order_by("uprn").values_list("pk", "postcode"))
    resident_email, resident_name = people.RESIDENT
    resident = people.make_user(resident_email, resident_name, Role.RESIDENT)
    customers = []
    for n in range(count):
        property_id, postcode = rng.choice(properties)
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        customer = Customer(
            name=resident_name if n == 0 else name,
            email=resident_email if n == 0 else f"{name.lower().replace(' ', '.')}.{n}@example.com",
            phone=f"07700 9{n:05d}"[:13],
            date_of_birth=dt.date(1940 + rng.randrange(65), rng.randrange(1, 13), rng.randrange(1, 29)),
            address_id=property_id,
            postcode=postcode,
            user=resident if n == 0 else None,
        )
        customer.phone_normalised = customer_services.normalise_phone(customer.phone)
        customers.append(customer)
    Customer.objects.bulk_create(customers, batch_size=1000)
    customers = list(Customer.objects.select_related("address__street").order_by("id"))
    for customer in rng.sample(customers[1:], k=max(1, count // 25)):
        customer_services.set_alert(customer=customer, kind=rng.choice(AlertKind.values[:-1]), text="", by=None)
    return customers


def _answer(rng: random.Random, question, customer: Customer, places: list[Property]):
    match question.type:
        case "text":
            return rng.choice(["Near number 12", "By the school gates", "AB12 CDE", "Outside the shop"])[
                : question.max_length or 500
            ]
        case "long_text":
            return " ".join(rng.sample(SAMPLE_TEXT, k=2))
        case "number":
            low, high = question.min or 1, question.max or 20
            return str(rng.randint(int(low), int(high)))
        case "date":
            return (timezone.localdate() - dt.timedelta(days=rng.randrange(1, 60))).isoformat()
        case "single_choice" | "yes_no":
            return rng.choice(question.options).value
        case "multiple_choice":
            return [o.value for o in rng.sample(question.options, k=rng.randint(1, 2))]
        case "email":
            return customer.email
        case "phone":
            return customer.phone
        case "address":
            home = customer.address or rng.choice(places)
            return {"uprn": home.uprn, "text": home.single_line}
        case "location":
            spot = rng.choice(places)
            return {"latitude": str(spot.latitude), "longitude": str(spot.longitude), "text": str(spot.street)}
    return None  # optional uploads are left out of the demo


def _answers(rng: random.Random, form: FormDefinition, customer: Customer, places: list[Property]) -> dict:
    questions = parse_questions(form.questions)
    answers: dict = {}
    for question in questions:
        if question in visible_questions(questions, answers):
            value = _answer(rng, question, customer, places)
            if value is not None:
                answers[question.key] = value
    return answers


def _deterministic_reference(rng: random.Random) -> str:
    body = "".join(rng.choice(ALPHABET) for _ in range(8))
    return f"WX-{body[:4]}-{body[4:]}"


def _build_cases(rng: random.Random, count: int, customers: list[Customer], staff: dict) -> int:
    # Modules make their own requests: bookings, subscriptions, street reports on the map.
    module_slugs = [spec["slug"] for spec in catalogue_data.WASTE_MODULE_SERVICES] + street_category_slugs()
    services = list(
        Service.objects.exclude(slug__in=module_slugs).select_related("current_form", "team").order_by("slug")
    )
    places = list(Property.objects.select_related("street").order_by("uprn")[:2000])
    team_members = {team.pk: list(team.members.order_by("email")) for team in Team.objects.all()}
    agents = [u for u in staff.values() if u.role == Role.AGENT]
    now = timezone.now()
    channels = [Channel.WEB] * 12 + [Channel.PHONE] * 6 + [Channel.FACE_TO_FACE] * 2 + [Channel.EMAIL] * 2
    channels += [Channel.LETTER, Channel.API, Channel.BACK_OFFICE]
    for n in range(count):
        service = rng.choice(services)
        customer = customers[0] if n % 40 == 0 else rng.choice(customers)
        channel = rng.choice(channels)
        agent = rng.choice(agents) if channel in ASSISTED_CHANNELS else None
        case = case_services.submit_case(
            service=service,
            answers=_answers(rng, service.current_form, customer, places),
            channel=channel,
            by=agent,
            customer=customer,
            submission_key=uuid.UUID(int=rng.getrandbits(128)),
        )
        submitted = now - dt.timedelta(days=rng.random() ** 1.5 * 120, minutes=rng.randrange(600))
        if case.fee and not _paid(rng, case, channel, agent):
            # Left unpaid days ago, not months: the nightly job withdraws older ones.
            _backdate(case, now - dt.timedelta(days=rng.random() * 10), service, rng)
            continue
        _progress(rng, case, service, team_members.get(service.team_id) or [staff["admin@wexmoor.example"]])
        _backdate(case, submitted, service, rng)
    return count


def _paid(rng: random.Random, case: Case, channel: str, agent) -> bool:
    """Pays for a request the way its channel would; one in ten is left unpaid, as by a
    resident who gave up at the card page."""
    if rng.random() < 0.1:
        return False
    counter_method = {Channel.FACE_TO_FACE: Method.CASH, Channel.LETTER: Method.CHEQUE}.get(channel)
    if counter_method or settings.PAYMENTS_PROVIDER != "sandbox":
        payments.record_counter_payment(
            case=case, method=counter_method or Method.CARD_COUNTER, receipt_number="", by=agent
        )
        return True
    payment = payments.start_payment(
        case=case,
        channel=Channel.PHONE if channel == Channel.PHONE else Channel.WEB,
        by=agent,
        return_url_for=lambda token: settings.SITE_URL + reverse("payments:return", args=[token]),
        after_url=reverse("portal:payment", args=[case.reference]),
    )
    SandboxProvider().complete(payment.provider_id, "success")
    payments.refresh_payment(payment)
    case.refresh_from_db()
    return True


def _progress(rng: random.Random, case: Case, service: Service, members: list) -> None:
    """Moves a request along its workflow, so the demo has requests in every state."""
    officer = rng.choice(members)
    stage = rng.random()
    if stage < 0.2:
        return
    case_services.assign_case(case=case, assignee=officer, by=officer)
    case_services.change_status(case=case, status="in_progress", by=officer, reason="Triaged")
    if rng.random() < 0.5:
        case_services.add_note(case=case, text="Passed to the crew for this area.", by=officer)
    if stage < 0.45:
        if rng.random() < 0.5:
            case_services.add_public_update(case=case, text="We have booked this in with our crew.", by=officer)
        return
    if stage < 0.55:
        case_services.change_status(
            case=case, status="awaiting_customer", by=officer, public_text="Please send us a photo of the problem."
        )
        return
    if stage < 0.95:
        case_services.change_status(
            case=case, status="resolved", by=officer, reason="Done", public_text="This has now been dealt with."
        )
        if rng.random() < 0.1:
            case_services.receive_message(case=case, text="Thank you, but it has happened again.")
        return
    case_services.change_status(case=case, status="withdrawn", by=officer, reason="Duplicate of another report")


def _backdate(case: Case, submitted: dt.datetime, service: Service, rng: random.Random) -> None:
    events = list(CaseEvent.objects.filter(case=case).order_by("id").values_list("pk", flat=True))
    moment = submitted
    for pk in events:
        CaseEvent.objects.filter(pk=pk).update(at=moment)
        moment += dt.timedelta(hours=rng.randint(2, 60))
    case.refresh_from_db(fields=["is_closed", "status"])
    waiting = case.status == AWAITING_PAYMENT["key"]
    # Payments move back with their case; the ledger cannot be rewritten, so demo income is the seeding day's.
    Payment.objects.filter(case=case).update(created_at=submitted)
    Payment.objects.filter(case=case, paid_at__isnull=False).update(paid_at=submitted)
    Case.objects.filter(pk=case.pk).update(
        reference=_deterministic_reference(rng),
        submitted_at=submitted,
        due_date=calendar.add_working_days(timezone.localdate(submitted), service.deadline_working_days)
        if service.deadline_working_days and not waiting
        else None,
        resolved_at=moment if case.is_closed else None,
    )


def _build_contacts(rng: random.Random, count: int, customers: list[Customer], staff: dict) -> None:
    agents = [u for u in staff.values() if u.role == Role.AGENT]
    services = list(Service.objects.order_by("slug"))
    articles = list(KnowledgeArticle.objects.order_by("slug"))
    outcomes = [Outcome.ANSWERED] * 4 + [Outcome.PROGRESS_GIVEN] * 3 + [Outcome.SIGNPOSTED, Outcome.TRANSFERRED]
    now = timezone.now()
    for _n in range(count):
        outcome = rng.choice(outcomes)
        article = rng.choice(articles) if outcome == Outcome.ANSWERED else None
        service = rng.choice(services)
        customer_services.log_contact(
            by=rng.choice(agents),
            channel=rng.choice([Channel.PHONE] * 4 + [Channel.FACE_TO_FACE, Channel.EMAIL]),
            reason=article.title if article else service.name,
            outcome=outcome,
            customer=rng.choice(customers),
            service=service,
            article=article,
            resolved_first_contact=outcome in (Outcome.ANSWERED, Outcome.PROGRESS_GIVEN, Outcome.SIGNPOSTED),
            avoidable=outcome == Outcome.PROGRESS_GIVEN,
            caller_verified=rng.random() < 0.8,
            duration_seconds=rng.randint(60, 900),
            started_at=now - dt.timedelta(days=rng.random() * 90),
        )
