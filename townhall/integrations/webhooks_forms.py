"""The form of the webhook pages: a subscriber and the case events it is sent."""

from django import forms
from django.utils.translation import gettext_lazy as _

from townhall.cases.models import EventKind
from townhall.core.forms import GovUKForm
from townhall.integrations.backoffice_forms import check_secure_url
from townhall.integrations.models import WebhookSubscriber


class SubscriberForm(GovUKForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        help_text=_("What staff call the system that receives the events. For example, Highways dashboard."),
        error_messages={
            "required": _("Enter a name for the subscriber"),
            "max_length": _("The name must be 120 characters or fewer"),
        },
    )
    url = forms.URLField(
        label=_("Address"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Where Townhall POSTs each event. For example, https://example.org/townhall-events"),
        error_messages={
            "required": _("Enter the address events are sent to"),
            "invalid": _("Enter a web address, like https://example.org/townhall-events"),
            "max_length": _("The address must be 500 characters or fewer"),
        },
    )
    event_kinds = forms.MultipleChoiceField(
        label=_("Events to send"),
        choices=EventKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Internal notes are sent without their text."),
        error_messages={"required": _("Choose at least one event to send")},
    )
    active = forms.BooleanField(
        label=_("Switched on"),
        required=False,
        help_text=_("Switched off, nothing more is sent, including events already waiting."),
    )

    def __init__(self, *args, subscriber: WebhookSubscriber | None = None, **kwargs):
        self.subscriber = subscriber
        if subscriber is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": subscriber.name,
                    "url": subscriber.url,
                    "event_kinds": subscriber.event_kinds,
                    "active": subscriber.active,
                },
            )
        else:
            kwargs.setdefault("initial", {"active": True})
        super().__init__(*args, **kwargs)
        if subscriber is not None:
            self.fields["replace_secret"] = forms.BooleanField(
                label=_("Replace the signing secret"),
                required=False,
                help_text=_("The receiver must be given the new secret: deliveries are signed with it from now on."),
            )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = WebhookSubscriber.objects.filter(name__iexact=name)
        if self.subscriber is not None:
            others = others.exclude(pk=self.subscriber.pk)
        if others.exists():
            raise forms.ValidationError(_("A subscriber with this name already exists"), code="taken")
        return name

    def clean_url(self) -> str:
        return check_secure_url(self.cleaned_data["url"], _("The address"))
