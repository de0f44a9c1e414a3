import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from townhall.accounts import permissions
from townhall.accounts.models import Role, User

R = Role
EXPECTED = {
    # check: the roles it lets through
    permissions.is_staff_user: {R.AGENT, R.OFFICER, R.TEAM_MANAGER, R.COUNCIL_ADMIN, R.AUDITOR},
    permissions.can_edit_catalogue: {R.COUNCIL_ADMIN},
    permissions.can_manage_alerts: {R.OFFICER, R.TEAM_MANAGER, R.COUNCIL_ADMIN},
    permissions.can_work_cases: {R.AGENT, R.OFFICER, R.TEAM_MANAGER, R.COUNCIL_ADMIN},
    permissions.can_view_all_cases: {R.COUNCIL_ADMIN, R.AUDITOR},
    permissions.requires_mfa: {R.COUNCIL_ADMIN},
}
CASES = [(check, role, role in allowed) for check, allowed in EXPECTED.items() for role in Role]


@pytest.mark.parametrize(
    ("check", "role", "allowed"), CASES, ids=[f"{check.__name__}-{role}" for check, role, _ in CASES]
)
def test_each_check_answers_for_each_role(check, role, allowed):
    assert check(User(email="someone@example.com", role=role)) is allowed


@pytest.mark.parametrize("check", EXPECTED, ids=lambda check: check.__name__)
def test_every_check_refuses_anonymous_visitors(check):
    assert check(AnonymousUser()) is False


@pytest.mark.parametrize("check", EXPECTED, ids=lambda check: check.__name__)
def test_every_check_refuses_deactivated_staff(check):
    assert check(User(email="gone@example.com", role=Role.COUNCIL_ADMIN, is_active=False)) is False


def test_has_role_accepts_roles_as_plain_strings():
    officer = User(email="officer@example.com", role=Role.OFFICER)

    assert permissions.has_role(officer, "officer", "agent")
    assert not permissions.has_role(officer, "agent")


def test_superusers_must_use_2_step_verification_whatever_their_role():
    assert permissions.requires_mfa(User(email="root@example.com", role=Role.OFFICER, is_superuser=True))


def test_superusers_get_no_staff_powers_beyond_their_role():
    superuser = User(email="root@example.com", role=Role.RESIDENT, is_superuser=True)

    assert not permissions.is_staff_user(superuser)
    assert not permissions.can_edit_catalogue(superuser)


def test_staff_required_refuses_the_resident_role_when_decorating():
    with pytest.raises(ValueError, match="staff roles only"):
        permissions.staff_required(Role.RESIDENT)


def test_staff_required_refuses_unknown_roles_when_decorating():
    with pytest.raises(ValueError):
        permissions.staff_required("mayor")


@pytest.mark.parametrize("page", ["any_staff_page", "bare_staff_page", "admins_only_page"])
def test_staff_required_sends_anonymous_visitors_to_sign_in_and_back(client, page):
    url = reverse(page)

    response = client.get(url, {"from": "a link"})

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}%3Ffrom%3Da%2Blink"


@pytest.mark.parametrize("page", ["any_staff_page", "bare_staff_page", "admins_only_page", "case_workers_page"])
def test_staff_required_refuses_residents_with_a_403_page(client, make_user, page):
    client.force_login(make_user(Role.RESIDENT))

    response = client.get(reverse(page))

    assert response.status_code == 403
    assert "You do not have permission to see this page" in response.text
    assert "govuk-heading-l" in response.text


@pytest.mark.parametrize(
    ("page", "role", "status"),
    [
        ("any_staff_page", Role.AGENT, 200),
        ("any_staff_page", Role.AUDITOR, 200),
        ("bare_staff_page", Role.OFFICER, 200),
        ("admins_only_page", Role.COUNCIL_ADMIN, 200),
        ("admins_only_page", Role.TEAM_MANAGER, 403),
        ("case_workers_page", Role.AGENT, 200),
        ("case_workers_page", Role.OFFICER, 200),
        ("case_workers_page", Role.AUDITOR, 403),
    ],
)
def test_staff_required_lets_in_only_the_roles_it_names(client, make_user, page, role, status):
    client.force_login(make_user(role))

    response = client.get(reverse(page))

    assert response.status_code == status
    if status == 200:
        assert response.text == "The page"
