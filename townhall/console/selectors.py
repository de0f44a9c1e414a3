"""Reads behind the console's dashboard and queues, always through `visible_cases`."""

import re
from dataclasses import dataclass

from django.db import models
from django.db.models import Count, F, FilteredRelation, Q, QuerySet, Value, When
from django.db.models.functions import Replace
from django.utils import timezone

from townhall.accounts.models import Role, Team, User
from townhall.cases.models import Case, Priority
from townhall.cases.selectors import case_list, visible_cases
from townhall.catalogue.models import AWAITING_PAYMENT, KnowledgeArticle, Service, ServiceStatus
from townhall.core.references import normalise_reference
from townhall.gazetteer.models import Ward

_WHOLE_REFERENCE = re.compile(r"^[A-Z0-9]+-[A-Z0-9]{4}-[A-Z0-9]{4}$")
_PRIORITY_RANK = models.Case(
    When(priority=Priority.URGENT, then=Value(0)),
    When(priority=Priority.HIGH, then=Value(1)),
    When(priority=Priority.NORMAL, then=Value(2)),
    default=Value(3),
    output_field=models.IntegerField(),
)
SORTS = {
    "due": [F("due_date").asc(nulls_last=True), "submitted_at", "id"],
    "submitted": ["-submitted_at", "-id"],
    "priority": [_PRIORITY_RANK, F("due_date").asc(nulls_last=True), "id"],
}


@dataclass(frozen=True)
class QueueFilters:
    """What a queue shows. `teams` None means every team; `assignee` None means anyone."""

    teams: list[Team] | None = None
    service: Service | None = None
    state: str = "open"
    status: str = ""
    overdue: bool = False
    ward: Ward | None = None
    assignee: User | str | None = None
    new_message: bool = False
    reference: str = ""
    sort: str = "due"


def my_teams(user) -> QuerySet[Team]:
    return Team.objects.filter(members=user)


def queue(user, filters: QueueFilters) -> QuerySet[Case]:
    """The cases a queue page lists, filtered and sorted, in one query per page."""
    cases = visible_cases(user)
    if filters.teams is not None:
        cases = cases.filter(team__in=filters.teams)
    if filters.service is not None:
        cases = cases.filter(service=filters.service)
    if filters.state == "open":
        # A request waiting for its payment is not work yet: it has its own filter.
        cases = cases.filter(is_closed=False).exclude(status=AWAITING_PAYMENT["key"])
    elif filters.state == "awaiting_payment":
        cases = cases.filter(is_closed=False, status=AWAITING_PAYMENT["key"])
    elif filters.state == "closed":
        cases = cases.filter(is_closed=True)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.overdue:
        cases = cases.filter(is_closed=False, due_date__lt=timezone.localdate())
    if filters.ward is not None:
        cases = cases.filter(address__ward=filters.ward)
    if filters.assignee == "unassigned":
        cases = cases.filter(assignee__isnull=True)
    elif isinstance(filters.assignee, User):
        cases = cases.filter(assignee=filters.assignee)
    if filters.new_message:
        cases = cases.filter(has_new_message=True)
    if filters.reference:
        cases = _with_reference(cases, filters.reference)
    return case_list(cases).order_by(*SORTS.get(filters.sort, SORTS["due"]))


def _with_reference(cases: QuerySet[Case], typed: str) -> QuerySet[Case]:
    """A whole reference, however typed, by the unique index; part of one by its characters."""
    whole = normalise_reference(typed)
    if _WHOLE_REFERENCE.match(whole):
        return cases.filter(reference=whole)
    part = "".join(ch for ch in typed.upper() if ch.isalnum())
    return cases.annotate(compact_reference=Replace("reference", Value("-"), Value(""))).filter(
        compact_reference__contains=part
    )


def my_open_cases(user) -> QuerySet[Case]:
    """Open cases assigned to `user`, overdue first (the earliest due date leads)."""
    return queue(user, QueueFilters(assignee=user))


def team_counts(user) -> list[Team]:
    """Each of the user's teams with its open, overdue, unassigned and new-message counts.

    Two queries whose cost follows today's workload, not years of closed history: the open
    cases are joined through the (team, is_closed, due_date) index, and the cases with an
    unread message (open or closed) are counted apart through their own partial index.
    Joining both in one condition (open OR unread) defeats both indexes and reads every
    case the team ever had (~250 ms at a million cases, against ~20 ms like this); a
    correlated count beside the join would be grouped by and run once per open case.
    """
    today = timezone.localdate()
    teams = list(
        my_teams(user)
        .annotate(
            open_cases=FilteredRelation(
                "cases", condition=Q(cases__is_closed=False) & ~Q(cases__status=AWAITING_PAYMENT["key"])
            )
        )
        .annotate(
            open_count=Count("open_cases"),
            overdue_count=Count("open_cases", filter=Q(open_cases__due_date__lt=today)),
            unassigned_count=Count("open_cases", filter=Q(open_cases__assignee__isnull=True)),
        )
    )
    unread = dict(
        Case.objects.filter(team__in=[team.pk for team in teams], has_new_message=True)
        .order_by()
        .values_list("team")
        .annotate(n=Count("id"))
    )
    for team in teams:
        team.new_message_count = unread.get(team.pk, 0)
    return teams


def workflow_statuses() -> list[tuple[str, str]]:
    """Every status used by some service's workflow, labelled as the first service names it."""
    labels: dict[str, str] = {}
    for workflow in Service.objects.values_list("workflow", flat=True):
        for state in workflow:
            labels.setdefault(state["key"], state.get("staff_label") or state["label"])
    return sorted(labels.items(), key=lambda item: item[1])


def assignable_staff(team_ids) -> QuerySet[User]:
    """Active staff in the given teams, whom cases can be assigned to."""
    return (
        User.objects.filter(teams__in=team_ids, is_active=True)
        .exclude(role__in=[Role.RESIDENT, Role.AUDITOR])
        .distinct()
        .order_by("full_name", "email")
    )


def search_articles(text: str, limit: int = 20) -> QuerySet[KnowledgeArticle]:
    """Published articles with every word of `text` in their title, summary or keywords."""
    articles = KnowledgeArticle.objects.filter(published=True)
    for word in (text or "").split()[:8]:
        articles = articles.filter(Q(title__icontains=word) | Q(summary__icontains=word) | Q(keywords__icontains=word))
    return articles.order_by("title")[:limit]


def services_offered_on(channel: str, text: str = "") -> list[Service]:
    """Published services taking requests on `channel`, matching `text` if given."""
    services = Service.objects.filter(status=ServiceStatus.PUBLISHED, current_form__isnull=False)
    for word in (text or "").split()[:8]:
        services = services.filter(Q(name__icontains=word) | Q(summary__icontains=word) | Q(keywords__icontains=word))
    # Channels are a short JSON list; checked here so it works on SQLite too.
    return [service for service in services.order_by("name") if service.offers(channel)]
