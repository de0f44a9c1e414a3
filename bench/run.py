"""Times the pages and lookups that must stay fast at borough scale, on `townhall_bench`.

Each is requested a few times to warm up, then REPEATS times through Django's test
client (no network, no browser): the table gives the median and 95th percentile and
the SQL queries of one request. Results go to test-artifacts/bench.json; the run fails
when a page misses its target in bench/targets.json.

    .venv/bin/python bench/run.py [--repeats 30] [--only queue]
"""

import argparse
import itertools
import json
import os
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import ROOT, setup_django

WARM_UP = 3
# The bench's own REST API key, issued on the first run (a real key's secret is random).
API_KEY = "th_bench_rest_key_acting_for_the_manager"
TARGETS = Path(__file__).with_name("targets.json")
RESULTS = ROOT / "test-artifacts" / "bench.json"


def out(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def get(client, url: str) -> Callable[[], object]:
    """One GET of `url` by `client` (a Django test client), which must answer 200."""

    def request() -> object:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        return response

    return request


def measurements() -> list[tuple[str, Callable[[], object]]]:
    """(name, one request) for everything timed, signed in as whoever uses that page."""
    from django.db.models import Count
    from django.test import Client

    from townhall.accounts.models import User
    from townhall.cases.models import Case
    from townhall.catalogue.models import Service
    from townhall.customers.models import Customer
    from townhall.gazetteer.models import Property, Ward
    from townhall.gazetteer.selectors import properties_at_postcode, search_properties

    public = Client()
    resident = Client()
    resident.force_login(User.objects.get(email="resident@wexmoor.example"))
    # A team manager (street care and waste, the busiest queues) sees the dashboard,
    # queues, cases, customers and the outbox.
    manager_user = User.objects.get(email="manager@wexmoor.example")
    manager = Client()
    manager.force_login(manager_user)

    service = Service.objects.filter(team__members=manager_user).annotate(n=Count("cases")).order_by("-n").first()
    ward = Ward.objects.order_by("code").first()
    case = Case.objects.filter(service=service, is_closed=False).order_by("-submitted_at").first()
    busiest = (
        Case.objects.values("customer_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("customer_id", flat=True)
        .first()
    )
    someone = Customer.objects.filter(user__isnull=True).order_by("id")[500]
    postcode = Property.objects.order_by("id").values_list("postcode", flat=True)[5000]
    # Bin days: a home on rounds, and enough others that each request of the first-view row is a cold one.
    from townhall.waste.models import PropertyRound

    homes = list(
        PropertyRound.objects.filter(stream="refuse")
        .order_by("property_id")
        .values_list("property__uprn", flat=True)[100:1100]
    )
    home = homes[0] if homes else 0
    cold_homes = itertools.cycle(homes[1:] or [0])  # cold while fewer than 1,000 requests are timed
    queue_filter = f"?team=mine&state=open&overdue=on&ward={ward.pk}&service={service.pk}"

    def first_view() -> object:
        # A home whose bin days nobody has looked at since the schedule last changed.
        return get(public, f"/bins/{next(cold_homes)}/")()

    street = street_reporting(public)
    api = api_client(manager_user)
    return [
        ("public: home", get(public, "/")),
        ("public: services A-Z", get(public, "/services/")),
        ("public: search ?q=bin", get(public, "/search/?q=bin")),
        ("public: service start page", get(public, f"/services/{service.slug}/")),
        ("lookup: properties_at_postcode", lambda: properties_at_postcode(postcode)),
        ("lookup: search_properties('mill')", lambda: search_properties("mill")),
        ("bins: find address by postcode", get(public, f"/bins/?postcode={postcode.replace(' ', '+')}")),
        ("bins: bin days page", get(public, f"/bins/{home}/")),
        ("bins: bin days page, first view", first_view),
        ("bins: collections.json", get(public, f"/bins/{home}/collections.json")),
        ("bins: calendar.ics", get(public, f"/bins/{home}/calendar.ics")),
        ("account: my requests", get(resident, "/account/requests/")),
        ("console: dashboard", get(manager, "/staff/")),
        ("console: queue", get(manager, "/staff/queues/")),
        ("console: queue overdue+ward+service", get(manager, f"/staff/queues/{queue_filter}")),
        ("console: case page", get(manager, f"/staff/cases/{case.reference}/")),
        ("console: customer search by name", get(manager, f"/staff/customers/?q={someone.name.replace(' ', '+')}")),
        ("console: customer search by phone", get(manager, f"/staff/customers/?q={someone.phone_normalised}")),
        ("console: customer 360 (busiest)", get(manager, f"/staff/customers/{busiest}/")),
        ("console: outbox", get(manager, "/staff/outbox/")),
        *street,
        ("api: cases", get(api, "/api/v1/cases/")),
        ("api: cases ?service=", get(api, f"/api/v1/cases/?service={service.slug}")),
        ("api: cases ?service=&status=", get(api, f"/api/v1/cases/?service={service.slug}&status={case.status}")),
        ("api: customers ?search=name", get(api, f"/api/v1/customers/?search={someone.name.replace(' ', '+')}")),
        ("api: case events", get(api, f"/api/v1/cases/{case.reference}/events/")),
    ]


def street_reporting(public) -> list[tuple[str, Callable[[], object]]]:
    """The public map and list of street reports, a report's page, and the same reports
    through Open311, for anyone (no key is needed to read)."""
    from django.db.models import Count

    from townhall.integrations.open311.selectors import open311_services
    from townhall.streetcare.public_selectors import public_categories, public_reports

    # The busiest category Open311 offers, and its newest public report.
    offered = [service.pk for service in open311_services()]
    category = public_categories().filter(pk__in=offered).annotate(n=Count("cases")).order_by("-n").first()
    reference, ward = public_reports().filter(case__service=category).values_list("case__reference", "ward__code")[0]
    listed = f"/reports/?category={category.slug}&ward={ward}&status=open"
    requests_of_category = f"/open311/v2/requests.json?service_code={category.open311_code}"
    map_misses = itertools.count()

    def map_data() -> object:
        # Cached for a minute per address: a parameter the map ignores makes each request a miss.
        return get(public, f"/reports/map.json?bench={next(map_misses)}")()

    return [
        ("reports: list", get(public, "/reports/")),
        ("reports: list category+ward+open", get(public, listed)),
        ("reports: list fixed", get(public, "/reports/?status=fixed")),
        ("reports: map.json, uncached", map_data),
        ("reports: report page", get(public, f"/reports/{reference}/")),
        ("open311: services.json", get(public, "/open311/v2/services.json")),
        ("open311: requests.json (90 days)", get(public, "/open311/v2/requests.json")),
        ("open311: requests.json ?service_code=", get(public, requests_of_category)),
        ("open311: request", get(public, f"/open311/v2/requests/{reference}.json")),
    ]


def api_client(user):
    """A client sending the bench's REST API key, which acts for `user`, with an allowance
    for the bench's bursts of requests."""
    from django.test import Client

    from townhall.integrations.models import Scope
    from townhall.integrations.selectors import api_key_for
    from townhall.integrations.services import issue_api_key

    if api_key_for(API_KEY) is None:
        scopes = [Scope.SERVICES_READ, Scope.CASES_READ, Scope.CUSTOMERS_READ]
        issue_api_key(client_name="Bench", scopes=scopes, user=user, rate_per_minute=100_000, secret=API_KEY, by=None)
    return Client(HTTP_AUTHORIZATION=f"Bearer {API_KEY}")


def measure(request: Callable[[], object], repeats: int) -> dict:
    from django.db import connection

    for _ in range(WARM_UP):
        request()
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    # A wrapper, not the debug cursor's log: that log starts again when a request reconnects.
    with connection.execute_wrapper(count):
        request()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        request()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return {"median_ms": round(statistics.median(times), 1), "p95_ms": round(p95, 1), "queries": len(queries)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--only", default="", help="only the measurements whose name contains this")
    args = parser.parse_args()
    # WhiteNoise warns that static files were never collected: the bench serves none.
    warnings.filterwarnings("ignore", message="No directory at")
    setup_django()
    from townhall.cases.models import Case

    targets = json.loads(TARGETS.read_text())
    cases = Case.objects.count()
    out(f"townhall_bench: {cases:,} cases; {args.repeats} timed requests each after {WARM_UP} to warm up")
    out()
    out(f"{'page':40} {'median ms':>10} {'p95 ms':>8} {'queries':>8}  target")
    results, missed = {}, []
    for name, request in measurements():
        if args.only not in name:
            continue
        result = measure(request, args.repeats)
        target = targets.get(name, {})
        result["target"] = target
        misses = [
            f"{key} {result[key]} > {limit}"
            for key, limit in (
                ("median_ms", target.get("median_ms")),
                ("p95_ms", target.get("p95_ms")),
                ("queries", target.get("queries")),
            )
            if limit is not None and result[key] > limit
        ]
        if not target:
            misses.append("no target in bench/targets.json")
        results[name] = result
        wanted = ", ".join(f"{k.split('_')[0]} ≤ {v}" for k, v in target.items())
        out(
            f"{name:40} {result['median_ms']:>10} {result['p95_ms']:>8} {result['queries']:>8}  "
            f"{'MISSED ' + '; '.join(misses) if misses else 'ok (' + wanted + ')'}"
        )
        missed += [f"{name}: {miss}" for miss in misses]
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"cases": cases, "repeats": args.repeats, "results": results}, indent=2) + "\n")
    out()
    out(f"written to {RESULTS.relative_to(ROOT)}")
    if missed:
        out("Targets missed:")
        for miss in missed:
            out(f"  {miss}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
