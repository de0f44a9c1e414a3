"""What the tracking page and My Account show of one request and the resident's reply to
it. Its files download through `townhall.cases.downloads`."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from townhall.cases.models import Attachment, Case, EventKind
from townhall.cases.selectors import public_attachments, public_timeline
from townhall.catalogue.models import AWAITING_PAYMENT
from townhall.payments import selectors as payment_selectors
from townhall.portal import services
from townhall.portal.forms import ReplyForm

# Public events as the resident reads them. A status change's reason is the officer's,
# so only the new status is shown; the words meant for the resident are public updates.
TITLES = {
    EventKind.SUBMITTED: gettext_lazy("Request received"),
    EventKind.PUBLIC_UPDATE: gettext_lazy("Update from the council"),
    EventKind.MESSAGE_OUT: gettext_lazy("Message from the council"),
    EventKind.MESSAGE_IN: gettext_lazy("Your message"),
    EventKind.ATTACHMENT: gettext_lazy("File added"),
    EventKind.REOPENED: gettext_lazy("Request reopened"),
    EventKind.AWAITING_PAYMENT: gettext_lazy("Request saved, waiting for payment"),
    EventKind.PAYMENT: gettext_lazy("Payment received"),
    EventKind.REFUND: gettext_lazy("Refund made"),
}
SHOWS_TEXT = {EventKind.PUBLIC_UPDATE, EventKind.MESSAGE_OUT, EventKind.MESSAGE_IN, EventKind.PAYMENT, EventKind.REFUND}


@dataclass(frozen=True)
class Entry:
    title: str
    at: dt.datetime
    text: str
    files: list[str]
    from_resident: bool


def timeline(case: Case) -> list[Entry]:
    """The request's public history, newest first."""
    entries = []
    for event in public_timeline(case).order_by("-at", "-id"):
        if event.kind == EventKind.STATUS_CHANGED:
            title = _("Status changed to: %(status)s") % {"status": case.service.state_label(event.to_status)}
        elif event.kind in TITLES:
            title = str(TITLES[event.kind])
        else:
            continue
        entries.append(
            Entry(
                title=title,
                at=event.at,
                text=event.text if event.kind in SHOWS_TEXT else "",
                files=[attachment.original_name for attachment in event.attachments.all() if attachment.public],
                from_resident=event.kind == EventKind.MESSAGE_IN,
            )
        )
    return entries


def reopen_until(case: Case) -> dt.datetime | None:
    """Until when a reply reopens a closed request; None if it is open or it is too late."""
    if not case.is_closed or case.resolved_at is None:
        return None
    until = case.resolved_at + dt.timedelta(days=case.service.reopen_days)
    return until if until >= timezone.now() else None


def request_context(case: Case, file_url: Callable[[Attachment], str], reply_form: ReplyForm | None = None) -> dict:
    """`file_url` gives where this page's resident downloads one of the request's files."""
    return {
        "case": case,
        "timeline": timeline(case),
        "files": [(attachment, file_url(attachment)) for attachment in public_attachments(case)],
        "reopen_until": reopen_until(case),
        "form": reply_form or ReplyForm(),
        "receipts": payment_selectors.receipts_for(case),
        "awaiting_payment": case.status == AWAITING_PAYMENT["key"],
    }


def reply(request: HttpRequest, case: Case) -> ReplyForm | None:
    """Sends the resident's reply; the form with its errors if it could not be sent, else None."""
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return form
    was_closed = case.is_closed
    updated = services.send_reply(case=case, text=form.cleaned_data["text"], by=request.user)
    if was_closed and not updated.is_closed:
        messages.success(request, _("Your message has been sent and your request has been reopened."))
    else:
        messages.success(request, _("Your message has been sent."))
    return None
