"""The "is it fixed?" question: some weeks (STREETCARE_QUESTIONNAIRE_WEEKS) after a street report is
marked fixed, its reporter is asked, once, whether it really is. "Yes" is noted on the
case; "no" reopens it, however long ago it was resolved, and their words reach the team.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from townhall.cases import services as case_services
from townhall.catalogue.models import Service
from townhall.core import audit
from townhall.notifications.services import queue_email
from townhall.streetcare.models import FixedQuestionnaire, StreetReport
from townhall.streetcare.public_selectors import fixed_cases

# Reports fixed longer before they were due to be asked about are left alone: a site
# starting to ask, or one whose scheduled jobs stopped for a while, does not email people
# about things they reported long ago.
ASKING_WINDOW = dt.timedelta(weeks=4)


def due_reports(*, now: dt.datetime | None = None) -> QuerySet[StreetReport]:
    """Reports fixed between STREETCARE_QUESTIONNAIRE_WEEKS (and ASKING_WINDOW more) ago,
    whose reporter gave an email address and has not been asked."""
    latest = (now or timezone.now()) - dt.timedelta(weeks=settings.STREETCARE_QUESTIONNAIRE_WEEKS)
    categories = Service.objects.filter(street_category__isnull=False).only("id", "workflow")
    return (
        StreetReport.objects.filter(
            fixed_cases(categories),
            case__resolved_at__lte=latest,
            case__resolved_at__gt=latest - ASKING_WINDOW,
            questionnaire__isnull=True,
        )
        .filter(~Q(case__requester_email="") | Q(case__customer__email__gt=""))
        .select_related("case__service", "case__customer")
        .order_by("case__resolved_at", "case_id")
    )


def send_due_questionnaires(*, now: dt.datetime | None = None) -> int:
    """Ask every reporter due a question; returns how many were asked. Each report is
    asked about once, however often this runs, or if two runs overlap."""
    asked = 0
    for report in due_reports(now=now).iterator(chunk_size=500):
        with transaction.atomic():
            questionnaire, created = FixedQuestionnaire.objects.get_or_create(report=report)
            if created:
                _ask(report, questionnaire)
                asked += 1
    return asked


def _ask(report: StreetReport, questionnaire: FixedQuestionnaire) -> None:
    case = report.case
    name = case.requester_name or (case.customer.name if case.customer else "") or "resident"
    fixed_on = date_format(timezone.localtime(case.resolved_at), "j F Y")
    link = settings.SITE_URL + reverse("reports:questionnaire", args=[questionnaire.token])
    queue_email(
        to=case.requester_email or case.customer.email,
        subject=f"Is it fixed? Your report {case.reference}",
        body=f"Dear {name},\n\nYou reported a problem: {report.title} ({case.reference}). "
        f"We marked it fixed on {fixed_on}.\n\n"
        f"Is it really fixed? Tell us at {link}\n\n"
        "If it is not, we will look at it again.\n\n"
        f"{settings.COUNCIL_NAME}",
        case=case,
        event="street_questionnaire",
    )
    audit.record(actor=None, action="streetcare.questionnaire_sent", target=case, data={"report": report.pk})


@transaction.atomic
def answer_questionnaire(*, questionnaire: FixedQuestionnaire, fixed: bool, comment: str = "") -> FixedQuestionnaire:
    """The reporter's answer, taken once: a second answer (a resent form) changes nothing."""
    questionnaire = (
        FixedQuestionnaire.objects.select_for_update().select_related("report__case").get(pk=questionnaire.pk)
    )
    if questionnaire.answered_at is not None:
        return questionnaire
    comment = comment.strip()
    questionnaire.fixed = fixed
    questionnaire.comment = comment
    questionnaire.answered_at = timezone.now()
    questionnaire.save(update_fields=["fixed", "comment", "answered_at"])
    case = questionnaire.report.case
    if fixed:
        case_services.add_note(case=case, text="Asked whether it is fixed, the reporter said it is.", by=None)
    else:
        said = "Asked whether it is fixed, the reporter said it is not."
        case_services.reopen_case(case=case, text=f"{said}\n\n{comment}" if comment else said, by=None)
    audit.record(
        actor=None, action="streetcare.questionnaire_answered", target=case, data={"fixed": fixed, "report": case.pk}
    )
    return questionnaire
