import pytest

from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_in_page_renders_in_chromium_and_is_accessible(page):
    page.goto("/account/auth/login/")

    assert page.locator("h1").count() == 1
    assert_accessible(page)
