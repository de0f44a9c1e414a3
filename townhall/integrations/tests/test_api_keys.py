import pytest
from django.core.cache import cache
from django.utils import timezone

from townhall.accounts.models import Role
from townhall.accounts.tests.factories import StaffFactory, UserFactory
from townhall.core.models import AuditEvent
from townhall.integrations import selectors, services
from townhall.integrations.models import Scope

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_counters():
    cache.clear()


@pytest.fixture
def admin():
    return StaffFactory(role=Role.COUNCIL_ADMIN)


def test_an_issued_key_is_stored_only_as_a_hash_and_finds_itself(admin):
    issued = services.issue_api_key(client_name="Street app", scopes=[Scope.OPEN311], by=admin)

    assert issued.secret.startswith("th_")
    assert issued.secret not in issued.api_key.key_hash
    assert selectors.api_key_for(issued.secret) == issued.api_key
    assert AuditEvent.objects.filter(action="api_key.issued", target_id=str(issued.api_key.pk)).exists()


def test_a_wrong_or_short_secret_finds_nothing(admin):
    issued = services.issue_api_key(client_name="Street app", scopes=[Scope.OPEN311], by=admin)

    assert selectors.api_key_for(issued.secret[:-1] + "x") is None
    assert selectors.api_key_for(issued.secret[:12]) is None
    assert selectors.api_key_for("") is None


def test_a_revoked_key_stops_working_and_revoking_twice_changes_nothing(admin):
    issued = services.issue_api_key(client_name="Street app", scopes=[Scope.OPEN311], by=admin)

    assert services.revoke_api_key(api_key=issued.api_key, by=admin) is True
    assert services.revoke_api_key(api_key=issued.api_key, by=admin) is False
    assert selectors.api_key_for(issued.secret) is None
    assert AuditEvent.objects.filter(action="api_key.revoked").count() == 1


def test_a_key_for_a_person_stops_when_they_leave(admin):
    officer = StaffFactory()
    issued = services.issue_api_key(client_name="Script", scopes=[Scope.CASES_READ], user=officer, by=admin)
    officer.is_active = False
    officer.save()

    assert selectors.api_key_for(issued.secret) is None


def test_keys_act_only_for_staff_and_only_with_known_scopes(admin):
    with pytest.raises(ValueError, match="member of staff"):
        services.issue_api_key(client_name="x", scopes=[Scope.CASES_READ], user=UserFactory(), by=admin)
    with pytest.raises(ValueError, match="Unknown scopes"):
        services.issue_api_key(client_name="x", scopes=["everything"], by=admin)


def test_the_rate_allowance_is_counted_per_key_per_minute(admin, monkeypatch):
    moment = timezone.now().replace(second=30)  # all within one minute
    monkeypatch.setattr(timezone, "now", lambda: moment)
    key = services.issue_api_key(client_name="App", scopes=[Scope.OPEN311], rate_per_minute=2, by=admin).api_key
    other = services.issue_api_key(client_name="Other", scopes=[Scope.OPEN311], rate_per_minute=2, by=admin).api_key

    assert [selectors.within_rate(key) for _ in range(3)] == [True, True, False]
    assert selectors.within_rate(other) is True


def test_use_is_noted_at_most_once_a_minute(admin, django_assert_num_queries):
    key = services.issue_api_key(client_name="App", scopes=[Scope.OPEN311], by=admin).api_key
    services.note_key_used(key)
    with django_assert_num_queries(0):
        services.note_key_used(key)
    assert key.last_used_at is not None
