"""Template helpers for street reports as the public sees them, and the console's
moderation panel for one."""

from django import template
from django.core.exceptions import ObjectDoesNotExist

from townhall.cases.models import Case
from townhall.streetcare import public_selectors
from townhall.streetcare.models import StreetReport
from townhall.streetcare.moderation import can_moderate

register = template.Library()

TAG_CLASSES = {
    public_selectors.OPEN: "govuk-tag--blue",
    public_selectors.FIXED: "govuk-tag--green",
    public_selectors.CLOSED: "govuk-tag--grey",
}


@register.filter
def public_title(report: StreetReport) -> str:
    return public_selectors.public_title(report)


@register.inclusion_tag("streetcare/public/includes/status_tag.html")
def report_status(case: Case) -> dict:
    """The report's status in its workflow's words, coloured by open, fixed or closed."""
    return {"label": case.status_label, "tag_class": TAG_CLASSES[public_selectors.public_status(case)]}


@register.inclusion_tag("streetcare/public/includes/moderation.html", takes_context=True)
def street_report_moderation(context, case: Case) -> dict:
    """A street report's case page in the console: what the public sees of the report,
    with buttons to hide or show its text and each photo for those who may. Shows
    nothing for a case that is not a street report."""
    try:
        report = case.street_report
    except ObjectDoesNotExist:
        return {"report": None}
    return {
        "report": report,
        "case": case,
        "photos": list(report.photos.all()),
        "can_moderate": can_moderate(context["request"].user),
        "is_public": public_selectors.public_report(case.reference) is not None,
        "csrf_token": context.get("csrf_token"),
    }
