"""Reads of cases that pages and APIs share, with who may see what built in."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from townhall.accounts.models import Role, Team
from townhall.cases.models import Attachment, Case, CaseEvent, CaseWatcher
from townhall.catalogue.models import Service
from townhall.customers.models import Customer

# Roles that see every case, restricted ones included: the council's admins and auditors.
SEES_EVERYTHING = {Role.COUNCIL_ADMIN, Role.AUDITOR}


def visible_cases(user) -> QuerySet[Case]:
    """Cases `user` may see. Residents see their own; staff see every unrestricted
    service's cases (the contact centre answers about anything) and restricted ones
    only through their teams."""
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    if not user.is_council_staff:
        return Case.objects.filter(customer__user=user)
    if user.role in SEES_EVERYTHING:
        return Case.objects.all()
    my_teams = Team.objects.filter(members=user)
    restricted_for_me = Service.restricted_to_teams.through.objects.filter(
        service_id=OuterRef("service_id"), team__in=my_teams
    )
    return Case.objects.filter(Q(service__restricted=False) | Q(team__in=my_teams) | Exists(restricted_for_me))


def case_for_resident(*, user, reference: str) -> Case | None:
    return resident_cases(user).select_related("form", "address__street").filter(reference=reference).first()


def case_for_tracking(*, reference: str, email: str) -> Case | None:
    """A request found by its reference and the email given with it, for residents
    without an account. Both must match: a reference alone shows nothing."""
    email = (email or "").strip().lower()
    if not email:
        return None
    return (
        Case.objects.select_related("service", "customer")
        .filter(reference=reference)
        .filter(Q(requester_email=email) | Q(customer__email=email))
        .first()
    )


def public_timeline(case: Case) -> QuerySet[CaseEvent]:
    return case.events.filter(public=True).select_related("actor").prefetch_related("attachments")


def public_attachments(case: Case) -> QuerySet[Attachment]:
    """The files of a request its resident may see and download."""
    return case.attachments.filter(public=True)


def public_attachment(*, case: Case, public_id) -> Attachment | None:
    return public_attachments(case).filter(public_id=public_id).first()


def full_timeline(case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor").prefetch_related("attachments")


def resident_cases(user) -> QuerySet[Case]:
    """My requests: every request of theirs from any channel, newest first. Staff get
    their own requests here too, never the cases they work on."""
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    return Case.objects.filter(customer__user=user).select_related("service").order_by("-submitted_at", "-id")


def followed_cases(user) -> QuerySet[Case]:
    """Requests a resident follows without having made them, newest first: as the
    customer record linked to their account, or by its email address alone."""
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    their_emails = Customer.objects.filter(user=user).exclude(email="").values("email")
    following = CaseWatcher.objects.filter(Q(customer__user=user) | Q(customer__isnull=True, email__in=their_emails))
    return (
        Case.objects.filter(pk__in=following.values("case_id"))
        .exclude(customer__user=user)
        .select_related("service")
        .order_by("-submitted_at", "-id")
    )


# The most of a customer's requests a page about them lists, newest first.
RECENT_CASES = 50


@dataclass(frozen=True)
class RecentCases:
    cases: list[Case]
    total: int

    @property
    def more(self) -> bool:
        return self.total > len(self.cases)


def customer_cases(user, customer: Customer) -> QuerySet[Case]:
    """A customer's requests that `user` may see, newest first, as lists show them."""
    return case_list(visible_cases(user).filter(customer=customer)).order_by("-submitted_at", "-id")


def recent_customer_cases(user, customer: Customer) -> RecentCases:
    """What every page about a customer lists of their requests, and the count it gives:
    one selector, so no page says one number and lists another."""
    cases = customer_cases(user, customer)
    shown = list(cases[:RECENT_CASES])
    return RecentCases(shown, len(shown) if len(shown) < RECENT_CASES else cases.count())


def case_list(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """What queue and search lists show of each case, fetched in one query."""
    return queryset.select_related("service", "team", "assignee", "customer", "address__ward")
