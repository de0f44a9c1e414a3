"""Street reports: a case with a place on the map, maybe an asset, and photos.

A category is a catalogue `Service` of the street-care department; its street-only
settings (notice, privacy, asset layer) sit in `Category` one-to-one. Every report is
a `Case` first, so it appears in queues, My Account and reporting like any request.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AssetLayer(models.Model):
    """A kind of council-owned thing on the street: street lights, drains, litter bins, trees."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Asset(models.Model):
    """One asset, identified by the back office's id, which travels with reports about it."""

    layer = models.ForeignKey(AssetLayer, on_delete=models.CASCADE, related_name="assets")
    asset_id = models.CharField(_("asset id"), max_length=60)
    description = models.CharField(max_length=200, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    attributes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["layer", "asset_id"]
        constraints = [models.UniqueConstraint(fields=["layer", "asset_id"], name="asset_unique_per_layer")]
        indexes = [models.Index(fields=["layer", "latitude", "longitude"])]

    def __str__(self) -> str:
        return f"{self.layer.name} {self.asset_id}"


class Category(models.Model):
    """Street-reporting settings of a catalogue service."""

    service = models.OneToOneField("catalogue.Service", on_delete=models.CASCADE, related_name="street_category")
    notice = models.TextField(blank=True, help_text=_("Shown to the reporter when they choose this category."))
    notice_stops_report = models.BooleanField(
        default=False,
        help_text=_("The notice replaces the form: for emergencies the council does not take online."),
    )
    private = models.BooleanField(
        default=False, help_text=_("Reports are never shown on the public map (for example, abandoned vehicles).")
    )
    asset_layer = models.ForeignKey(
        AssetLayer, null=True, blank=True, on_delete=models.SET_NULL, related_name="categories"
    )

    class Meta:
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return str(self.service)


class StreetReport(models.Model):
    """The map side of a case: where it is, which asset, what the public may see."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="street_report", primary_key=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    ward = models.ForeignKey("gazetteer.Ward", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    street = models.ForeignKey(
        "gazetteer.Street",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The street of the address nearest the point, named on the public pages."),
    )
    asset = models.ForeignKey(Asset, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")
    title = models.CharField(max_length=120, help_text=_("A short public summary of the problem."))
    detail = models.TextField(blank=True)
    public = models.BooleanField(default=True, help_text=_("Shown on the public map and list."))
    text_hidden = models.BooleanField(default=False, help_text=_("A moderator hid the title and detail."))
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
        help_text=_("The report staff merged this one into; its reporter follows that one."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["latitude", "longitude"]),
            models.Index(fields=["-created_at"], condition=models.Q(public=True), name="street_public_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference}: {self.title}"


class ReportPhoto(models.Model):
    """A photo as stored: resized, with its EXIF (location included) stripped."""

    report = models.ForeignKey(StreetReport, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="street-photos/%Y/%m/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    hidden = models.BooleanField(default=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"Photo {self.pk} of {self.report_id}"


# Following reports and areas, and the "is it fixed?" questionnaire.
from townhall.streetcare.follow_models import AreaAlert, AreaAlertReport, FixedQuestionnaire  # noqa: E402, F401
