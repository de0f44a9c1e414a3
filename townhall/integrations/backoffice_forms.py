"""Forms of the back-office pages: an Open311 endpoint, and a service routed to one."""

import re
from urllib.parse import urlsplit

from django import forms
from django.utils.translation import gettext_lazy as _

from townhall.catalogue.models import Service
from townhall.core.forms import GovUKForm
from townhall.integrations.models import BackOfficeEndpoint, FeedFormat

_CODE = re.compile(r"^[\w.:-]{1,100}$")
# Plain http only to this machine (a local adapter, the tests' fake back office).
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def check_secure_url(url: str, what: str) -> str:
    """`url`, if it is https (or http to this machine): credentials and personal data travel on it."""
    parts = urlsplit(url)
    if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in _LOCAL_HOSTS):
        raise forms.ValidationError(_("%(what)s must start with https://") % {"what": what}, code="insecure")
    return url


def _text(label, *, required=True, max_length, help_text="", missing="", widget=None):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=widget,
        error_messages={
            "required": missing,
            "max_length": _("%(label)s must be %%(limit_value)s characters or fewer") % {"label": label},
        },
    )


class EndpointForm(GovUKForm):
    name = _text(
        _("Name"),
        max_length=120,
        help_text=_("What staff call the back office. For example, Highways asset system."),
        missing=_("Enter a name for the back office"),
    )
    base_url = forms.URLField(
        label=_("GeoReport v2 address"),
        max_length=300,
        assume_scheme="https",
        help_text=_(
            "The address its calls start from, without services.xml. For example, https://example.org/open311/v2"
        ),
        error_messages={
            "required": _("Enter the back office's GeoReport v2 address"),
            "invalid": _("Enter a web address, like https://example.org/open311/v2"),
            "max_length": _("The address must be 300 characters or fewer"),
        },
    )
    api_key = _text(
        _("API key"),
        required=False,
        max_length=200,
        help_text=_("The key the back office gave the council. Leave blank to keep the key already saved."),
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    jurisdiction_id = _text(
        _("Jurisdiction id (optional)"),
        required=False,
        max_length=100,
        help_text=_("Only if the back office serves more than one council and asked for it."),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=FeedFormat.choices,
        widget=forms.RadioSelect,
        initial=FeedFormat.XML,
        error_messages={"required": _("Choose the format the back office speaks")},
    )
    supports_updates = forms.BooleanField(
        label=_("It has the service request updates extension"),
        required=False,
        help_text=_("Status updates are fetched with it, and residents' later messages are sent with it."),
    )
    finds_by_reference = forms.BooleanField(
        label=_("It finds requests by Townhall's reference"),
        required=False,
        help_text=_("Before sending a report again after a failed attempt, Townhall asks whether it arrived."),
    )
    reference_attribute = _text(
        _("Reference attribute"),
        max_length=60,
        help_text=_("The attribute that carries the case reference, so the back office can spot a repeat."),
        missing=_("Enter the attribute that carries the case reference"),
    )
    description_limit = forms.IntegerField(
        label=_("Longest description, in characters"),
        min_value=100,
        max_value=100_000,
        help_text=_("Longer descriptions are shortened to fit. GeoReport v2 allows 4,000."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-5"}),
        error_messages={
            "required": _("Enter the longest description the back office takes"),
            "invalid": _("The longest description must be a whole number, like 4000"),
            "min_value": _("The longest description must be 100 characters or more"),
            "max_value": _("The longest description must be 100000 characters or fewer"),
        },
    )
    enabled = forms.BooleanField(
        label=_("Switched on"),
        required=False,
        help_text=_("Switched off, no new reports are routed to it and queued ones wait until it is back on."),
    )

    def __init__(self, *args, endpoint: BackOfficeEndpoint | None = None, **kwargs):
        self.endpoint = endpoint
        if endpoint is not None:
            kwargs.setdefault("initial", {field: getattr(endpoint, field) for field in self.base_fields})
            kwargs["initial"]["api_key"] = ""
        else:
            kwargs.setdefault("initial", {"reference_attribute": "townhall_reference", "description_limit": 4000})
            kwargs["initial"]["enabled"] = True
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = BackOfficeEndpoint.objects.filter(name__iexact=name)
        if self.endpoint is not None:
            others = others.exclude(pk=self.endpoint.pk)
        if others.exists():
            raise forms.ValidationError(_("A back office with this name already exists"), code="taken")
        return name

    def clean_base_url(self) -> str:
        return check_secure_url(self.cleaned_data["base_url"], _("The address"))

    def clean_reference_attribute(self) -> str:
        code = self.cleaned_data["reference_attribute"].strip()
        if not _CODE.match(code):
            raise forms.ValidationError(
                _("The reference attribute can only use letters, numbers, underscores, hyphens, full stops and colons"),
                code="invalid",
            )
        return code


class RouteForm(GovUKForm):
    service = forms.ModelChoiceField(
        label=_("Service"),
        queryset=Service.objects.none(),
        empty_label=_("Choose a service"),
        error_messages={
            "required": _("Choose the service to route"),
            "invalid_choice": _("Choose the service to route"),
        },
    )
    endpoint = forms.ModelChoiceField(
        label=_("Back office"),
        queryset=BackOfficeEndpoint.objects.order_by("name"),
        empty_label=_("Choose a back office"),
        error_messages={
            "required": _("Choose the back office to send it to"),
            "invalid_choice": _("Choose the back office to send it to"),
        },
    )
    service_code = _text(
        _("Service code in the back office"),
        max_length=100,
        help_text=_("The code the back office lists for this kind of report in its services list."),
        missing=_("Enter the back office's service code"),
    )
    attribute_map = forms.CharField(
        label=_("Answers the back office knows by another name (optional)"),
        required=False,
        help_text=_(
            "One a line: the question's key, an equals sign, then the back office's attribute code. "
            "For example, hazard = HAZ_TYPE. Other answers keep their question's key."
        ),
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
    )

    def __init__(self, *args, route=None, **kwargs):
        self.route = route
        if route is not None:
            mapping = "\n".join(f"{key} = {code}" for key, code in route.attribute_map.items())
            kwargs.setdefault(
                "initial",
                {
                    "service": route.service_id,
                    "endpoint": route.endpoint_id,
                    "service_code": route.service_code,
                    "attribute_map": mapping,
                },
            )
        super().__init__(*args, **kwargs)
        unrouted = Service.objects.filter(backoffice_route__isnull=True)
        if route is not None:
            unrouted = unrouted | Service.objects.filter(pk=route.service_id)
        self.fields["service"].queryset = unrouted.order_by("name")

    def clean_service_code(self) -> str:
        code = self.cleaned_data["service_code"].strip()
        if not _CODE.match(code):
            raise forms.ValidationError(
                _("The service code can only use letters, numbers, underscores, hyphens, full stops and colons"),
                code="invalid",
            )
        return code

    def clean_attribute_map(self) -> dict[str, str]:
        mapping = {}
        for number, line in enumerate(self.cleaned_data["attribute_map"].splitlines(), start=1):
            if not line.strip():
                continue
            key, equals, code = (part.strip() for part in line.partition("="))
            if not (equals and _CODE.match(key) and _CODE.match(code)):
                raise forms.ValidationError(
                    _("Line %(number)s must be a question key, an equals sign and an attribute code, like hazard = HAZ")
                    % {"number": number},
                    code="invalid",
                )
            mapping[key] = code
        return mapping
