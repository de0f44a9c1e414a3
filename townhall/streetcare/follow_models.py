"""What residents follow besides single reports: alerts of new reports in an area, and the
"is it fixed?" question put to a reporter some weeks after their report was fixed.

Following one report needs no table here: a follower is a watcher of its case
(`cases.CaseWatcher`), added once they confirm by email.
"""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AreaAlert(models.Model):
    """An "email me new reports in this area": a ward, or a circle around a point (a postcode's
    middle). Nothing is sent until the address is confirmed from the email we send it."""

    email = models.EmailField()
    ward = models.ForeignKey("gazetteer.Ward", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    radius_metres = models.PositiveIntegerField(null=True, blank=True)
    place_label = models.CharField(
        max_length=120, blank=True, help_text=_("How the area was given, e.g. a postcode, for the emails.")
    )
    # Confirms the alert and stops it: whoever has the email has the link.
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    confirmed = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ward__isnull=False, latitude__isnull=True)
                | models.Q(
                    ward__isnull=True, latitude__isnull=False, longitude__isnull=False, radius_metres__isnull=False
                ),
                name="area_alert_is_a_ward_or_a_circle",
            ),
        ]
        indexes = [models.Index(fields=["confirmed", "created_at"], name="area_alert_confirmed_idx")]

    def __str__(self) -> str:
        return f"{self.email}: {self.area_label}"

    @property
    def area_label(self) -> str:
        if self.ward_id:
            return _("%(ward)s ward") % {"ward": self.ward.name}
        return _("within %(metres)s metres of %(place)s") % {"metres": self.radius_metres, "place": self.place_label}


class AreaAlertReport(models.Model):
    """A report an area alert has sent: each goes once per alert, however often the digest runs."""

    alert = models.ForeignKey(AreaAlert, on_delete=models.CASCADE, related_name="sent_reports")
    report = models.ForeignKey("streetcare.StreetReport", on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["alert", "report"], name="area_alert_sends_a_report_once")]

    def __str__(self) -> str:
        return f"{self.alert_id}: {self.report_id}"


class FixedQuestionnaire(models.Model):
    """The question "is it really fixed?", asked once of a report's reporter some weeks after it was
    fixed. Its token is the link in that email; the answer is kept with when it came."""

    report = models.OneToOneField("streetcare.StreetReport", on_delete=models.CASCADE, related_name="questionnaire")
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sent_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    fixed = models.BooleanField(null=True, help_text=_("The reporter's answer; empty until they give one."))
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"Questionnaire for {self.report_id}"
