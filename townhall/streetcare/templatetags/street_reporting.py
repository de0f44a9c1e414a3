"""The street side of a case page in the console: the report's asset and standing, what it
duplicates or absorbed, and open reports of the same category nearby to merge into it."""

from django import template
from django.core.exceptions import ObjectDoesNotExist

from townhall.accounts.permissions import can_edit_catalogue, can_work_cases
from townhall.cases.models import Case
from townhall.streetcare import selectors

register = template.Library()


@register.inclusion_tag("streetcare/includes/case_panel.html", takes_context=True)
def street_report_panel(context: template.Context, case: Case) -> dict:
    """Nothing for a case that is not a street report (its report comes with the case, so
    that costs no query); otherwise two queries: nearby reports, and those merged into it."""
    try:
        report = case.street_report
    except ObjectDoesNotExist:
        return {"report": None}
    user = context["request"].user
    nearby = []
    if not case.is_closed:
        nearby = selectors.nearby_open_reports(
            service=case.service,
            latitude=report.latitude,
            longitude=report.longitude,
            viewer=user,
            within_metres=selectors.STAFF_DUPLICATE_WITHIN_METRES,
            exclude=report,
        )
    return {
        "case": case,
        "report": report,
        "nearby": nearby,
        "within_metres": selectors.STAFF_DUPLICATE_WITHIN_METRES,
        "merged": [duplicate.case for duplicate in report.duplicates.select_related("case")],
        "can_merge": can_work_cases(user) and not case.is_closed,
        "can_edit_category": can_edit_catalogue(user),
        "csrf_token": context.get("csrf_token"),
    }
