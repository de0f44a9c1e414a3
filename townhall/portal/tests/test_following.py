"""Following requests someone else made: My Account's "Following" list, and the link in
every follower's email that stops them."""

from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.urls import reverse

from townhall.cases.following import stop_following_url
from townhall.cases.models import CaseWatcher, EventKind, WatchReason
from townhall.cases.services import add_watcher
from townhall.core.models import AuditEvent
from townhall.customers.services import link_account
from townhall.portal.tests.conftest import make_case

pytestmark = pytest.mark.django_db


def _my_requests(client) -> str:
    return client.get(reverse("portal:my_requests")).content.decode()


def test_a_request_i_follow_is_listed_under_following_not_as_mine(client, service, resident, officer):
    link_account(user=resident)
    followed = make_case(service, email="someone@example.com")
    add_watcher(case=followed, email=resident.email, reason=WatchReason.DUPLICATE_REPORT, by=officer)
    client.force_login(resident)

    response = client.get(reverse("portal:my_requests"))

    assert list(response.context["page"].object_list) == []
    assert list(response.context["following"]) == [followed]
    page = response.content.decode()
    assert "Following" in page and followed.reference in page
    # Another person's request: its reference and status, never a way into its details.
    assert reverse("portal:my_request", args=[followed.reference]) not in page


def test_following_by_email_alone_shows_once_the_account_is_linked(client, service, resident, officer):
    followed = make_case(service, email="someone@example.com")
    add_watcher(case=followed, email=resident.email, reason=WatchReason.SUPPORTER, by=officer)
    client.force_login(resident)
    assert followed.reference not in _my_requests(client)  # an email address not yet verified as theirs

    link_account(user=resident)

    assert followed.reference in _my_requests(client)


def test_nobody_else_sees_what_i_follow(client, service, resident, other_resident, officer):
    link_account(user=resident)
    link_account(user=other_resident)
    followed = make_case(service, email="someone@example.com")
    add_watcher(case=followed, email=resident.email, reason=WatchReason.SUPPORTER, by=officer)
    client.force_login(other_resident)

    page = _my_requests(client)

    assert followed.reference not in page
    assert "Following" not in page


@pytest.mark.parametrize("rows", [3, 30])
def test_the_following_list_takes_the_same_queries_however_many(
    client, service, resident, officer, django_assert_max_num_queries, rows
):
    link_account(user=resident)
    for _ in range(rows):
        followed = make_case(service, email="someone@example.com")
        add_watcher(case=followed, email=resident.email, reason=WatchReason.SUPPORTER, by=officer)
    client.force_login(resident)

    with django_assert_max_num_queries(6):  # my requests' five, and the ones I follow
        response = client.get(reverse("portal:my_requests"))

    assert len(response.context["following"]) == min(rows, 20)


# Stopping the emails by the link at the end of each


@pytest.fixture
def followed(service, officer):
    case = make_case(service, email="someone@example.com")
    return add_watcher(case=case, email="ben@example.com", reason=WatchReason.SUPPORTER, by=officer)


def _stop_path(watcher) -> str:
    return urlsplit(stop_following_url(watcher)).path


def test_opening_the_stop_link_asks_first_and_changes_nothing(client, followed):
    response = client.get(_stop_path(followed))

    page = response.content.decode()
    assert "Stop getting updates on this request" in page
    assert followed.case.reference in page
    assert 'method="post"' in page
    assert CaseWatcher.objects.filter(pk=followed.pk).exists()  # mail scanners open links


def test_pressing_stop_ends_the_emails_with_a_line_on_the_timeline(client, followed):
    response = client.post(_stop_path(followed))

    assert "You will not get any more updates" in response.content.decode()
    assert not CaseWatcher.objects.filter(pk=followed.pk).exists()
    assert followed.case.events.filter(kind=EventKind.WATCHER_REMOVED).count() == 1
    assert AuditEvent.objects.filter(action="case.watcher_removed").count() == 1


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_link_says_so_once_they_have_stopped(client, followed, method):
    path = _stop_path(followed)
    client.post(path)

    response = getattr(client, method)(path)

    assert response.status_code == 200
    assert "You have already stopped these emails" in response.content.decode()
    assert followed.case.events.filter(kind=EventKind.WATCHER_REMOVED).count() == 1


# Ids given: a signed token differs by the second, and pytest-xdist's workers must collect the same tests.
@pytest.mark.parametrize(
    "token", ["not-a-real-link", signing.dumps(1, salt="another.purpose")], ids=["made-up", "another-purpose"]
)
def test_a_link_that_is_not_ours_says_it_does_not_work(client, followed, token):
    response = client.post(reverse("portal:stop_following", args=[token]))

    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    assert CaseWatcher.objects.filter(pk=followed.pk).exists()
