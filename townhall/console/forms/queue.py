from django import forms
from django.utils.translation import gettext_lazy as _

from townhall.accounts.models import Team
from townhall.catalogue.models import Service
from townhall.console import selectors
from townhall.console.selectors import QueueFilters
from townhall.core.forms import GovUKForm
from townhall.gazetteer.models import Ward

MY_TEAMS, ALL_TEAMS = "mine", "all"
ME, UNASSIGNED = "me", "unassigned"


class QueueFilterForm(GovUKForm):
    """The queue's filters, sent by GET so that a filtered queue is a link to share."""

    reference = forms.CharField(label=_("Reference"), required=False)
    team = forms.ChoiceField(label=_("Team"), required=False)
    service = forms.ModelChoiceField(
        label=_("Service"), queryset=Service.objects.only("id", "name"), required=False, empty_label=_("Any service")
    )
    state = forms.ChoiceField(
        label=_("Open or closed"),
        choices=[
            ("open", _("Open")),
            ("awaiting_payment", _("Awaiting payment")),
            ("closed", _("Closed")),
            ("any", _("Any")),
        ],
        required=False,
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    ward = forms.ModelChoiceField(
        label=_("Ward"), queryset=Ward.objects.all(), required=False, empty_label=_("Any ward")
    )
    assignee = forms.ChoiceField(label=_("Assigned to"), required=False)
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)
    new_message = forms.BooleanField(label=_("Only with a new message"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        choices=[("due", _("Due date")), ("submitted", _("Newest first")), ("priority", _("Priority"))],
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.my_teams = list(selectors.my_teams(user))
        self.teams = {str(t.pk): t for t in Team.objects.only("id", "name")}
        self.staff = {str(u.pk): u for u in selectors.assignable_staff([t.pk for t in self.my_teams])}
        # Staff outside any team (admins, auditors) start from every team's cases.
        self.default_team = MY_TEAMS if self.my_teams else ALL_TEAMS
        self.fields["team"].choices = [(MY_TEAMS, _("My teams")), (ALL_TEAMS, _("All teams"))] + [
            (pk, t.name) for pk, t in self.teams.items()
        ]
        self.fields["team"].initial = self.default_team
        self.fields["status"].choices = [("", _("Any status")), *selectors.workflow_statuses()]
        self.fields["assignee"].choices = [("", _("Anyone")), (ME, _("Me")), (UNASSIGNED, _("Nobody"))] + [
            (pk, str(u)) for pk, u in self.staff.items()
        ]

    def _chosen_teams(self, team: str) -> list[Team] | None:
        if team == ALL_TEAMS:
            return None
        return self.my_teams if team == MY_TEAMS else [self.teams[team]]

    def filters(self) -> QueueFilters:
        """The filters asked for, or the defaults (my teams' open cases, by due date)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        assignee = data.get("assignee") or None
        if assignee == ME:
            assignee = self.user
        elif assignee != UNASSIGNED and assignee is not None:
            assignee = self.staff[assignee]
        return QueueFilters(
            teams=self._chosen_teams(data.get("team") or self.default_team),
            service=data.get("service"),
            state=data.get("state") or "open",
            status=data.get("status", ""),
            overdue=data.get("overdue", False),
            ward=data.get("ward"),
            assignee=assignee,
            new_message=data.get("new_message", False),
            reference=data.get("reference", "").strip(),
            sort=data.get("sort") or "due",
        )
