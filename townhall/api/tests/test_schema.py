"""The OpenAPI schema is generated from the code (never written by hand), valid and free of
warnings; its docs page works offline, from our own static files."""

import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_schema_generates_valid_and_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))

    schema = yaml.safe_load((tmp_path / "schema.yaml").read_text())
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/cases/{reference}/status/" in schema["paths"]


def test_the_schema_is_served_to_anyone(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = response.json()
    assert set(schema["components"]["securitySchemes"]) == {"apiKey"}
    problem = schema["paths"]["/api/v1/cases/"]["post"]["responses"]["400"]["content"]
    assert list(problem) == ["application/problem+json"]


def test_the_docs_page_loads_everything_from_our_own_static_files(client):
    page = client.get("/api/docs/").content.decode()
    script = client.get("/api/docs/?script=")

    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert script.status_code == 200
    assert "/api/schema/" in script.content.decode()
    assert assets
    for asset in assets:
        assert asset.startswith("/"), f"{asset} is fetched from elsewhere"
        if asset.startswith("/static/"):
            assert finders.find(asset.removeprefix("/static/")), asset
    assert "<script>" not in page  # no inline script: the page keeps to a strict content security policy
