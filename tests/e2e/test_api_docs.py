"""The REST API's docs page: Swagger UI, from our own static files, reading the generated schema."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_api_docs_show_every_endpoint_without_leaving_the_site(page, live_server):
    elsewhere = []
    page.on(
        "request", lambda r: None if r.url.startswith((live_server.url, "blob:", "data:")) else elsewhere.append(r.url)
    )

    page.goto("/api/docs/")

    expect(page.get_by_role("heading", name="Townhall REST API")).to_be_visible()
    status_change = page.locator(".opblock-summary-path", has_text="/api/v1/cases/{reference}/status/")
    expect(status_change).to_be_visible()
    assert_accessible(page)
    status_change.click()
    expect(page.get_by_text("The case changed meanwhile.")).to_be_visible()
    assert_accessible(page)
    assert elsewhere == []
    screenshot(page, "api-docs")
