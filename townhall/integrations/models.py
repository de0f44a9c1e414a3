"""Machine clients of Townhall: the keys they present and what each key may do."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
