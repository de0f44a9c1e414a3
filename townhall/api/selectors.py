"""Reads of the API that no page shares yet."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from townhall.accounts.models import Team
from townhall.accounts.permissions import is_staff_user
from townhall.cases.selectors import SEES_EVERYTHING
from townhall.catalogue.models import Service, ServiceStatus


def visible_services(user) -> QuerySet[Service]:
    """Published services `user` may see: a restricted one only by its own and its named
    teams (and by the roles that see every case), as its cases are."""
    if not is_staff_user(user):
        return Service.objects.none()
    published = Service.objects.filter(status=ServiceStatus.PUBLISHED, current_form__isnull=False).select_related(
        "department", "team", "current_form"
    )
    if user.role in SEES_EVERYTHING:
        return published
    my_teams = Team.objects.filter(members=user)
    named = Service.restricted_to_teams.through.objects.filter(service_id=OuterRef("pk"), team__in=my_teams)
    return published.filter(Q(restricted=False) | Q(team__in=my_teams) | Exists(named))
