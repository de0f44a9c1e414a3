"""What the console keeps of its own: the forms already acted on, so a double click or a
resent form does its work once."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class SubmittedForm(models.Model):
    """One console form, by the one-time key it was rendered with, and where acting on it led.

    Claimed in the same transaction as the change it made: if the change fails, the claim
    goes too and the corrected form can be sent again.
    """

    key = models.UUIDField(unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    redirect_to = models.CharField(max_length=500, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.key} by {self.user_id}"
