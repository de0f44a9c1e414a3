"""The public site's navigation, and small helpers its templates share."""

import re

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from townhall.cases.models import Case

register = template.Library()

# Which navigation item a page sits under, by its URL name in the `portal` namespace.
SECTIONS = {
    "home": "home",
    "services": "services",
    "service": "services",
    "start": "services",
    "continue": "services",
    "question": "services",
    "details": "services",
    "check": "services",
    "track": "track",
    "track_reply": "track",
    "account": "account",
    "my_requests": "account",
    "my_request": "account",
    "profile": "account",
    "profile_details": "account",
    "profile_address": "account",
    "delete_draft": "account",
}
# Sections of whole namespaces served outside the portal app.
NAMESPACE_SECTIONS = {"bins": "bins", "missed": "bins", "street_report": "report", "reports": "report"}


@register.inclusion_tag("portal/includes/navigation.html", takes_context=True)
def portal_navigation(context, section: str | None = None) -> dict:
    """The public site's navigation, with the current page's section marked: found from the
    page's URL, or given by pages outside the portal (the sign-in pages are "account")."""
    request = context["request"]
    match = request.resolver_match
    if section is None and match and match.namespace == "portal":
        section = SECTIONS.get(match.url_name)
    elif section is None and match:
        section = NAMESPACE_SECTIONS.get(match.namespace)
    items = [
        ("home", _("Home"), reverse("portal:home")),
        ("services", _("Services A to Z"), reverse("portal:services")),
        ("bins", _("Bin days"), reverse("bins:find")),
        # One item for street reporting, so that the menu fits one line with the account links.
        ("report", _("Report a problem"), reverse("street_report:where")),
        ("track", _("Track a request"), reverse("portal:track")),
    ]
    return {
        "items": [{"label": label, "url": url, "active": key == section} for key, label, url in items],
        "account_active": section == "account",
        "user": request.user,
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def paragraphs(text: str) -> list[str]:
    """Text an officer wrote, split into paragraphs at blank lines."""
    return [part.strip() for part in re.split(r"\n\s*\n", text or "") if part.strip()]


@register.filter
def status_tag_class(case: Case) -> str:
    """A GOV.UK tag colour for where a request is in its service's workflow."""
    workflow = case.service.workflow
    if case.is_closed:
        first_closed = next((state["key"] for state in workflow if state["closed"]), None)
        return "govuk-tag--green" if case.status == first_closed else "govuk-tag--grey"
    return "govuk-tag--blue" if case.status == case.service.initial_state else "govuk-tag--light-blue"
