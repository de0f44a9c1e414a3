"""Builds a borough's year of data in PostgreSQL, fast, for `make bench`.

The configuration (gazetteer of 100,000 properties, services, teams, staff, the demo
resident) comes from the demo builder; the volume (customers, cases with their
submitted event, a tenth of them street reports on the map, contacts, sent emails in
the outbox) is written with COPY, skipping the services on purpose: this is load, not
behaviour. Running it again when the database already holds that many cases takes
seconds.

    .venv/bin/python bench/build_borough.py [--cases 1000000]
"""

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from array import array
from decimal import Decimal
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import DEFAULT_DATABASE_URL, setup_django

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # townhall.core.references.ALPHABET

PROPERTIES = 100_000
CUSTOMERS = 100_000
RESIDENT_CASES = 20
ANSWER_POOL = 25  # different sets of answers per service
STREET_SHARE = 0.1  # of the cases, street problems reported at a point on the map
STREET_SPREAD = 300  # millionths of a degree: a report's point, from the nearest home (~30 m)
SEED = 2026


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            sys.stdout.write(f"created database {name}\n")


def log(started: float, text: str) -> None:
    sys.stdout.write(f"[{time.monotonic() - started:6.1f} s] {text}\n")
    sys.stdout.flush()


def build(cases: int) -> None:
    from django.core.management import call_command
    from django.db import transaction

    from townhall.cases.models import Case
    from townhall.streetcare.models import StreetReport

    started = time.monotonic()
    call_command("migrate", interactive=False, verbosity=0)
    log(started, "migrated")
    have = Case.objects.count()
    if have >= cases:
        _rounds(started)
        reports = StreetReport.objects.count()
        log(started, f"already holds {have:,} cases, {reports:,} of them street reports; nothing to do")
        return
    _configure(started)
    _rounds(started)
    with transaction.atomic():
        _bulk(started, cases - have)
    from django.db import connection

    with connection.cursor() as cursor:
        # Vacuumed as well, as autovacuum keeps a live database: index-only scans then read
        # only the index.
        cursor.execute("VACUUM ANALYZE")
    log(started, "vacuumed and analysed; done")


def _configure(started: float) -> None:
    from townhall.catalogue.models import Service
    from townhall.demo.builder import build_demo

    if Service.objects.exists():
        return
    # The demo's catalogue, teams and staff on a borough-sized gazetteer; no activity yet.
    # Two customers: the demo resident (with a login) and one with an alert.
    build_demo(sizes={"properties": PROPERTIES, "customers": 2, "cases": 0, "contacts": 0}, seed=SEED)
    log(started, "gazetteer, catalogue and staff built")


def _rounds(started: float) -> None:
    """Every home on its bin rounds, as the demo has them: the rounds through the ORM (a few
    hundred), the ~350,000 places on them with COPY. Skipped once any property is on a round."""
    from django.db import transaction

    from townhall.waste import services as waste_services
    from townhall.waste.demo import demo_places, save_demo_changes, save_demo_rounds
    from townhall.waste.models import PropertyRound

    if PropertyRound.objects.exists():
        return
    with transaction.atomic():
        rounds = save_demo_rounds()
        # Listed first: the connection is busy while COPY runs.
        rows = list(demo_places(rounds, seed=SEED))
        places = _copy("waste_propertyround", ["property_id", "round_id", "stream"], rows)
        save_demo_changes()
        waste_services.bump_schedule_version()
    log(started, f"{len(rounds):,} bin rounds serving {places:,} places")


