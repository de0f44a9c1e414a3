"""Keeping an eye on what Townhall sends: the outbox and, in the demo, the sent mail."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from townhall.console.access import console_view
from townhall.console.context_processors import OUTBOX_ROLES
from townhall.core import outbox
from townhall.core.models import OutboxMessage, OutboxStatus
from townhall.core.paging import paginate
from townhall.notifications.models import DemoMailboxMessage


@console_view(*OUTBOX_ROLES)
def outbox_page(request: HttpRequest) -> HttpResponse:
    """What is waiting and what is stuck. Only unsent messages are counted, through their
    partial index: sent ones are years of rows at a borough (until purged), so the page says
    when the last one went instead."""
    counts = outbox.unsent_counts()
    return render(
        request,
        "console/outbox.html",
        {
            "counts": [(status, counts.get(status.value, 0)) for status in OutboxStatus if status != OutboxStatus.SENT],
            "last_sent_at": outbox.last_sent_at(),
            "keep_sent_days": settings.OUTBOX_KEEP_SENT_DAYS,
            "page": paginate(request, outbox.needing_attention().order_by("next_attempt_at", "id")),
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
