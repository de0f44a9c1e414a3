"""Every sign-in page is a GOV.UK page: our layout, our headings, no placeholders."""

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from townhall.accounts.models import Role

ANONYMOUS_PAGES = [
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_email_verification_sent",
]
SIGNED_IN_PAGES = [
    "account_email",
    "account_change_password",
    "account_logout",
    "mfa_index",
    "mfa_activate_totp",
    "account_reauthenticate",
]


def assert_is_a_govuk_page(response):
    assert response.status_code == 200
    html = response.text
    assert 'class="govuk-template govuk-template--rebranded"' in html
    assert '<h1 class="govuk-' in html
    assert "placeholder=" not in html
    assert "<title></title>" not in html


@pytest.mark.parametrize("url_name", ANONYMOUS_PAGES)
def test_pages_for_getting_in_are_govuk_pages(client, db, url_name):
    assert_is_a_govuk_page(client.get(reverse(url_name)))


@pytest.mark.parametrize("url_name", SIGNED_IN_PAGES)
def test_pages_for_managing_sign_in_are_govuk_pages(client, make_user, sign_in, url_name):
    sign_in(make_user(Role.RESIDENT))

    assert_is_a_govuk_page(client.get(reverse(url_name)))


@pytest.mark.parametrize("url_name", ANONYMOUS_PAGES)
def test_pages_for_getting_in_have_the_public_sites_navigation_with_sign_in_current(client, db, url_name):
    html = client.get(reverse(url_name)).text

    assert 'aria-label="Service information" class="govuk-service-navigation"' in html
    for label in ("Home", "Services A to Z", "Track a request"):
        assert f">{label}</a>" in html
    assert f'href="{reverse("account_login")}" aria-current="true"><strong' in html
    assert "Accessibility statement" in html  # the public site's footer


@pytest.mark.parametrize("url_name", SIGNED_IN_PAGES)
def test_pages_for_managing_sign_in_have_the_public_navigation_with_my_account_current(
    client, make_user, sign_in, url_name
):
    sign_in(make_user(Role.RESIDENT))

    html = client.get(reverse(url_name)).text

    assert ">Services A to Z</a>" in html
    assert 'aria-current="true"><strong class="govuk-service-navigation__active-fallback">My account</strong>' in html


def test_sign_in_page_has_one_label_for_remember_me_and_keeps_next(client, db):
    html = client.get(reverse("account_login"), {"next": "/staff/"}).text

    assert html.count('for="id_remember"') == 1
    assert 'class="govuk-checkboxes__input"' in html
    assert '<input type="hidden" name="next" value="/staff/">' in html
    assert 'autocomplete="current-password"' in html


def test_the_email_confirmation_page_for_a_bad_link_says_so(client, db):
    response = client.get(reverse("account_confirm_email", args=["not-a-key"]))

    assert "This link has expired or is not valid" in response.text


def test_unknown_pages_use_the_govuk_not_found_page(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.text


def test_the_server_error_page_renders_without_a_request():
    from django.template.loader import get_template

    html = get_template("500.html").render()

    assert "Sorry, there is a problem with the service" in html


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


@pytest.fixture
def resident_with_app(make_user):
    user = make_user(Role.RESIDENT, email="careful@example.com")
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return user, secret


def test_signing_in_with_an_authenticator_app_asks_for_its_code_on_a_question_page(client, resident_with_app, password):
    user, secret = resident_with_app

    response = client.post(reverse("account_login"), {"login": user.email, "password": password}, follow=True)

    assert SESSION_KEY not in client.session
    assert_is_a_govuk_page(response)
    assert '<h1 class="govuk-label-wrapper"><label class="govuk-label govuk-label--l" for="id_code">' in response.text
    signed_in = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert signed_in.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_a_wrong_authenticator_code_is_shown_in_an_error_summary(client, resident_with_app, password):
    user, _ = resident_with_app
    client.post(reverse("account_login"), {"login": user.email, "password": password})

    response = client.post(reverse("mfa_authenticate"), {"code": "123"})

    assert '<a href="#id_code">The code is not correct. Check your authenticator app and try again</a>' in response.text
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize(
    "url_name", ["mfa_index", "mfa_view_recovery_codes", "mfa_generate_recovery_codes", "mfa_deactivate_totp"]
)
def test_pages_for_managing_2_step_verification_are_govuk_pages(client, resident_with_app, password, url_name):
    user, secret = resident_with_app
    client.post(reverse("account_login"), {"login": user.email, "password": password})
    client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    client.post(reverse("account_reauthenticate"), {"password": password})

    assert_is_a_govuk_page(client.get(reverse(url_name)))
