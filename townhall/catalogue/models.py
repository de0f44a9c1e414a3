"""The service catalogue, configured by council officers in the console, not by programmers."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from townhall.accounts.models import Team


class Channel(models.TextChoices):
    WEB = "web", _("Online")
    PHONE = "phone", _("Phone")
    FACE_TO_FACE = "face_to_face", _("Face to face")
    EMAIL = "email", _("Email")
    LETTER = "letter", _("Letter")
    API = "api", _("API")
    BACK_OFFICE = "back_office", _("Back office")


ASSISTED_CHANNELS = [Channel.PHONE, Channel.FACE_TO_FACE, Channel.EMAIL, Channel.LETTER]


def default_workflow() -> list[dict]:
    return [
        {"key": "submitted", "label": "Received", "closed": False},
        {"key": "in_progress", "label": "In progress", "closed": False},
        {
            "key": "awaiting_customer",
            "label": "Waiting for your reply",
            "staff_label": "Waiting for the resident",
            "closed": False,
        },
        {"key": "resolved", "label": "Resolved", "closed": True},
        {"key": "withdrawn", "label": "Withdrawn", "closed": True},
    ]


# Not a workflow state a council configures: a request that costs money waits here,
# out of every queue, until its payment succeeds (then it enters the workflow).
AWAITING_PAYMENT = {
    "key": "awaiting_payment",
    "label": "Waiting for payment",
    "staff_label": "Awaiting payment",
    "closed": False,
}


class FeeKind(models.TextChoices):
    NONE = "none", _("Free")
    FIXED = "fixed", _("A fixed fee")
    PER_ITEM = "per_item", _("A price per item, times a number the resident gives")
    RULE = "rule", _("A pricing rule of a service module")


def default_channels() -> list[str]:
    return [Channel.WEB, Channel.PHONE, Channel.FACE_TO_FACE, Channel.EMAIL]


class Department(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ServiceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class Service(models.Model):
    """Something a resident can ask the council for, on any channel."""

    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=150)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="services")
    summary = models.CharField(max_length=300, help_text=_("One sentence shown in lists and search results."))
    description = models.TextField(blank=True, help_text=_("Shown on the start page. Blank lines separate paragraphs."))
    eligibility = models.TextField(blank=True, help_text=_("Who can use this service, shown before they start."))
    keywords = models.CharField(max_length=300, blank=True, help_text=_("Other words people search for."))
    status = models.CharField(max_length=10, choices=ServiceStatus, default=ServiceStatus.DRAFT, db_index=True)
    current_form = models.ForeignKey(
        "FormDefinition", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    deadline_working_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Working days to resolve a request; blank for no deadline.")
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="services", help_text=_("The team new requests are routed to.")
    )
    restricted = models.BooleanField(
        default=False, help_text=_("Only the routing team and the teams named below can see its requests.")
    )
    restricted_to_teams = models.ManyToManyField(Team, blank=True, related_name="restricted_services")
    workflow = models.JSONField(default=default_workflow, help_text=_("States a request moves through."))
    channels = models.JSONField(default=default_channels, help_text=_("Channels the service is offered on."))
    open311_code = models.CharField(max_length=60, unique=True, null=True, blank=True, verbose_name="Open311 code")
    reopen_days = models.PositiveSmallIntegerField(
        default=28, help_text=_("Days after resolution in which a resident's reply reopens the request.")
    )
    fee_kind = models.CharField(max_length=10, choices=FeeKind, default=FeeKind.NONE)
    fee_pence = models.PositiveIntegerField(
        default=0, help_text=_("The fixed fee, or the price of one item, in pence.")
    )
    fee_item_question = models.SlugField(
        max_length=60, blank=True, help_text=_("For a price per item: the number question that says how many.")
    )
    fee_rule = models.CharField(max_length=60, blank=True, help_text=_("For a module's pricing rule: its name."))
    fund_code = models.CharField(
        max_length=40, blank=True, help_text=_("The finance ledger code income from this service is posted to.")
    )
    refund_rule = models.CharField(
        max_length=60, blank=True, help_text=_("A module's rule limiting refunds; blank for none.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_published(self) -> bool:
        return self.status == ServiceStatus.PUBLISHED and self.current_form_id is not None

    def offers(self, channel: str) -> bool:
        return channel in self.channels

    def state(self, key: str) -> dict | None:
        if key == AWAITING_PAYMENT["key"]:
            return AWAITING_PAYMENT
        return next((s for s in self.workflow if s["key"] == key), None)

    @property
    def charges(self) -> bool:
        return self.fee_kind != FeeKind.NONE

    def state_label(self, key: str) -> str:
        state = self.state(key)
        return state["label"] if state else key

    def staff_state_label(self, key: str) -> str:
        """The state's name in the console: its staff label where the resident's label
        speaks to the resident ("Waiting for your reply"), otherwise the same label."""
        state = self.state(key)
        return (state.get("staff_label") or state["label"]) if state else key

    def is_closed_state(self, key: str) -> bool:
        state = self.state(key)
        return bool(state and state["closed"])

    @property
    def initial_state(self) -> str:
        return self.workflow[0]["key"]

    @property
    def withdrawn_state(self) -> str:
        """Where a request goes that will not be dealt with (never paid, say): the
        workflow's "withdrawn" state, else its last closed one."""
        closed = [s["key"] for s in self.workflow if s["closed"]]
        return "withdrawn" if "withdrawn" in closed else closed[-1]

    @property
    def reopen_state(self) -> str:
        """Where a reopened request goes: the first open state after the initial one."""
        open_states = [s["key"] for s in self.workflow if not s["closed"]]
        return open_states[1] if len(open_states) > 1 else open_states[0]


class FormDefinition(models.Model):
    """One version of a service's questions. Published versions never change: a case
    keeps the version it was answered against."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="form_versions")
    version = models.PositiveIntegerField()
    questions = models.JSONField(default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    # Counts saves across a service's versions, so an editor can tell that the form
    # changed since they loaded it and refuse to overwrite someone else's work.
    revision = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["service", "-version"]
        constraints = [models.UniqueConstraint(fields=["service", "version"], name="one_form_version_number")]

    def __str__(self) -> str:
        return f"{self.service} v{self.version}"

    @property
    def is_draft(self) -> bool:
        return self.published_at is None


class NotificationEvent(models.TextChoices):
    SUBMITTED = "submitted", _("Request received")
    PUBLIC_UPDATE = "public_update", _("Update on a request")
    RESOLVED = "resolved", _("Request resolved")
    MESSAGE = "message", _("Message from the council")
    PAYMENT_RECEIVED = "payment_received", _("Payment receipt")
    REFUNDED = "refunded", _("Refund")


class NotificationTemplate(models.Model):
    """An email a request sends. `((placeholders))` as in GOV.UK Notify; a template with
    no service is the council's default for that event."""

    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="notification_templates"
    )
    event = models.CharField(max_length=20, choices=NotificationEvent)
    subject = models.CharField(max_length=200)
    body = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "event"], name="one_template_per_service_event"),
            models.UniqueConstraint(
                fields=["event"], condition=models.Q(service__isnull=True), name="one_default_template_per_event"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service or 'Default'}: {self.get_event_display()}"


class KnowledgeArticle(models.Model):
    """An answer residents find by search and agents read out on the phone."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.CharField(max_length=300)
    body = models.TextField(help_text=_("Blank lines separate paragraphs."))
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    services = models.ManyToManyField(Service, blank=True, related_name="articles")
    keywords = models.CharField(max_length=300, blank=True)
    published = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title
