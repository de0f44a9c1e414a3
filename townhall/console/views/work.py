"""The member of staff's own work: the dashboard and the queues."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from townhall.accounts.permissions import has_role
from townhall.console import selectors
from townhall.console.access import console_view
from townhall.console.context_processors import OUTBOX_ROLES
from townhall.console.forms.queue import QueueFilterForm
from townhall.console.views.system import outbox_backlog
from townhall.core.paging import paginate
from townhall.customers.selectors import recent_contacts_by

DASHBOARD_ROWS = 20


@console_view()
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    my_cases = selectors.my_open_cases(user)
    return render(
        request,
        "console/dashboard.html",
        {
            "my_cases": my_cases[:DASHBOARD_ROWS],
            "my_case_count": my_cases.count(),
            "teams": selectors.team_counts(user),
            "recent_contacts": recent_contacts_by(user)[:10],
            "outbox_backlog": outbox_backlog() if has_role(user, *OUTBOX_ROLES) else None,
        },
    )


@console_view()
def queue(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None, user=request.user)
    page = paginate(request, selectors.queue(request.user, form.filters()))
    return render(request, "console/queue.html", {"form": form, "page": page})
