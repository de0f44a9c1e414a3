"""The staff console's navigation, built for the signed-in member of staff."""

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from townhall.accounts.models import Role
from townhall.accounts.permissions import (
    can_edit_catalogue,
    can_view_finance,
    can_work_cases,
    has_role,
    is_staff_user,
)
from townhall.console import contacts
from townhall.waste.crews import CREW_ROLES

OUTBOX_ROLES = (Role.TEAM_MANAGER, Role.COUNCIL_ADMIN)
# The integrations page and the pages it leads to, all under one navigation item.
INTEGRATION_PAGES = ("integrations:", "api_keys:", "backoffice:", "webhooks:")


def console_navigation(request: HttpRequest) -> dict:
    """`console_navigation` (label, url, active) for staff pages under /staff/, and the
    contacts this member of staff has not ended yet, so none is forgotten."""
    user = request.user
    if not request.path_info.startswith("/staff/") or not is_staff_user(user):
        return {}
    # (label, url, URL names it covers: console's by prefix, or a whole namespace)
    items = [(_("Dashboard"), reverse("console:dashboard"), ("console:dashboard",))]
    items.append((_("Queues"), reverse("console:queue"), ("console:queue", "console:case", "console:attachment")))
    if can_work_cases(user):
        items.append((_("Take a contact"), reverse("console:contact_start"), ("console:contact",)))
    items.append((_("Customers"), reverse("console:customers"), ("console:customer",)))
    # Agents answer "when is my bin day?" from the same pages residents use.
    items.append((_("Bin days"), reverse("bins:find"), ("bins:",)))
    items.append((_("Bookings"), reverse("bookings:calendars"), ("bookings:",)))
    if has_role(user, *CREW_ROLES):  # the page itself also checks the team
        items.append((_("Crews"), reverse("crews:today"), ("crews:",)))
    if can_edit_catalogue(user):
        items.append((_("Catalogue"), "/staff/catalogue/", ("catalogue:",)))
        items.append((_("Street categories"), reverse("streetcare_staff:categories"), ("streetcare_staff:categor",)))
    if has_role(user, Role.COUNCIL_ADMIN):
        items.append((_("Integrations"), reverse("integrations:index"), INTEGRATION_PAGES))
    if can_view_finance(user):
        items.append((_("Payments"), reverse("finance:report"), ("finance:",)))
    if has_role(user, *OUTBOX_ROLES):
        items.append((_("Outbox"), reverse("console:outbox"), ("console:outbox",)))
    if settings.DEMO_MODE:
        items.append((_("Sent mail"), reverse("console:mailbox"), ("console:mailbox",)))
    match = request.resolver_match
    current = f"{match.namespace}:{match.url_name}" if match else ""
    return {
        "console_navigation": [
            {"label": label, "url": url, "active": current.startswith(names)} for label, url, names in items
        ],
        # Not on the contact pages themselves, which show their own contact.
        "contacts_in_progress": [] if current.startswith("console:contact") else contacts.in_progress(request),
    }
