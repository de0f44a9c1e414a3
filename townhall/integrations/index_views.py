"""The staff console's integrations page, at /staff/integrations/: the way to the pages
that connect Townhall with other systems. Council administrators only."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from townhall.accounts.models import Role
from townhall.accounts.permissions import staff_required


@require_GET
@staff_required(Role.COUNCIL_ADMIN)
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "integrations/index.html")
