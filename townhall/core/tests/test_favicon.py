"""The site icon: our own drawing, linked from every page and answered at /favicon.ico."""

import xml.etree.ElementTree as ET

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

from townhall.accounts.models import Role
from townhall.accounts.tests.factories import StaffFactory

ICONS = ["townhall/icons/icon.svg", "townhall/icons/favicon.ico", "townhall/icons/apple-touch-icon.png"]


def test_favicon_ico_at_the_root_leads_to_the_static_icon_not_a_404(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == static("townhall/icons/favicon.ico")
    # Not permanent: the next release may give the icon another hashed name.
    assert "max-age=86400" in response["Cache-Control"]


@pytest.mark.parametrize("name", ICONS)
def test_every_icon_is_a_static_file(name):
    assert finders.find(name), f"{name} is not among the static files"


def test_the_icon_files_are_what_their_names_say():
    with open(finders.find("townhall/icons/favicon.ico"), "rb") as ico:
        assert ico.read(4) == b"\x00\x00\x01\x00"
    with open(finders.find("townhall/icons/apple-touch-icon.png"), "rb") as png:
        assert png.read(8) == b"\x89PNG\r\n\x1a\n"
    svg = ET.parse(finders.find("townhall/icons/icon.svg")).getroot()  # noqa: S314 - our own file
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    assert svg.get("viewBox") == "0 0 32 32"


def _assert_links_icons(page: str) -> None:
    assert f'<link rel="icon" href="{static("townhall/icons/favicon.ico")}" sizes="48x48">' in page
    assert f'<link rel="icon" href="{static("townhall/icons/icon.svg")}" type="image/svg+xml">' in page
    assert f'<link rel="apple-touch-icon" href="{static("townhall/icons/apple-touch-icon.png")}">' in page


@pytest.mark.django_db
def test_the_public_site_links_the_icons(client):
    _assert_links_icons(client.get(reverse("portal:home")).content.decode())


@pytest.mark.django_db
def test_the_staff_console_links_the_icons(client):
    client.force_login(StaffFactory(role=Role.OFFICER))

    _assert_links_icons(client.get(reverse("console:dashboard")).content.decode())
