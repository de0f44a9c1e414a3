"""`manage.py import_assets LAYER FILE [--id-property NAME] [--name NAME]`: load a layer's
assets (street lights, drains, litter bins, trees) from GeoJSON or CSV; safe to run again."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from townhall.streetcare.asset_files import AssetFileError, csv_rows, geojson_rows
from townhall.streetcare.models import AssetLayer
from townhall.streetcare.services import import_assets


class Command(BaseCommand):
    help = (
        "Create or update a layer's assets from a GeoJSON FeatureCollection of Points (.geojson, .json) "
        "or a CSV with asset_id, latitude, longitude and description columns (.csv)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("layer", help="The layer's slug, e.g. street-lights; a new slug makes a new layer.")
        parser.add_argument("file", type=Path)
        parser.add_argument("--id-property", default="asset_id", help="GeoJSON: the property holding the asset id.")
        parser.add_argument("--name", default="", help="A new layer's name (from the slug when not given).")

    def handle(self, *args: Any, layer: str, file: Path, id_property: str, name: str, **options: Any) -> None:
        try:
            text = file.read_text(encoding="utf-8-sig")  # -sig: spreadsheets often start with a byte-order mark
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(_("Can't read %(file)s: %(error)s") % {"file": file, "error": error}) from error
        if file.suffix.lower() == ".csv":
            rows = csv_rows(text)
        elif file.suffix.lower() in (".geojson", ".json"):
            rows = geojson_rows(text, id_property=id_property)
        else:
            raise CommandError(_("Give a .csv, .geojson or .json file."))
        try:
            rows = list(rows)  # read it all first: a file broken halfway stops before anything is saved
        except AssetFileError as error:
            raise CommandError(str(error)) from error
        asset_layer, created = AssetLayer.objects.get_or_create(
            slug=layer, defaults={"name": name or layer.replace("-", " ").capitalize()}
        )
        if created:
            self.stdout.write(_("Made the layer %(name)s.") % {"name": asset_layer.name})
        result = import_assets(layer=asset_layer, rows=rows)
        self.stdout.write(
            _("%(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
        )
        rejected = len(result.rejections)
        self.stdout.write(
            ngettext("Rejected: %(count)d row.", "Rejected: %(count)d rows.", rejected) % {"count": rejected}
        )
        for rejection in result.rejections:
            self.stdout.write(rejection)
