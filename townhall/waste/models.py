"""Waste collections: the rounds that empty each property's bins, the changes to their
days, and what the crews record as they go.

A round collects one stream (rubbish, recycling, food, garden) on one weekday every
`frequency_weeks` weeks, in step with its `anchor_date`. Each property is on at most one
round per stream. Bank holidays move collections later (see `schedule.py`); councils
publish any other change as a `ScheduleChange`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Stream(models.TextChoices):
    REFUSE = "refuse", _("Rubbish")
    RECYCLING = "recycling", _("Recycling")
    FOOD = "food", _("Food waste")
    GARDEN = "garden", _("Garden waste")


class Round(models.Model):
    code = models.SlugField(max_length=40, unique=True, help_text=_("The round's name in the crews' system."))
    name = models.CharField(max_length=120)
    stream = models.CharField(max_length=20, choices=Stream)
    weekday = models.PositiveSmallIntegerField(
        choices=[
            (n, day)
            for n, day in enumerate(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"])
        ]
    )
    frequency_weeks = models.PositiveSmallIntegerField(
        default=1, help_text=_("1 weekly, 2 fortnightly, 4 four-weekly.")
    )
    anchor_date = models.DateField(help_text=_("Any date the round collects on: its weeks are counted from it."))
    # Where bookable collections (bulky waste) are planned: rounds of one area share capacity.
    area = models.CharField(max_length=40, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["stream", "weekday", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="round_weekday_valid"),
            models.CheckConstraint(condition=Q(frequency_weeks__gte=1), name="round_frequency_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class PropertyRound(models.Model):
    """A property's place on a round: which crew empties which of its bins."""

    property = models.ForeignKey("gazetteer.Property", on_delete=models.CASCADE, related_name="waste_rounds")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="properties")
    stream = models.CharField(max_length=20, choices=Stream, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["property", "stream"], name="one_round_per_stream")]

    def __str__(self) -> str:
        return f"{self.property_id} on {self.round_id}"

    def save(self, *args, **kwargs):
        self.stream = self.round.stream
        super().save(*args, **kwargs)


class ScheduleChange(models.Model):
    """A collection moved or cancelled by the council (Christmas, a strike, snow). With no
    round it applies to every round collecting on that day."""

    round = models.ForeignKey(Round, null=True, blank=True, on_delete=models.CASCADE, related_name="changes")
    original_date = models.DateField()
    new_date = models.DateField(null=True, blank=True, help_text=_("Blank when the collection is cancelled."))
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["original_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "original_date"], name="one_change_per_round_day", nulls_distinct=False
            )
        ]

    def __str__(self) -> str:
        return f"{self.original_date} → {self.new_date or 'cancelled'}"


class ScheduleVersion(models.Model):
    """One row, bumped by every change to rounds and their days: the key of cached bin days,
    so a schedule change shows at once everywhere and nothing stale is served."""

    version = models.PositiveIntegerField(default=1)
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"v{self.version}"


class CrewOutcome(models.TextChoices):
    DONE = "done", _("Collected")
    NOT_PRESENTED = "not_presented", _("Bin not put out")
    BLOCKED = "blocked", _("Could not get to the bin")
    CONTAMINATED = "contaminated", _("Wrong things in the bin")


def crew_photo_path(instance: "CrewRecord", filename: str) -> str:
    return f"crews/{timezone.now():%Y/%m/%d}/{instance.round_id}-{timezone.now():%H%M%S%f}"


class RoundDay(models.Model):
    """A round out on one day: started, and finished when the crew says so."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="days")
    date = models.DateField()
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "date"], name="one_round_day")]

    def __str__(self) -> str:
        return f"{self.round_id} {self.date}"


class CrewRecord(models.Model):
    """What a crew found at a property (or a whole street) on a collection day."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="crew_records")
    date = models.DateField()
    property = models.ForeignKey(
        "gazetteer.Property", null=True, blank=True, on_delete=models.CASCADE, related_name="crew_records"
    )
    street = models.ForeignKey(
        "gazetteer.Street", null=True, blank=True, on_delete=models.CASCADE, related_name="crew_records"
    )
    outcome = models.CharField(max_length=20, choices=CrewOutcome)
    note = models.CharField(max_length=300, blank=True)
    photo = models.ImageField(upload_to=crew_photo_path, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(property__isnull=False) | Q(street__isnull=False), name="crew_record_has_a_place"
            )
        ]
        indexes = [
            models.Index(fields=["round", "date"]),
            models.Index(fields=["property", "date"]),
            models.Index(fields=["street", "date"]),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_outcome_display()}"


class MissedCollection(models.Model):
    """A missed collection reported for a property: the waste data of its case. One per
    property, stream and collection, so a second report of the same collection is merged
    into the first case instead of making another (see `missed.report_missed`)."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="missed_collection")
    property = models.ForeignKey("gazetteer.Property", on_delete=models.CASCADE, related_name="missed_collections")
    stream = models.CharField(max_length=20, choices=Stream)
    collection_date = models.DateField()
    round = models.ForeignKey(Round, null=True, blank=True, on_delete=models.SET_NULL, related_name="missed")
    # What the crew had recorded for the bin when it was reported, if anything.
    crew_record = models.ForeignKey(
        CrewRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="missed_reports"
    )
    reported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-collection_date", "-reported_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["property", "stream", "collection_date"], name="one_missed_report_per_collection"
            )
        ]
        indexes = [models.Index(fields=["round", "collection_date"])]

    def __str__(self) -> str:
        return f"{self.property_id} {self.stream} {self.collection_date}"


# The service modules' own models live beside their code; importing them here is what
# registers them with the app.
from townhall.waste.bulky_models import *  # noqa: E402, F403
from townhall.waste.containers_models import *  # noqa: E402, F403
from townhall.waste.garden_models import *  # noqa: E402, F403
