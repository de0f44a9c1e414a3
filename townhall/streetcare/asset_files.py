"""Reading a layer's assets from the files asset systems export: GeoJSON Point features
(the asset id in a property whose name is configurable) or a CSV with the columns
asset_id, latitude, longitude and description. Any other property or column is kept as
the asset's attributes. Rows come with where they are, for the import's rejections."""

import csv
import io
import json
from collections.abc import Iterator

from django.utils.translation import gettext as _

from townhall.streetcare.services import AssetRow

CSV_COLUMNS = ("asset_id", "latitude", "longitude", "description")


class AssetFileError(ValueError):
    """The file as a whole cannot be read; nothing in it is loaded."""


def csv_rows(text: str) -> Iterator[AssetRow]:
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [column for column in CSV_COLUMNS[:3] if column not in header]
    if missing:
        raise AssetFileError(_("The header lacks the columns: %(columns)s") % {"columns": ", ".join(missing)})
    reader.fieldnames = header
    try:
        for raw in reader:
            values = {name: (value or "").strip() for name, value in raw.items() if name is not None}
            yield AssetRow(
                where=_("line %(n)s") % {"n": reader.line_num},
                asset_id=values.pop("asset_id"),
                latitude=values.pop("latitude"),
                longitude=values.pop("longitude"),
                description=values.pop("description", ""),
                attributes={name: value for name, value in values.items() if value},
            )
    except csv.Error as error:
        raise AssetFileError(_("Can't read line %(n)s: %(error)s") % {"n": reader.line_num, "error": error}) from error


def geojson_rows(text: str, *, id_property: str = "asset_id") -> Iterator[AssetRow]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise AssetFileError(_("The file is not GeoJSON: %(error)s") % {"error": error}) from error
    features = data.get("features") if isinstance(data, dict) and data.get("type") == "FeatureCollection" else None
    if not isinstance(features, list):
        raise AssetFileError(_("The file is not a GeoJSON FeatureCollection"))
    for number, feature in enumerate(features, start=1):
        yield _feature_row(feature, _("feature %(n)s") % {"n": number}, id_property)


def _feature_row(feature: object, where: str, id_property: str) -> AssetRow:
    feature = feature if isinstance(feature, dict) else {}
    properties = dict(feature.get("properties") or {})
    geometry = feature.get("geometry") or {}
    asset_id = properties.pop(id_property, None)
    if asset_id is None:
        asset_id = feature.get("id", "")
    description = str(properties.pop("description", "") or "").strip()
    coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if not isinstance(geometry, dict) or geometry.get("type") != "Point" or not isinstance(coordinates, list):
        return AssetRow(where, str(asset_id), None, None, problem=_("it is not a Point feature"))
    if len(coordinates) < 2:
        return AssetRow(where, str(asset_id), None, None, problem=_("its point has no longitude and latitude"))
    return AssetRow(
        where=where,
        asset_id=str(asset_id).strip(),
        latitude=coordinates[1],  # GeoJSON puts longitude first
        longitude=coordinates[0],
        description=description,
        attributes={name: value for name, value in properties.items() if value not in (None, "")},
    )
