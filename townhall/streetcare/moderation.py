"""Moderating what the public sees of a street report: staff hide (and show again) its
title and detail, or any of its photos. The staff console still shows everything."""

from django.db import transaction

from townhall.accounts.models import Role
from townhall.accounts.permissions import has_role
from townhall.core import audit
from townhall.streetcare.models import ReportPhoto, StreetReport

# Who answers for what the council publishes: not the contact centre, not auditors.
MODERATORS = (Role.OFFICER, Role.TEAM_MANAGER, Role.COUNCIL_ADMIN)


def can_moderate(user) -> bool:
    return has_role(user, *MODERATORS)


@transaction.atomic
def moderate_text(*, report: StreetReport, hidden: bool, by) -> bool:
    """Hide the report's title and detail from the public, or show them again. False,
    changing nothing, when they already were (a second click)."""
    if not StreetReport.objects.filter(pk=report.pk).exclude(text_hidden=hidden).update(text_hidden=hidden):
        return False
    report.text_hidden = hidden
    action = "streetcare.text_hidden" if hidden else "streetcare.text_shown"
    audit.record(actor=by, action=action, target=report.case, data={"report": report.pk})
    return True


@transaction.atomic
def moderate_photo(*, photo: ReportPhoto, hidden: bool, by) -> bool:
    """Hide a photo from the public, or show it again. False, changing nothing, when it already was."""
    changed = (
        ReportPhoto.objects.filter(pk=photo.pk)
        .exclude(hidden=hidden)
        .update(hidden=hidden, hidden_by=by if hidden else None)
    )
    if not changed:
        return False
    photo.hidden = hidden
    action = "streetcare.photo_hidden" if hidden else "streetcare.photo_shown"
    audit.record(actor=by, action=action, target=photo.report.case, data={"photo": photo.pk})
    return True
