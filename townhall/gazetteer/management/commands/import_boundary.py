"""`manage.py import_boundary KIND NAME FILE [--website URL]`: load the borough's, a ward's
or a neighbouring authority's boundary from a GeoJSON file (for example one exported from
the ONS Open Geography Portal or the council's GIS)."""

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from townhall.gazetteer.geometry import rings_from_geojson
from townhall.gazetteer.models import AreaKind, Ward
from townhall.gazetteer.services import save_area


class Command(BaseCommand):
    help = "Create or replace a boundary from a GeoJSON Polygon or MultiPolygon (WGS 84 longitude, latitude)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=AreaKind.values)
        parser.add_argument("name", help="The area's name; for a ward, its code (the ward must be in the gazetteer).")
        parser.add_argument("file", type=Path)
        parser.add_argument("--website", default="", help="For a neighbour: the page residents report problems on.")

    def handle(self, *args: Any, kind: str, name: str, file: Path, website: str, **options: Any) -> None:
        try:
            rings = rings_from_geojson(json.loads(file.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, AttributeError) as error:  # unreadable, not JSON, not a polygon
            raise CommandError(
                _("Can't read a boundary from %(file)s: %(error)s") % {"file": file, "error": error}
            ) from error
        ward = None
        if kind == AreaKind.WARD:
            ward = Ward.objects.filter(code=name).first()
            if ward is None:
                raise CommandError(_("No ward has the code %(code)s.") % {"code": name})
            name = ward.name
        try:
            area = save_area(kind=kind, name=name, boundary=rings, website=website, ward=ward)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            _("Saved the boundary of %(name)s: %(rings)d rings, %(positions)d positions.")
            % {"name": area.name, "rings": len(rings), "positions": sum(len(ring) for ring in rings)}
        )
