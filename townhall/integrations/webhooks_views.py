"""The webhook pages of the staff console, at /staff/integrations/webhooks/: who is sent
which case events, and each subscriber's signing secret. Council administrators only."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from townhall.accounts.models import Role
from townhall.accounts.permissions import staff_required
from townhall.cases.models import EventKind
from townhall.integrations import webhooks_services as services
from townhall.integrations.models import WebhookSubscriber
from townhall.integrations.webhooks_forms import SubscriberForm

council_admin = staff_required(Role.COUNCIL_ADMIN)


@require_GET
@council_admin
def subscribers(request: HttpRequest) -> HttpResponse:
    labels = dict(EventKind.choices)
    rows = [
        (subscriber, [labels.get(kind, kind) for kind in subscriber.event_kinds])
        for subscriber in WebhookSubscriber.objects.order_by("name")
    ]
    return render(request, "integrations/webhooks/subscribers.html", {"rows": rows})


@require_http_methods(["GET", "HEAD", "POST"])
@council_admin
def subscriber_form(request: HttpRequest, subscriber_id: int | None = None) -> HttpResponse:
    """Add a subscriber, or change one; a new one's page then shows its secret."""
    subscriber = get_object_or_404(WebhookSubscriber, pk=subscriber_id) if subscriber_id is not None else None
    form = SubscriberForm(request.POST if request.method == "POST" else None, subscriber=subscriber)
    if request.method == "POST" and form.is_valid():
        if subscriber is None:
            saved = services.add_subscriber(**form.cleaned_data, by=request.user)
            messages.success(request, _("%(name)s is added: give its owner the signing secret") % {"name": saved.name})
        else:
            saved = services.change_subscriber(subscriber=subscriber, **form.cleaned_data, by=request.user)
            messages.success(request, _("%(name)s is saved") % {"name": saved.name})
        return redirect("webhooks:subscriber", saved.pk)
    return render(request, "integrations/webhooks/subscriber_form.html", {"form": form, "subscriber": subscriber})
