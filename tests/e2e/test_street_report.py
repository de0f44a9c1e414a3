"""Street reports in Chromium: a resident reports a pothole by clicking the map (map tiles are
blocked: nothing is downloaded), adds a photo, sees the report already made nearby and sends
their own; another picks a street light on the map; the same journey works without
JavaScript; an officer merges a duplicate from the case page; an admin sets a category up.
Every page is scanned with axe and photographed."""

import io
from decimal import Decimal

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.test import Client
from PIL import ExifTags, Image
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, screenshot
from townhall.accounts.models import Role
from townhall.accounts.tests.factories import StaffFactory, TeamFactory
from townhall.cases.models import Case
from townhall.cases.services import Requester
from townhall.catalogue.models import Channel
from townhall.catalogue.tests.factories import ServiceFactory
from townhall.gazetteer.models import AreaKind
from townhall.gazetteer.services import save_area
from townhall.gazetteer.tests.factories import PropertyFactory, StreetFactory, WardFactory
from townhall.streetcare.models import Asset, AssetLayer, Category
from townhall.streetcare.services import submit_report

pytestmark = pytest.mark.django_db(transaction=True)
TILES = "https://tile.openstreetmap.org/**"
POTHOLE_QUESTIONS = [
    {"key": "location", "type": "location", "label": "Where is it?", "required": True},
    {
        "key": "where_on_street",
        "type": "single_choice",
        "label": "Where is the pothole?",
        "required": True,
        "options": [{"value": "road", "label": "In the road"}, {"value": "pavement", "label": "On the pavement"}],
    },
]


def box(south: float, west: float, north: float, east: float) -> list:
    return [[[west, south], [east, south], [east, north], [west, north], [west, south]]]


