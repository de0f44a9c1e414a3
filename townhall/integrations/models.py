"""Machine clients of Townhall: the keys they present and what each key may do."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from townhall.core.models import OutboxMessage, OutboxStatus


class Scope(models.TextChoices):
    """What a key may do. A key that acts for a member of staff is also held to that
    person's role: a scope never grants more than the role allows."""

    OPEN311 = "open311", _("Open311: report problems and read reports")
    SERVICES_READ = "services:read", _("Read the service catalogue")
    CASES_READ = "cases:read", _("Read cases")
    CASES_WRITE = "cases:write", _("Raise cases, change status, add notes and updates")
    CUSTOMERS_READ = "customers:read", _("Read customers and contacts")
    CUSTOMERS_WRITE = "customers:write", _("Create and change customers and contacts")


class ApiKey(models.Model):
    """A secret given to one client (a partner app, a back office, a script).

    Only a hash is kept: the key is shown once, when issued. `prefix` (its first
    characters) finds the row without scanning; revoking keeps the row for the audit.
    """

    client_name = models.CharField(_("client name"), max_length=120)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="api_keys",
        help_text=_("The member of staff the key acts for; empty for Open311 clients."),
    )
    rate_per_minute = models.PositiveIntegerField(_("requests a minute"), default=60)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["client_name", "id"]

    def __str__(self) -> str:
        return f"{self.client_name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def allows(self, scope: str) -> bool:
        return self.is_active and scope in self.scopes


class FeedFormat(models.TextChoices):
    XML = "xml", _("XML (every GeoReport v2 endpoint has it)")
    JSON = "json", _("JSON")


class BackOfficeEndpoint(models.Model):
    """A back office reached by Open311 GeoReport v2, such as a highways asset system.

    Reports of the services routed to it are sent from the outbox; status updates are
    fetched back by polling (the `servicerequestupdates` extension where it has it).
    """

    name = models.CharField(_("name"), max_length=120, unique=True)
    base_url = models.URLField(_("GeoReport v2 address"), max_length=300)
    api_key = models.CharField(_("API key"), max_length=200, blank=True)
    jurisdiction_id = models.CharField(_("jurisdiction id"), max_length=100, blank=True)
    format = models.CharField(_("format"), max_length=4, choices=FeedFormat, default=FeedFormat.XML)
    supports_updates = models.BooleanField(
        _("has the service request updates extension"),
        default=False,
        help_text=_("Status updates are fetched with it and residents' later messages sent with it."),
    )
    finds_by_reference = models.BooleanField(
        _("finds requests by Townhall's reference"),
        default=False,
        help_text=_("Before sending a report again after a failed attempt, Townhall asks whether it arrived."),
    )
    reference_attribute = models.CharField(
        _("reference attribute"),
        max_length=60,
        default="townhall_reference",
        help_text=_("The attribute that carries the case reference, so the back office can spot a repeat."),
    )
    description_limit = models.PositiveIntegerField(
        _("longest description"),
        default=4000,
        help_text=_("Characters the back office accepts in a description; longer ones are shortened."),
    )
    enabled = models.BooleanField(_("switched on"), default=True)
    # Where the last successful poll of the updates extension ended.
    updates_fetched_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ServiceRoute(models.Model):
    """Reports of a catalogue service go to this back office, as its `service_code`."""

    service = models.OneToOneField("catalogue.Service", on_delete=models.CASCADE, related_name="backoffice_route")
    endpoint = models.ForeignKey(BackOfficeEndpoint, on_delete=models.PROTECT, related_name="routes")
    service_code = models.CharField(_("service code in the back office"), max_length=100)
    # Question key -> the back office's attribute code, for answers it knows by another name.
    attribute_map = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["service__name"]

    def __str__(self) -> str:
        return f"{self.service} → {self.endpoint} ({self.service_code})"


class ExternalRequest(models.Model):
    """A case as a back office knows it: made when the case is routed, filled in once sent.

    An id (or a token to exchange for one) stored here means the report arrived: it is
    never sent again.
    """

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="external_request")
    endpoint = models.ForeignKey(BackOfficeEndpoint, on_delete=models.PROTECT, related_name="external_requests")
    service_request_id = models.CharField(max_length=100, blank=True)
    token = models.CharField(max_length=100, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    remote_status = models.CharField(max_length=40, blank=True)
    remote_notes = models.TextField(blank=True)
    remote_updated_at = models.DateTimeField(null=True, blank=True)
    remote_closed = models.BooleanField(default=False)
    # Updates already applied from the updates extension (the newest few), so an
    # overlapping poll applies none twice.
    applied_update_ids = models.JSONField(default=list, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "service_request_id"],
                condition=~models.Q(service_request_id=""),
                name="external_request_unique_remote_id",
            )
        ]
        indexes = [
            # What each poll reads: the endpoint's sent requests still open over there.
            models.Index(fields=["endpoint", "id"], condition=models.Q(remote_closed=False), name="external_open_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} at {self.endpoint_id}: {self.service_request_id or self.token or 'not sent'}"

    @property
    def is_sent(self) -> bool:
        return bool(self.service_request_id or self.token)

    @property
    def send_key(self) -> str:
        """The delivery key of the outbox message that sends the case (one per case)."""
        return f"backoffice-send:{self.case_id}"

    def send_message(self) -> OutboxMessage | None:
        """That outbox message while it is waiting, failing or stuck; None once it is sent."""
        return OutboxMessage.objects.filter(key=self.send_key).exclude(status=OutboxStatus.SENT).first()


class WebhookSubscriber(models.Model):
    """A system told of case events by signed JSON POSTs (see docs/webhooks.md)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    url = models.URLField(_("address"), max_length=500)
    secret = models.CharField(max_length=100, editable=False)
    event_kinds = models.JSONField(_("events"), default=list)
    active = models.BooleanField(_("switched on"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Open311Submission(models.Model):
    """What an Open311 client sent with a request, beside the case it became: which key
    sent it, the client's own identifiers, its description and photo link as given."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="open311_submission")
    api_key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="submissions")
    device_id = models.CharField(max_length=100, blank=True)
    account_id = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True)
    media_url = models.URLField(max_length=500, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Open311 submission of case {self.case_id}"
