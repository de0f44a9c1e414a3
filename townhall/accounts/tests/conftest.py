import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.urls import reverse

from townhall.accounts.models import Role, User

PASSWORD = "correct-horse-battery"


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture(autouse=True)
def _accounts_urls(settings):
    settings.ROOT_URLCONF = "townhall.accounts.tests.urls"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # allauth counts sign-in attempts in the cache; one test's failures must not lock out the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_user(db):
    """Creates a user in a role whose email address is already confirmed."""

    def make(role: Role = Role.RESIDENT, *, email: str | None = None, **fields) -> User:
        email = email or f"{role}-{User.objects.count() + 1}@example.com"
        user = User.objects.create_user(email=email, password=PASSWORD, role=role, **fields)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        return user

    return make


@pytest.fixture
def sign_in(client):
    """Signs in through the form, then confirms the password as allauth asks before security changes."""

    def sign_in(user: User) -> None:
        response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
        assert response.status_code == 302, response
        response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        assert response.status_code == 302, response

    return sign_in
