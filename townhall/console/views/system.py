"""Keeping an eye on what Townhall sends: the outbox and, in the demo, the sent mail."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from townhall.console.access import console_view
from townhall.console.context_processors import OUTBOX_ROLES
from townhall.core import outbox
from townhall.core.models import OutboxMessage, OutboxStatus
from townhall.core.paging import paginate
from townhall.notifications.models import DemoMailboxMessage

# What each kind of message is, for staff; a topic not named here shows as itself.
TOPIC_LABELS = {
    "email": _l("Emails"),
    "payment_refund": _l("Refunds to the payment provider"),
    "waste_event": _l("Waste back office"),
    "case_event": _l("Case events to share out"),
    "backoffice_send": _l("Reports to a back office"),
    "backoffice_update": _l("Residents' messages to a back office"),
    "webhook": _l("Webhooks"),
}


@dataclass(frozen=True)
class Backlog:
    label: str
    pending: int
    failing: int
    stuck: int


def outbox_backlog() -> list[Backlog]:
    """Per kind of message, how many are waiting, failing and stuck, with a total last; the
    outbox page and the dashboard show it. Read through the partial index of unsent messages."""
    rows = [
        Backlog(
            label=str(TOPIC_LABELS.get(topic, topic)),
            pending=counts.get(OutboxStatus.PENDING, 0),
            failing=counts.get(OutboxStatus.FAILED, 0),
            stuck=counts.get(OutboxStatus.DEAD, 0),
        )
        for topic, counts in outbox.unsent_counts().items()
    ]
    rows.sort(key=lambda row: row.label)
    total = Backlog(
        label=_("All messages"),
        pending=sum(row.pending for row in rows),
        failing=sum(row.failing for row in rows),
        stuck=sum(row.stuck for row in rows),
    )
    return [*rows, total]


@console_view(*OUTBOX_ROLES)
def outbox_page(request: HttpRequest) -> HttpResponse:
    """What is waiting and what is stuck. Only unsent messages are counted, through their
    partial index: sent ones are years of rows at a borough (until purged), so the page says
    when the last one went instead. A message about a case says which case and receiver
    (back-office and webhook messages carry `case_reference` and `receiver`)."""
    page = paginate(request, outbox.needing_attention().order_by("next_attempt_at", "id"))
    for message in page.object_list:
        message.topic_label = TOPIC_LABELS.get(message.topic, message.topic)
    return render(
        request,
        "console/outbox.html",
        {
            "backlog": outbox_backlog(),
            "last_sent_at": outbox.last_sent_at(),
            "keep_sent_days": settings.OUTBOX_KEEP_SENT_DAYS,
            "page": page,
        },
    )


@require_POST
@console_view(*OUTBOX_ROLES)
def outbox_retry(request: HttpRequest, message_id: int) -> HttpResponse:
    message = get_object_or_404(OutboxMessage, pk=message_id)
    if outbox.retry_now(message, by=request.user):
        messages.success(request, _("The message will be sent again now"))
    else:
        messages.info(request, _("That message is already sent or waiting to be sent"))
    return redirect("console:outbox")


def _demo_only() -> None:
    if not settings.DEMO_MODE:
        raise Http404


@console_view()
def mailbox(request: HttpRequest) -> HttpResponse:
    _demo_only()
    page = paginate(request, DemoMailboxMessage.objects.defer("body", "html_body").order_by("-sent_at", "-id"))
    return render(request, "console/mailbox.html", {"page": page})


@console_view()
def mailbox_message(request: HttpRequest, message_id: int) -> HttpResponse:
    _demo_only()
    message = get_object_or_404(DemoMailboxMessage, pk=message_id)
    return render(request, "console/mailbox_message.html", {"message": message})
