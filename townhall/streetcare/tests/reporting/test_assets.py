"""Loading a layer's assets from GeoJSON or CSV: re-runnable, bad rows named by line."""

import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from townhall.core.models import AuditEvent
from townhall.streetcare.models import Asset, AssetLayer

pytestmark = pytest.mark.django_db


def point(asset_id, longitude, latitude, **properties):
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
        "properties": {"unit_no": asset_id, **properties},
    }


@pytest.fixture
def geojson(tmp_path):
    path = tmp_path / "lights.geojson"
    features = [
        point("SL100", -0.19, 51.42, description="Column by the school", height="8m"),
        point("SL101", -0.191, 51.421),
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}, "properties": {}},
        point("SL102", -0.19, 51.46),  # in Brackenfield
        point("SL100", -0.192, 51.422),  # the same id again
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("import_assets", *args, stdout=out)
    return out.getvalue()


def test_geojson_points_are_loaded_and_bad_features_named(borough, geojson):
    output = run("street-lights", str(geojson), "--id-property", "unit_no")

    layer = AssetLayer.objects.get(slug="street-lights")
    assert layer.name == "Street lights"
    assets = {asset.asset_id: asset for asset in layer.assets.all()}
    assert set(assets) == {"SL100", "SL101"}
    assert (assets["SL100"].latitude, assets["SL100"].longitude) == (Decimal("51.420000"), Decimal("-0.190000"))
    assert assets["SL100"].description == "Column by the school"
    assert assets["SL100"].attributes == {"height": "8m"}
    assert "2 created, 0 updated, 0 unchanged." in output
    assert "Rejected: 3 rows." in output
    assert "feature 3: it is not a Point feature" in output
    assert "feature 4: the position is outside the borough" in output
    assert "feature 5: asset id SL100 is already at feature 1" in output
    assert AuditEvent.objects.filter(action="streetcare.assets_imported").exists()


def test_loading_the_same_file_again_changes_nothing_and_a_moved_asset_is_updated(borough, geojson, tmp_path):
    run("street-lights", str(geojson), "--id-property", "unit_no")

    assert "0 created, 0 updated, 2 unchanged." in run("street-lights", str(geojson), "--id-property", "unit_no")

    moved = tmp_path / "moved.geojson"
    moved.write_text(json.dumps({"type": "FeatureCollection", "features": [point("SL101", -0.1912, 51.4211)]}))
    assert "0 created, 1 updated, 0 unchanged." in run("street-lights", str(moved), "--id-property", "unit_no")
    assert Asset.objects.get(asset_id="SL101").latitude == Decimal("51.421100")
    assert Asset.objects.count() == 2


def test_a_csv_is_loaded_with_rejections_by_line_number(borough, tmp_path):
    path = tmp_path / "drains.csv"
    path.write_text(
        "Asset_ID,Latitude,Longitude,Description,Depth\n"
        "GY1,51.420,-0.190,Gully by number 4,1.2\n"
        ",51.421,-0.190,No id,\n"
        "GY3,north,-0.190,Bad latitude,\n"
        "GY4,51.422,-0.191,,\n",
        encoding="utf-8",
    )

    output = run("drains", str(path), "--name", "Road drains")

    assert AssetLayer.objects.get(slug="drains").name == "Road drains"
    assert sorted(Asset.objects.values_list("asset_id", flat=True)) == ["GY1", "GY4"]
    assert Asset.objects.get(asset_id="GY1").attributes == {"depth": "1.2"}
    assert "line 3: the asset id is missing" in output
    assert "line 4: the latitude and longitude must be numbers" in output


def test_a_csv_without_the_needed_columns_loads_nothing(tmp_path):
    path = tmp_path / "drains.csv"
    path.write_text("id,lat\nGY1,51.42\n")

    with pytest.raises(CommandError, match="lacks the columns: asset_id, latitude, longitude"):
        run("drains", str(path))

    assert not AssetLayer.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("lights.geojson", "{not json", "not GeoJSON"),
        ("lights.geojson", json.dumps({"type": "Feature"}), "not a GeoJSON FeatureCollection"),
        ("lights.txt", "", "Give a .csv, .geojson or .json file"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content)

    with pytest.raises(CommandError, match=message):
        run("street-lights", str(path))

    assert not Asset.objects.exists()


def test_without_a_borough_boundary_any_position_is_taken(db, tmp_path):
    path = tmp_path / "trees.csv"
    path.write_text("asset_id,latitude,longitude\nT1,53.0,-1.5\n")

    assert "1 created" in run("trees", str(path))