def _copy(table: str, columns: list[str], rows) -> int:
    from django.db import connection

    connection.ensure_connection()
    count = 0
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _next_id(table: str, reserve: int) -> int:
    """Reserves `reserve` ids in the table's sequence and returns the first."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608 - our own table names
        first = cursor.fetchone()[0]
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, first + reserve - 1 if reserve else first]
        )
    return first


def _reference(prefix: str, n: int) -> str:
    # A bijection on 40 bits: unique per id, not in order, like the real random ones.
    value = (n * 0x9E3779B1 + 0x5DEECE66D) % (1 << 40)
    body = "".join(ALPHABET[(value >> (5 * i)) & 31] for i in range(8))
    return f"{prefix}-{body[:4]}-{body[4:]}"


def _bulk(started: float, cases: int) -> None:
    from django.conf import settings
    from django.utils import timezone

    from townhall.accounts.models import Role, Team
    from townhall.catalogue.models import ASSISTED_CHANNELS, Channel, KnowledgeArticle, Service
    from townhall.core import calendar
    from townhall.customers.models import Customer, Outcome
    from townhall.customers.services import normalise_phone
    from townhall.demo.builder import FIRST_NAMES, LAST_NAMES, _answers
    from townhall.gazetteer.models import Property
    from townhall.streetcare.demo import CATEGORIES, DETAILS
    from townhall.streetcare.models import Category

    rng = random.Random(SEED + cases)  # noqa: S311 - reproducible load, not secrets
    now = timezone.now()

    # Customers, topped up to ~100k.
    columns = ("id", "postcode", "latitude", "longitude", "ward_id", "street_id")  # a home's, by index below
    properties = list(Property.objects.order_by("id").values_list(*columns))
    missing = CUSTOMERS - Customer.objects.count()
    if missing > 0:
        first = _next_id("customers_customer", missing)

        def customer_rows():
            for n in range(first, first + missing):
                name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                phone = f"07{rng.randrange(100, 999)} {rng.randrange(100000, 999999)}"
                prop = rng.choice(properties)
                created = now - dt.timedelta(days=rng.random() * 1800)
                yield (
                    n,
                    "person",
                    name,
                    f"{name.lower().replace(' ', '.')}.{n}@example.com",
                    phone,
                    normalise_phone(phone),
                    dt.date(1935 + rng.randrange(70), rng.randrange(1, 13), rng.randrange(1, 29)),
                    prop[0],
                    "",
                    prop[1],
                    created,
                    created,
                )

        columns = "id kind name email phone phone_normalised date_of_birth address_id address_text postcode"
        _copy("customers_customer", [*columns.split(), "created_at", "updated_at"], customer_rows())
        log(started, f"{missing:,} customers")

    resident = Customer.objects.filter(user__email="resident@wexmoor.example").first()
    resident_cases = RESIDENT_CASES - resident.cases.count() if resident else 0
    customers = list(
        Customer.objects.exclude(pk=getattr(resident, "pk", None))
        .order_by("id")
        .values_list("id", "name", "email", "phone", "address_id")
    )
    by_property = {p[0]: p for p in properties}

    services = list(Service.objects.select_related("current_form").order_by("slug"))
    members = {
        team.pk: [u.pk for u in team.members.exclude(role=Role.AUDITOR).order_by("id")]
        for team in Team.objects.prefetch_related("members")
    }
    from townhall.accounts.models import User

    agents = list(User.objects.filter(role=Role.AGENT).values_list("id", "full_name"))
    places = list(Property.objects.select_related("street").order_by("uprn")[:2000])
    answer_pool = {}
    for service in services:
        sample = Customer.objects.select_related("address__street").order_by("id").first()
        answer_pool[service.pk] = [
            json.dumps(_answers(rng, service.current_form, sample, places)) for _ in range(ANSWER_POOL)
        ]
    # Every case of a street category is a report on the map, titled as reporters title
    # them; a category whose notice stops reports (gas) has none.
    categories = list(Category.objects.select_related("service"))
    street = {c.service_id: c for c in categories if not c.notice_stops_report}
    stopped = {c.service_id for c in categories} - set(street)
    titles = {pk: CATEGORIES.get(c.service.slug, (None, []))[1] or [c.service.name] for pk, c in street.items()}
    weights = _weights(rng, services, street=set(street), stopped=stopped)
    channels = [Channel.WEB] * 12 + [Channel.PHONE] * 6 + [Channel.FACE_TO_FACE] * 2 + [Channel.EMAIL] * 2
    channels += [Channel.LETTER, Channel.API, Channel.BACK_OFFICE]
    priorities = ["normal"] * 85 + ["high"] * 8 + ["low"] * 5 + ["urgent"] * 2
    # Every due date worked out first: the calendar may read the database, which is busy during COPY.
    tz = timezone.get_current_timezone()
    first_day = (now - dt.timedelta(days=366)).astimezone(tz).date()
    due_cache = {
        (first_day + dt.timedelta(days=d), days): calendar.add_working_days(first_day + dt.timedelta(days=d), days)
        for days in {s.deadline_working_days for s in services if s.deadline_working_days}
        for d in range(368)
    }

    first_case = _next_id("cases_case", cases)
    prefix = settings.CASE_REFERENCE_PREFIX
    case_customer = array("l")
    case_service = array("l")
    events: list[tuple] = []
    reports: list[tuple] = []
    chosen_services = rng.choices(services, weights=weights, k=cases)

    def case_rows():
        for i in range(cases):
            n = first_case + i
            service = chosen_services[i]
            if i < resident_cases:
                cust = (resident.pk, resident.name, resident.email, resident.phone, resident.address_id)
            else:
                # A few customers call often, most once or twice.
                cust = customers[int(len(customers) * rng.random() ** 1.6)]
            prop = by_property.get(cust[4]) if cust[4] and rng.random() < 0.6 else None
            prop = prop or rng.choice(properties)
            address, latitude, longitude = prop[0], prop[2], prop[3]
            if service.pk in street:
                # A problem in the street near the home, reported at a point, not an address.
                address = None
                latitude += Decimal(rng.randint(-STREET_SPREAD, STREET_SPREAD)) / 1_000_000
                longitude += Decimal(rng.randint(-STREET_SPREAD, STREET_SPREAD)) / 1_000_000
            channel = rng.choice(channels)
            age = rng.random() * 365
            submitted = now - dt.timedelta(days=age)
            workflow = service.workflow
            open_states = [s["key"] for s in workflow if not s["closed"]]
            closed_states = [s["key"] for s in workflow if s["closed"]]
            chance_closed = 0.97 if age > 30 else 0.3 + 0.6 * age / 30
            closed = bool(closed_states) and rng.random() < chance_closed
            if closed:
                status = closed_states[0] if rng.random() < 0.92 or len(closed_states) == 1 else closed_states[-1]
                resolved = min(submitted + dt.timedelta(days=rng.random() ** 2 * 25), now)
            else:
                roll = rng.random()
                status = open_states[0] if roll < 0.3 or len(open_states) == 1 else rng.choice(open_states[1:])
                resolved = None
            team_members = members.get(service.team_id) or []
            assignee = rng.choice(team_members) if team_members and status != workflow[0]["key"] else None
            due = None
            if service.deadline_working_days:
                due = due_cache[(submitted.astimezone(tz).date(), service.deadline_working_days)]
            agent = rng.choice(agents) if channel in ASSISTED_CHANNELS and agents else None
            case_customer.append(cust[0])
            case_service.append(service.pk)
            events.append((n, submitted, agent, workflow[0]["key"], channel))
            if service.pk in street:
                reports.append(
                    (
                        n,
                        latitude,
                        longitude,
                        prop[4],
                        prop[5],  # the home's street: the one nearest the point, or next to it
                        rng.choice(titles[service.pk]),
                        rng.choice(DETAILS) if rng.random() < 0.5 else "",
                        not street[service.pk].private and rng.random() < 0.95,  # a few kept off the map
                        rng.random() < 0.002,  # a moderator hid the text
                        submitted,
                    )
                )
            yield (
                n,
                _reference(prefix, n),
                service.pk,
                service.current_form_id,
                rng.choice(answer_pool[service.pk]),
                cust[0],
                cust[1],
                cust[2].lower(),
                cust[3],
                address,
                latitude,
                longitude,
                channel,
                status,
                closed,
                service.team_id,
                assignee,
                rng.choice(priorities),
                service.fee_pence,  # a fixed fee, or one item's
                due,
                submitted,
                resolved,
                resolved or submitted,
                agent[0] if agent else None,
                not closed and rng.random() < 0.03,
                1,
            )

    columns = (
        "id reference service_id form_id answers customer_id requester_name requester_email requester_phone"
        " address_id latitude longitude channel status is_closed team_id assignee_id priority fee due_date"
        " submitted_at resolved_at updated_at created_by_id has_new_message version"
    )
    _copy("cases_case", columns.split(), case_rows())
    log(started, f"{cases:,} cases")

    columns = "case_id latitude longitude ward_id street_id title detail public text_hidden created_at"
    _copy("streetcare_streetreport", columns.split(), reports)
    log(started, f"{len(reports):,} street reports")

    def event_rows():
        for case_id, submitted, agent, status, channel in events:
            yield (
                case_id,
                "submitted",
                submitted,
                agent[0] if agent else None,
                agent[1] if agent else "",
                True,
                "",
                "",
                status,
                json.dumps({"channel": channel}),
            )

    columns = "case_id kind at actor_id actor_label public text from_status to_status data"
    _copy("cases_caseevent", columns.split(), event_rows())
    log(started, f"{len(events):,} case events")

    # Contacts: a fifth as many as cases; a third of them about a case of the caller's.
    contacts = cases // 5
    articles = list(KnowledgeArticle.objects.values_list("id", "title"))
    outcomes = [Outcome.ANSWERED] * 4 + [Outcome.PROGRESS_GIVEN] * 3 + [Outcome.SIGNPOSTED, Outcome.TRANSFERRED]
    service_names = {s.pk: s.name for s in services}

    def contact_rows():
        for _ in range(contacts):
            agent = rng.choice(agents) if agents else (None, "")
            if rng.random() < 0.33:
                i = rng.randrange(cases)
                case_id, customer_id, service_id = first_case + i, case_customer[i], case_service[i]
                outcome = Outcome.PROGRESS_GIVEN
                article = None
            else:
                case_id, customer_id = None, customers[int(len(customers) * rng.random() ** 1.6)][0]
                service_id = rng.choice(services).pk
                outcome = rng.choice(outcomes)
                article = rng.choice(articles) if outcome == Outcome.ANSWERED and articles else None
            yield (
                customer_id,
                rng.choice([Channel.PHONE] * 4 + [Channel.FACE_TO_FACE, Channel.EMAIL]),
                "inbound",
                article[1] if article else service_names[service_id],
                service_id,
                case_id,
                article[0] if article else None,
                outcome,
                outcome in (Outcome.ANSWERED, Outcome.PROGRESS_GIVEN, Outcome.SIGNPOSTED),
                outcome == Outcome.PROGRESS_GIVEN,
                rng.random() < 0.8,
                rng.randint(60, 900),
                "",
                "",
                agent[0],
                now - dt.timedelta(days=rng.random() * 365),
            )

    columns = (
        "customer_id channel direction reason service_id case_id article_id outcome resolved_first_contact"
        " avoidable caller_verified duration_seconds notes phone_number agent_id started_at"
    )
    _copy("customers_contact", columns.split(), contact_rows())
    log(started, f"{contacts:,} contacts")

    # The outbox after a year: the submitted emails sent, a few stuck or retrying.
    sent = cases // 2
    first_message = _next_id("core_outboxmessage", sent)

    def outbox_rows():
        for n in range(first_message, first_message + sent):
            created = now - dt.timedelta(days=rng.random() * 365)
            stuck = n % 20_000 == 0
            yield (
                n,
                f"bench:{n}",
                "email",
                "{}",
                f"case:{first_case + rng.randrange(cases)}",
                "dead" if stuck else "sent",
                8 if stuck else 1,
                created,
                "Connection refused" if stuck else "",
                created,
                None if stuck else created,
            )

    columns = "id key topic payload ordering_key status attempts next_attempt_at last_error created_at sent_at"
    _copy("core_outboxmessage", columns.split(), outbox_rows())
    log(started, f"{sent:,} outbox messages")


def _weights(rng: random.Random, services: list, *, street: set[int], stopped: set[int]) -> list[float]:
    """How busy each service is: some far busier than others, as bins and potholes are
    (ranked at random, the k-th 1/k as busy as the busiest, which takes a quarter or so
    of the cases); the street categories together STREET_SHARE of all; none for those in
    `stopped`."""
    ranks = list(range(1, len(services) + 1))
    rng.shuffle(ranks)
    drawn = {service.pk: 1 / rank for service, rank in zip(services, ranks, strict=True)}
    for pk in stopped:
        drawn[pk] = 0.0
    on_street = sum(weight for pk, weight in drawn.items() if pk in street)
    elsewhere = sum(drawn.values()) - on_street
    scale = STREET_SHARE / (1 - STREET_SHARE) * elsewhere / on_street if on_street else 1
    return [drawn[service.pk] * (scale if service.pk in street else 1) for service in services]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases in the year (default 1,000,000)")
    args = parser.parse_args()
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    ensure_database(url)
    setup_django()
    build(args.cases)
    return 0


if __name__ == "__main__":
    sys.exit(main())
