"""What the Open311 server reads: the services it offers and the requests it shows."""

import datetime as dt
import uuid

from django.db.models import OuterRef, QuerySet, Subquery

from townhall.cases.models import Case, CaseEvent, EventKind
from townhall.catalogue.journeys import only_on_own_pages
from townhall.catalogue.models import AWAITING_PAYMENT, Channel, FeeKind, Service, ServiceStatus

# The most requests one answer lists (the specification's default limit).
MAX_REQUESTS = 1000


def _candidates() -> QuerySet[Service]:
    """Services that might be offered: published, with a code, open to every team's
    residents (never restricted) and free (Open311 cannot take a payment)."""
    return (
        Service.objects.filter(
            status=ServiceStatus.PUBLISHED,
            current_form__isnull=False,
            open311_code__isnull=False,
            restricted=False,
            fee_kind=FeeKind.NONE,
        )
        .exclude(open311_code="")
        .select_related("department", "current_form", "street_category")
    )


def _offered_by_api(services) -> list[Service]:
    # Channels are a JSON list: checked here, as SQLite (the demo's database) cannot query into
    # it. A service that only its module's pages may raise (a missed bin) is not offered.
    return [service for service in services if service.offers(Channel.API) and not only_on_own_pages(service)]


def open311_services() -> list[Service]:
    """Every service an Open311 client may see and report to, by name."""
    return _offered_by_api(_candidates().order_by("name", "pk"))


def open311_service(code: str) -> Service | None:
    offered = _offered_by_api(_candidates().filter(open311_code=code))
    return offered[0] if offered else None


def submitted_case(submission_keys: list[uuid.UUID]) -> Case | None:
    """The case an earlier sending of the same request made, if one did."""
    return Case.objects.filter(submission_key__in=submission_keys).select_related("service__street_category").first()


def service_requests(
    *,
    services: list[Service],
    references: list[str] | None = None,
    statuses: frozenset[str] = frozenset(),
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> list[Case]:
    """Requests of `services`, newest first, at most MAX_REQUESTS: those with `references`
    when given (other filters then ignored, as the specification says), else those made
    between `start` and `end` in `statuses` ("open", "closed"; empty for both).

    Each case comes with what its answer shows (service, team, address's street, street
    report and category, the Open311 submission) and `latest_update`, its newest public
    update's text, in one query.
    """
    cases = Case.objects.filter(service__in=services).exclude(status=AWAITING_PAYMENT["key"])
    if references is not None:
        cases = cases.filter(reference__in=references)
    else:
        if statuses == {"open"}:
            cases = cases.filter(is_closed=False)
        elif statuses == {"closed"}:
            cases = cases.filter(is_closed=True)
        if start is not None:
            cases = cases.filter(submitted_at__gte=start)
        if end is not None:
            cases = cases.filter(submitted_at__lte=end)
    latest_update = CaseEvent.objects.filter(case=OuterRef("pk"), kind=EventKind.PUBLIC_UPDATE, public=True).order_by(
        "-at", "-id"
    )
    return list(
        cases.select_related(
            "service__street_category", "team", "address__street", "street_report", "open311_submission"
        )
        .annotate(latest_update=Subquery(latest_update.values("text")[:1]))
        .order_by("-submitted_at", "-id")[:MAX_REQUESTS]
    )
