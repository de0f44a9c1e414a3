import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from townhall.accounts.models import Role, User

NEW_PASSWORD = "a-new-and-longer-secret"


def link_in(message, path_prefix: str) -> str:
    match = re.search(rf"http://testserver({re.escape(path_prefix)}\S+)", message.body)
    assert match, message.body
    return match.group(1)


@pytest.mark.django_db
def test_signing_up_sends_a_verification_email_whose_link_confirms_the_address(
    client, password, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {"email": "New.Resident@example.com", "password1": password, "password2": password},
        )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="new.resident@example.com")
    assert user.role == Role.RESIDENT
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.resident@example.com"]
    assert "Confirm your email address" in message.subject

    link = link_in(message, "/account/auth/confirm-email/")
    page = client.get(link)
    assert page.status_code == 200
    assert "Confirm that <strong>new.resident@example.com</strong> is your email address" in page.text
    confirmed = client.post(link)

    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(user=user).verified


@pytest.mark.django_db
def test_signing_up_with_mismatched_passwords_explains_beside_the_second_password(client, password):
    response = client.post(
        reverse("account_signup"), {"email": "someone@example.com", "password1": password, "password2": "different"}
    )

    assert response.status_code == 200
    assert '<a href="#id_password2">The passwords do not match</a>' in response.text
    assert response.text.count("The passwords do not match") == 2  # the summary and the field
    assert not User.objects.exists()


def test_signs_in_with_an_email_address_and_password(client, make_user, password):
    user = make_user(Role.RESIDENT, email="resident@example.com")

    response = client.post(reverse("account_login"), {"login": "Resident@Example.com", "password": password})

    assert response.status_code == 302
    assert response["Location"] == "/account/"
    assert client.session[SESSION_KEY] == str(user.pk)


def test_signing_in_returns_to_the_page_that_asked(client, make_user, password):
    make_user(Role.OFFICER, email="officer@example.com")

    response = client.post(
        reverse("account_login"), {"login": "officer@example.com", "password": password, "next": "/staff/cases/"}
    )

    assert response["Location"] == "/staff/cases/"


@pytest.mark.parametrize("role", [Role.AGENT, Role.OFFICER, Role.AUDITOR])
def test_staff_signing_in_from_the_public_site_go_to_the_staff_console(client, make_user, password, role):
    make_user(role, email="staff@example.com")

    response = client.post(reverse("account_login"), {"login": "staff@example.com", "password": password})

    assert response["Location"] == "/staff/"


def test_a_wrong_password_shows_an_error_summary_and_a_message_by_the_password(client, make_user):
    make_user(Role.RESIDENT, email="resident@example.com")

    response = client.post(reverse("account_login"), {"login": "resident@example.com", "password": "not-my-password"})

    assert response.status_code == 200
    html = response.text
    assert SESSION_KEY not in client.session
    assert "<title>Error: Sign in" in html
    assert 'class="govuk-error-summary"' in html
    assert "There is a problem" in html
    assert '<a href="#id_password">The email address or password is not correct</a>' in html
    assert 'id="id_password-error" class="govuk-error-message"' in html
    assert 'aria-describedby="id_password-error"' in html
    assert 'value="resident@example.com"' in html  # the email address is kept; the password is not


def test_an_empty_sign_in_form_asks_for_each_answer(client, db):
    response = client.post(reverse("account_login"), {"login": "", "password": ""})

    assert '<a href="#id_login">Enter your email address</a>' in response.text
    assert '<a href="#id_password">Enter your password</a>' in response.text


def test_a_badly_formed_email_address_gets_the_design_system_message(client, db):
    response = client.post(reverse("account_login"), {"login": "not-an-email", "password": "x"})

    assert "Enter an email address in the correct format, like name@example.com" in response.text


def test_a_password_reset_email_arrives_and_its_link_sets_a_new_password(
    client, make_user, django_capture_on_commit_callbacks
):
    user = make_user(Role.RESIDENT, email="forgetful@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": "forgetful@example.com"})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["forgetful@example.com"]
    assert "Reset your password" in message.subject

    form_page = client.get(link_in(message, "/account/auth/password/reset/key/"), follow=True)
    assert "Create a new password" in form_page.text
    done = client.post(form_page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_a_password_reset_for_an_unknown_address_looks_the_same_and_says_so_by_email(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})

    assert response["Location"] == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    assert "do not have an account with this address" in mail.outbox[0].body
