"""The demo borough's API keys, and the examples `make run` and the README show, work."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from townhall.cases.models import Case
from townhall.catalogue.models import Channel
from townhall.demo.builder import build_demo
from townhall.integrations.demo import DEMO_OPEN311_KEY, DEMO_REST_KEY, EXAMPLE_REPORT, curl_example

pytestmark = pytest.mark.django_db

SMALL = {"properties": 300, "customers": 20, "cases": 20, "contacts": 5}
README = Path(__file__).resolve().parents[3] / "README.md"


def test_the_demo_key_reports_the_example_pothole(client):
    build_demo(sizes=SMALL)

    offered = [service["service_code"] for service in client.get("/open311/v2/services.json").json()]
    response = client.post("/open311/v2/requests.json", {"api_key": DEMO_OPEN311_KEY, **EXAMPLE_REPORT})

    assert EXAMPLE_REPORT["service_code"] in offered
    assert response.status_code == 200, response.content
    case = Case.objects.get(reference=response.json()[0]["service_request_id"])
    assert (case.service.open311_code, case.channel) == (EXAMPLE_REPORT["service_code"], Channel.API)


def test_the_demo_rest_key_reads_the_officers_cases(client):
    build_demo(sizes=SMALL)

    response = client.get("/api/v1/cases/", headers={"Authorization": f"Bearer {DEMO_REST_KEY}"})

    assert response.status_code == 200, response.content
    assert response.json()["results"]


def test_the_readme_and_the_demo_logins_show_the_examples():
    out = io.StringIO()
    call_command("demo_logins", stdout=out)

    assert curl_example(settings.SITE_URL) in out.getvalue()
    assert curl_example("http://127.0.0.1:8000") in README.read_text()
    assert DEMO_REST_KEY in out.getvalue() and DEMO_REST_KEY in README.read_text()
