"""Customers (people and organisations), alerts on their records, and every contact with them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from townhall.catalogue.models import Channel


class CustomerKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")


class Customer(models.Model):
    kind = models.CharField(max_length=12, choices=CustomerKind, default=CustomerKind.PERSON)
    # Blank when nobody told us (an account made without a name): never guessed from the email.
    name = models.CharField(max_length=200, blank=True, help_text=_("Full name, or the organisation's name."))
    email = models.EmailField(blank=True, db_index=True)
    phone = models.CharField(max_length=30, blank=True)
    # Digits only, UK numbers as 0…, so any way of writing a number finds the record.
    phone_normalised = models.CharField(max_length=20, blank=True, db_index=True, editable=False)
    date_of_birth = models.DateField(null=True, blank=True)
    address = models.ForeignKey(
        "gazetteer.Property", null=True, blank=True, on_delete=models.SET_NULL, related_name="resident_customers"
    )
    address_text = models.CharField(
        max_length=300, blank=True, help_text=_("An address outside the gazetteer, e.g. out of the borough.")
    )
    postcode = models.CharField(max_length=8, blank=True, db_index=True)
    properties = models.ManyToManyField(
        "gazetteer.Property",
        blank=True,
        related_name="linked_customers",
        help_text=_("Other properties they own, let or manage."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="customer"
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_records", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["name", "postcode"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or str(_("Name not given"))

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None

    @property
    def other_details(self) -> dict[str, list[str]]:
        """Its aliases' values by kind ("name", "email", "phone"), from prefetched aliases if any."""
        found: dict[str, list[str]] = {}
        for alias in self.aliases.all():
            found.setdefault(alias.kind, []).append(alias.value)
        return found


class AliasKind(models.TextChoices):
    NAME = "name", _("Name")
    EMAIL = "email", _("Email address")
    PHONE = "phone", _("Phone number")


class CustomerAlias(models.Model):
    """Another name, email address or phone number a customer is known by: a merged
    duplicate's details, so searching by them still finds the person."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="aliases")
    kind = models.CharField(max_length=5, choices=AliasKind)
    # As given for a name; lower case for an email address; digits only for a phone number.
    value = models.CharField(max_length=200)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "kind", "value"], name="customer_alias_once"),
        ]
        indexes = [models.Index(fields=["kind", "value"])]

    def __str__(self) -> str:
        return self.value


class AlertKind(models.TextChoices):
    ASSISTED_COLLECTION = "assisted_collection", _("Needs assisted collection")
    TWO_OFFICERS = "two_officers", _("Two officers must visit")
    LARGE_PRINT = "large_print", _("Prefers large print")
    INTERPRETER = "interpreter", _("Needs an interpreter")
    VULNERABLE = "vulnerable", _("Vulnerable: take extra care")
    OTHER = "other", _("Other")


class CustomerAlert(models.Model):
    """A warning shown first on a customer's record until permitted staff clear it."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=30, choices=AlertKind)
    text = models.CharField(max_length=300, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-set_at"]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def is_active(self) -> bool:
        return self.cleared_at is None


class Direction(models.TextChoices):
    INBOUND = "inbound", _("From the customer")
    OUTBOUND = "outbound", _("To the customer")


class Outcome(models.TextChoices):
    ANSWERED = "answered", _("Answered")
    CASE_RAISED = "case_raised", _("Request raised")
    PROGRESS_GIVEN = "progress_given", _("Progress update given")
    SIGNPOSTED = "signposted", _("Signposted elsewhere")
    TRANSFERRED = "transferred", _("Transferred to a service")
    CALLBACK = "callback", _("Callback arranged")
    ABANDONED = "abandoned", _("Ended before resolution")


class Contact(models.Model):
    """One interaction with the council, whether or not it raised a case."""

    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts")
    channel = models.CharField(max_length=20, choices=Channel)
    direction = models.CharField(max_length=10, choices=Direction, default=Direction.INBOUND)
    reason = models.CharField(max_length=200)
    service = models.ForeignKey(
        "catalogue.Service", null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts")
    article = models.ForeignKey(
        "catalogue.KnowledgeArticle", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=Outcome)
    resolved_first_contact = models.BooleanField(_("resolved at first contact"), default=False)
    avoidable = models.BooleanField(
        default=False, help_text=_("Avoidable contact, e.g. chasing progress or a failure to act first time.")
    )
    caller_verified = models.BooleanField(default=False)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)
    phone_number = models.CharField(max_length=30, blank=True, help_text=_("The number the call came from."))
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts_taken"
    )
    started_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.started_at:%d %b %Y}: {self.reason}"
