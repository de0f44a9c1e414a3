"""Where things are: wards, streets (USRN) and properties (UPRN), LLPG-style."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from townhall.gazetteer.geometry import bounding_box, contains


def normalise_postcode(text: str) -> str:
    """`sw1a1aa` -> `SW1A 1AA`; the inward code is always the last three characters."""
    compact = "".join(text.split()).upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


class Ward(models.Model):
    code = models.CharField(max_length=20, unique=True, help_text=_("ONS ward code, e.g. E05000000."))
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Street(models.Model):
    usrn = models.BigIntegerField(unique=True, verbose_name="USRN")
    name = models.CharField(max_length=120)
    locality = models.CharField(max_length=120, blank=True)
    town = models.CharField(max_length=120)

    class Meta:
        ordering = ["name", "locality"]

    def __str__(self) -> str:
        return ", ".join(part for part in (self.name, self.locality, self.town) if part)


class Property(models.Model):
    uprn = models.BigIntegerField(unique=True, verbose_name="UPRN")
    sub_building = models.CharField(max_length=120, blank=True, help_text=_("Flat or unit, e.g. Flat 2."))
    building_name = models.CharField(max_length=120, blank=True)
    building_number = models.CharField(max_length=20, blank=True)
    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="properties")
    postcode = models.CharField(max_length=8, db_index=True)
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="properties")
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    classification = models.CharField(
        max_length=10, blank=True, help_text=_("AddressBase class, e.g. RD04 terraced house, CO01 office.")
    )
    # One line for lists and search, kept in step by the importer.
    single_line = models.CharField(max_length=300, editable=False)

    class Meta:
        verbose_name_plural = "properties"
        ordering = ["street__name", "building_number", "sub_building"]
        # On PostgreSQL a trigram index on single_line (see migrations) makes search fast.
        indexes = [
            # The address nearest a point on the map: a box around it, read by range.
            models.Index(fields=["latitude", "longitude"], name="property_position_idx"),
        ]

    def __str__(self) -> str:
        return self.single_line

    def address_lines(self) -> list[str]:
        first = " ".join(part for part in (self.building_number, self.street.name) if part)
        lines = [self.sub_building, self.building_name, first, self.street.locality, self.street.town, self.postcode]
        return [line for line in lines if line]

    def refresh_single_line(self) -> None:
        self.single_line = ", ".join(self.address_lines())


class AreaKind(models.TextChoices):
    BOROUGH = "borough", _("The borough")
    WARD = "ward", _("A ward of the borough")
    NEIGHBOUR = "neighbour", _("A neighbouring authority")


class Area(models.Model):
    """A boundary on the map: the borough's own, a ward's, or a neighbouring authority's
    (named, with where to report problems to it), so a point can be placed in or out.

    `boundary` holds GeoJSON-style rings of [longitude, latitude] positions (see
    `geometry`); the box around it answers "certainly not here" without reading it.
    """

    kind = models.CharField(max_length=10, choices=AreaKind)
    name = models.CharField(max_length=120)
    website = models.URLField(blank=True, help_text=_("A neighbour's page for reporting problems, shown to residents."))
    ward = models.OneToOneField(Ward, null=True, blank=True, on_delete=models.CASCADE, related_name="area")
    boundary = models.JSONField()
    south = models.DecimalField(max_digits=9, decimal_places=6, editable=False)
    west = models.DecimalField(max_digits=10, decimal_places=6, editable=False)
    north = models.DecimalField(max_digits=9, decimal_places=6, editable=False)
    east = models.DecimalField(max_digits=10, decimal_places=6, editable=False)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="area_unique_name_per_kind"),
            models.UniqueConstraint(
                fields=["kind"], condition=models.Q(kind=AreaKind.BOROUGH), name="area_one_borough"
            ),
            models.CheckConstraint(
                condition=models.Q(kind=AreaKind.WARD, ward__isnull=False)
                | (~models.Q(kind=AreaKind.WARD) & models.Q(ward__isnull=True)),
                name="area_ward_only_for_wards",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def fit_box(self) -> None:
        """Keep the box in step with the boundary; call before saving a changed boundary."""
        south, west, north, east = bounding_box(self.boundary)
        self.south, self.west, self.north, self.east = (Decimal(f"{edge:.6f}") for edge in (south, west, north, east))

    def contains(self, latitude: float, longitude: float) -> bool:
        if not (float(self.south) <= latitude <= float(self.north)):
            return False
        return float(self.west) <= longitude <= float(self.east) and contains(self.boundary, latitude, longitude)
