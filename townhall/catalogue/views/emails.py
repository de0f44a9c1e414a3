"""The emails a service's requests send."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from townhall.catalogue import selectors, services
from townhall.catalogue.forms import EmailTemplateForm
from townhall.catalogue.models import NotificationEvent
from townhall.catalogue.views.common import editor_required, render_page, saved, service_or_404
from townhall.notifications.placeholders import PLACEHOLDERS, fill_placeholders, placeholders_for


@editor_required
def emails(request: HttpRequest, pk: int) -> HttpResponse:
    service = service_or_404(pk)
    return render_page(request, "catalogue/emails.html", {"service": service, "texts": selectors.email_texts(service)})


@editor_required
def email_edit(request: HttpRequest, pk: int, event: str) -> HttpResponse:
    service = service_or_404(pk)
    text = next((t for t in selectors.email_texts(service) if t.event == event), None)
    if text is None:
        raise Http404
    action = request.POST.get("action", "save")
    if request.method == "POST" and action == "reset":
        services.reset_notification_template(service=service, event=event, by=request.user)
        messages.success(request, _("The email uses the default text again."))
        return redirect("catalogue:emails", pk=service.pk)
    form = EmailTemplateForm(
        request.POST if request.method == "POST" else None,
        initial={"subject": text.subject, "body": text.body},
        event=event,
    )
    if action == "save" and saved(
        request,
        form,
        lambda: services.save_notification_template(service=service, event=event, by=request.user, **form.cleaned_data),
        done=_("Email saved."),
    ):
        return redirect("catalogue:emails", pk=service.pk)
    shown = form.cleaned_data if form.is_bound and form.is_valid() else {"subject": text.subject, "body": text.body}
    placeholders = {name: PLACEHOLDERS[name] for name in placeholders_for(event)}
    examples = {name: placeholder.example for name, placeholder in placeholders.items()}
    examples |= {"service": service.name, "reopen_days": str(service.reopen_days), "council": settings.COUNCIL_NAME}
    return render_page(
        request,
        "catalogue/email_form.html",
        {
            "service": service,
            "form": form,
            "text": text,
            "event_label": NotificationEvent(event).label,
            "placeholders": placeholders,
            "preview_subject": fill_placeholders(shown["subject"], examples),
            "preview_body": fill_placeholders(shown["body"], examples),
        },
    )
