import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.urls import reverse

from townhall.accounts.adapters import MFAAdapter
from townhall.accounts.models import Role

STAFF_PAGES = ["/staff/anything", "/staff/", "/admin/"]


def give_authenticator_app(user) -> Authenticator:
    return Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "not-used-here"})


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_sends_a_council_admin_without_an_authenticator_app_to_set_one_up(client, make_user, path):
    client.force_login(make_user(Role.COUNCIL_ADMIN))

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_sends_a_superuser_without_an_authenticator_app_to_set_one_up(client, make_user):
    client.force_login(make_user(Role.OFFICER, is_superuser=True, is_staff=True))

    response = client.get("/admin/")

    assert response["Location"] == reverse("mfa_activate_totp")


def test_explains_why_on_the_set_up_page(client, make_user):
    client.force_login(make_user(Role.COUNCIL_ADMIN))

    response = client.get("/staff/anything", follow=True)

    assert "You need to set up 2-step verification before you can use the staff pages." in response.text


def test_lets_a_council_admin_with_an_authenticator_app_through(client, make_user):
    admin = make_user(Role.COUNCIL_ADMIN)
    give_authenticator_app(admin)
    client.force_login(admin)

    response = client.get("/staff/anything")

    assert response.status_code == 200
    assert response.text == "The page"


@pytest.mark.parametrize("role", [Role.AGENT, Role.OFFICER, Role.TEAM_MANAGER, Role.AUDITOR])
def test_does_not_affect_other_staff(client, make_user, role):
    client.force_login(make_user(role))

    response = client.get("/staff/anything")

    assert response.status_code == 200


def test_does_not_affect_anonymous_visitors(client, db):
    assert client.get("/staff/anything").status_code == 200


@pytest.mark.parametrize("url_name", ["mfa_index", "account_logout", "account_change_password"])
def test_leaves_the_account_pages_open_so_the_admin_can_set_up_or_leave(client, make_user, url_name):
    client.force_login(make_user(Role.COUNCIL_ADMIN))

    response = client.get(reverse(url_name))

    assert response.status_code == 200


def test_a_council_admin_can_set_up_an_authenticator_app_and_then_use_the_staff_pages(client, make_user, password):
    # Given a council administrator who has just signed in
    admin = make_user(Role.COUNCIL_ADMIN, email="admin@example.com")
    client.post(reverse("account_login"), {"login": "admin@example.com", "password": password})

    # When they go to the staff pages they are asked to set up an app, confirm their
    # password as allauth asks before any security change, and set the app up
    assert client.get("/staff/anything")["Location"] == reverse("mfa_activate_totp")
    confirm = client.get(reverse("mfa_activate_totp"), follow=True)
    assert "Enter your password" in confirm.text
    page = client.post(confirm.redirect_chain[-1][0], {"password": password}, follow=True)
    assert page.status_code == 200
    assert "Set up an authenticator app" in page.text
    secret = page.context["form"].secret
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    done = client.post(reverse("mfa_activate_totp"), {"code": code})

    # Then they are shown their recovery codes, and the staff pages open
    assert done["Location"] == reverse("mfa_view_recovery_codes")
    assert "Your recovery codes" in client.get(done["Location"]).text
    assert Authenticator.objects.filter(user=admin, type=Authenticator.Type.TOTP).exists()
    assert client.get("/staff/anything").status_code == 200


def test_a_wrong_set_up_code_is_reported_in_an_error_summary(client, make_user, sign_in):
    sign_in(make_user(Role.COUNCIL_ADMIN))

    response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})

    assert response.status_code == 200
    assert '<a href="#id_code">The code is not correct. Check your authenticator app and try again</a>' in response.text


@pytest.mark.parametrize(("role", "allowed"), [(Role.COUNCIL_ADMIN, False), (Role.AGENT, True), (Role.RESIDENT, True)])
def test_only_people_who_may_go_without_2_step_verification_can_turn_it_off(make_user, role, allowed):
    authenticator = give_authenticator_app(make_user(role))

    assert MFAAdapter().can_delete_authenticator(authenticator) is allowed
