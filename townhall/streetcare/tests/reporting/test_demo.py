"""The demo borough's street reporting: categories of every kind, assets, reports in every state."""

import pytest

from townhall.cases.models import Case, CaseWatcher
from townhall.demo.builder import build_demo
from townhall.streetcare.models import Asset, Category, StreetReport

pytestmark = pytest.mark.django_db

SMALL = {"properties": 600, "customers": 30, "cases": 20, "contacts": 5}


def test_the_demo_has_street_categories_assets_and_reports_in_every_state():
    build_demo(sizes=SMALL)

    categories = {category.service.slug: category for category in Category.objects.select_related("service")}
    assert {"pothole", "street-light", "fly-tipping", "graffiti", "blocked-drain", "gas-smell"} <= set(categories)
    assert categories["gas-smell"].notice_stops_report and "0800 111 999" in categories["gas-smell"].notice
    assert categories["abandoned-vehicle"].private
    assert "web" not in categories["highway-defect"].service.channels  # staff only
    assert categories["street-light"].asset_layer.slug == "street-lights"
    assert Asset.objects.filter(layer__slug="street-lights").count() == 50
    assert Asset.objects.filter(layer__slug="drains").count() == 30
    street_cases = Case.objects.filter(service__street_category__isnull=False)
    assert street_cases.count() == StreetReport.objects.count() >= 36  # every street case is a report
    assert set(street_cases.values_list("status", flat=True)) >= {"submitted", "in_progress", "resolved", "withdrawn"}
    assert StreetReport.objects.filter(duplicate_of__isnull=False).count() == 2
    assert CaseWatcher.objects.filter(reason="supporter").exists()
    assert StreetReport.objects.filter(asset__isnull=False).exists()