@pytest.fixture
def borough(settings, tmp_path):
    """Wexmoor around the map's centre, Alder Road in it, and pothole and street-light categories."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MAP_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"  # requested, and blocked below
    save_area(kind=AreaKind.BOROUGH, name="Wexmoor", boundary=box(51.40, -0.22, 51.44, -0.16))
    alder_road = PropertyFactory(
        street=StreetFactory(name="Alder Road", town="Wexmoor"),
        ward=WardFactory(name="Ashby Green"),
        postcode="WX1 2AB",
        latitude=Decimal("51.420000"),
        longitude=Decimal("-0.190300"),
    )
    team = TeamFactory(name="Highways", slug="highways")
    potholes = ServiceFactory(team=team, slug="pothole", name="Pothole", questions=POTHOLE_QUESTIONS)
    Category.objects.create(service=potholes, notice="Potholes deeper than 5 cm are made safe within 24 hours.")
    lights = AssetLayer.objects.create(name="Street lights", slug="street-lights")
    for asset_id, latitude in (("SL1", "51.420090"), ("SL2", "51.420400")):
        Asset.objects.create(layer=lights, asset_id=asset_id, latitude=Decimal(latitude), longitude=Decimal("-0.19"))
    street_light = ServiceFactory(
        team=team, slug="street-light", name="Street light not working", questions=[POTHOLE_QUESTIONS[0]]
    )
    Category.objects.create(service=street_light, asset_layer=lights)
    return {"potholes": potholes, "street_light": street_light, "alder_road": alder_road, "team": team}


@pytest.fixture
def blocked_tiles(page: Page) -> list[str]:
    """Map tiles are never fetched in tests: every request for one is refused, and counted."""
    asked: list[str] = []

    def refuse(route):
        asked.append(route.request.url)
        route.abort()

    page.route(TILES, refuse)
    return asked


def earlier_report(borough, *, latitude="51.420050"):
    return submit_report(
        service=borough["potholes"],
        answers={"where_on_street": "road", "title": "Pothole outside number 4"},
        latitude=Decimal(latitude),
        longitude=Decimal("-0.190000"),
        channel=Channel.WEB,
        requester=Requester(name="Ben Neighbour", email="ben@example.com"),
    )


def phone_photo() -> dict:
    image = Image.new("RGB", (1200, 900), (90, 90, 90))
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (51.0, 25.0, 12.0),
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (0.0, 11.0, 24.0),
    }
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return {"name": "pothole.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def signed_in(page: Page, live_server, user) -> Page:
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    return page


def test_a_resident_reports_a_pothole_on_the_map(page: Page, borough, blocked_tiles):
    earlier = earlier_report(borough)
    page.goto("/report/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Where is the problem?")
    map_box = page.locator(".th-location-map__map")
    expect(map_box).to_be_visible()
    assert_accessible(page)
    screenshot(page, "street-report-1-where")

    map_box.click()  # the middle of the map: Alder Road
    expect(page.get_by_label("Latitude")).not_to_have_value("")
    expect(page.locator(".th-location-map .leaflet-marker-icon")).to_have_count(1)
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("What is the problem?")
    assert_accessible(page)
    screenshot(page, "street-report-2-category")
    page.get_by_label("Pothole").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.locator(".govuk-warning-text")).to_contain_text("made safe within 24 hours")
    page.get_by_label("In the road").check()
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()

    page.get_by_label("Summarise the problem").fill("Deep pothole by the bus stop")
    page.get_by_label("Tell us more (optional)").fill("About 10 cm deep.")
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Add photos")
    page.get_by_label("Add a photo (optional)").set_input_files(phone_photo())
    page.get_by_role("button", name="Add photo").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Photo 1")
    assert_accessible(page)
    screenshot(page, "street-report-3-photos")
    page.get_by_role("button", name="Continue", exact=True).click()

    page.get_by_label("Full name").fill("Ada Resident")
    page.get_by_label("Email address").fill("ada@example.com")
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Is your problem one of these?")
    expect(page.locator(".govuk-radios")).to_contain_text("Pothole outside number 4")
    assert_accessible(page)
    screenshot(page, "street-report-4-nearby")
    page.get_by_label("No, it is a different problem: send my report").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your report")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Deep pothole by the bus stop")
    expect(page.locator(".govuk-summary-list")).to_contain_text("1 photo")
    assert_accessible(page)
    screenshot(page, "street-report-5-check")
    page.get_by_role("button", name="Send report").click()

    expect(page.locator(".govuk-panel__title")).to_have_text("Report sent")
    case = Case.objects.exclude(pk=earlier.pk).get()
    expect(page.locator(".govuk-panel__body")).to_contain_text(case.reference)
    assert case.street_report.photos.count() == 1
    assert abs(case.street_report.latitude - Decimal("51.42")) < Decimal("0.001")
    assert_accessible(page)
    screenshot(page, "street-report-6-sent")

    page.get_by_role("link", name="See the report on our map of reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Deep pothole by the bus stop")
    page.get_by_role("link", name="All street reports").click()
    expect(page.locator("main")).to_contain_text("Deep pothole by the bus stop")
    screenshot(page, "street-report-7-public-list")
    assert blocked_tiles  # the maps asked for tiles, and got none


def test_a_category_whose_notice_stops_reports_ends_the_journey(page: Page, borough, blocked_tiles):
    gas = ServiceFactory(team=borough["team"], slug="gas-smell", name="Smell of gas", questions=[POTHOLE_QUESTIONS[0]])
    Category.objects.create(service=gas, notice="Call 0800 111 999 now.", notice_stops_report=True)
    page.goto("/report/")
    page.get_by_text("Give the latitude and longitude instead").click()
    page.get_by_label("Latitude").fill("51.420000")
    page.get_by_label("Longitude").fill("-0.190000")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Smell of gas").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Smell of gas")
    expect(page.locator(".govuk-warning-text")).to_contain_text("Call 0800 111 999 now.")
    expect(page.get_by_role("button", name="Continue")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "street-report-stopped")


def test_a_resident_adds_their_support_to_the_report_already_made(page: Page, borough, blocked_tiles):
    earlier = earlier_report(borough, latitude="51.420000")
    page.goto("/report/")
    page.get_by_text("Give the latitude and longitude instead").click()
    page.get_by_label("Latitude").fill("51.420010")
    page.get_by_label("Longitude").fill("-0.190000")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Pothole").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("In the road").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Summarise the problem").fill("Pothole")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue", exact=True).click()
    page.get_by_label("Full name").fill("Cai Resident")
    page.get_by_label("Email address").fill("cai@example.com")
    page.get_by_role("button", name="Continue").click()

    page.get_by_label("Pothole outside number 4").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.locator(".govuk-panel__title")).to_have_text("Your support was added")
    assert Case.objects.get() == earlier
    assert earlier.watchers.get().email == "cai@example.com"
    assert_accessible(page)
    screenshot(page, "street-report-supported")


def test_a_street_light_is_picked_on_the_map(page: Page, borough, blocked_tiles):
    page.goto("/report/")
    page.get_by_text("Give the latitude and longitude instead").click()
    page.get_by_label("Latitude").fill("51.420000")
    page.get_by_label("Longitude").fill("-0.190000")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Street light not working").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Which of the street lights is it?")
    markers = page.locator(".th-asset-map path.leaflet-interactive")
    expect(markers).to_have_count(2)
    assert_accessible(page)
    markers.first.click(force=True)  # SL1, the nearest
    expect(page.get_by_label("SL1 (10 metres away)")).to_be_checked()
    screenshot(page, "street-report-asset")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Describe the problem")


def test_a_point_outside_the_borough_names_who_to_tell(page: Page, borough, blocked_tiles):
    save_area(
        kind=AreaKind.NEIGHBOUR,
        name="Brackenfield Borough Council",
        website="https://www.brackenfield.example/report",
        boundary=box(51.44, -0.22, 51.48, -0.16),
    )
    page.goto("/report/")
    page.get_by_text("Give the latitude and longitude instead").click()
    page.get_by_label("Latitude").fill("51.450000")
    page.get_by_label("Longitude").fill("-0.190000")
    page.get_by_role("button", name="Continue").click()

    expect(page.locator(".govuk-error-summary")).to_contain_text("This location is outside Wexmoor")
    expect(page.get_by_role("link", name="Report it to Brackenfield Borough Council", exact=True)).to_have_attribute(
        "href", "https://www.brackenfield.example/report"
    )
    assert_accessible(page)
    screenshot(page, "street-report-outside")


def test_without_javascript_a_street_is_chosen_from_a_list(no_js_page: Page, borough):
    page = no_js_page
    page.goto("/report/")
    expect(page.locator(".th-location-map")).to_be_hidden()

    page.get_by_label("Street name or postcode").fill("Alder")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Alder Road, Wexmoor").check()
    page.get_by_label("Describe exactly where it is (optional)").fill("Outside number 12")
    page.get_by_role("button", name="Continue").click()
    screenshot(page, "street-report-nojs-category")

    page.get_by_label("Pothole").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("In the road").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Summarise the problem").fill("Pothole outside number 12")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue", exact=True).click()
    page.get_by_label("Full name").fill("Ada Resident")
    page.get_by_label("Email address").fill("ada@example.com")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Alder Road, Wexmoor: Outside number 12")
    page.get_by_role("button", name="Send report").click()

    expect(page.locator(".govuk-panel__title")).to_have_text("Report sent")
    assert Case.objects.get().street_report.title == "Pothole outside number 12"
    screenshot(page, "street-report-nojs-sent")


def test_an_officer_merges_a_duplicate_from_the_case_page(page: Page, live_server, borough, blocked_tiles):
    officer = StaffFactory(role=Role.OFFICER, email="officer@wexmoor.example", full_name="Olu Officer")
    borough["team"].members.add(officer)
    kept, duplicate = earlier_report(borough), earlier_report(borough, latitude="51.420200")
    signed_in(page, live_server, officer)

    page.goto(f"/staff/cases/{kept.reference}/")
    expect(page.get_by_role("heading", name="Street report")).to_be_visible()
    expect(page.locator(".govuk-table")).to_contain_text(duplicate.reference)
    assert_accessible(page)
    screenshot(page, "street-report-case-page")
    page.get_by_role("button", name=f"Merge into this one ({duplicate.reference})").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"{duplicate.reference} was merged")
    duplicate.refresh_from_db()
    assert duplicate.is_closed
    assert_accessible(page)


def test_an_admin_sets_up_a_category(page: Page, live_server, borough):
    admin = StaffFactory(role=Role.COUNCIL_ADMIN, email="ada@wexmoor.example", full_name="Ada Admin")
    Authenticator.objects.create(user=admin, type=Authenticator.Type.TOTP, data={"secret": "not-used-in-tests"})
    signed_in(page, live_server, admin)

    page.goto("/staff/streetcare/categories/")
    expect(page.get_by_role("table")).to_contain_text("Pothole")
    assert_accessible(page)
    page.get_by_role("link", name="Add a category").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a street report category")
    assert_accessible(page)
    page.goto("/staff/streetcare/categories/pothole/")
    page.get_by_label("Notice (optional)").fill("")
    page.get_by_label("The notice stops the report: we do not take these problems online").check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the notice")
    assert_accessible(page)
    screenshot(page, "street-report-category-settings")
    page.get_by_label("Notice (optional)").fill("Call 0800 111 999 now.")
    page.get_by_role("button", name="Save settings").click()

    expect(page.locator(".govuk-table")).to_contain_text("Stops the report")
