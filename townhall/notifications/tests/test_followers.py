"""What a request's followers are emailed: their own wording, and a link to stop."""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import resolve

from townhall.cases.following import stop_following_url, watcher_for_stop_link
from townhall.cases.models import WatchReason
from townhall.cases.services import Requester, add_watcher, submit_case
from townhall.catalogue.models import NotificationEvent, NotificationTemplate
from townhall.catalogue.tests.factories import ServiceFactory
from townhall.customers.tests.factories import CustomerFactory
from townhall.notifications.placeholders import placeholder_error
from townhall.notifications.services import FOLLOWER_TEMPLATES, followers_told, notify_requester

pytestmark = pytest.mark.django_db

STOP_LINE = re.compile(
    r"\n\nYou are getting this email because you follow request (\S+)\. To stop getting updates: (http\S+)$"
)


@pytest.fixture
def case():
    service = ServiceFactory(name="Report a blocked drain")
    return submit_case(
        service=service,
        answers={"details": "Blocked", "urgent": "no"},
        channel="web",
        requester=Requester(name="Ada", email="ada@example.com"),
    )


def _follow(case, email: str):
    return add_watcher(case=case, email=email, reason=WatchReason.SUPPORTER, by=None)


def _stop_link_watcher(body: str):
    found = STOP_LINE.search(body)
    assert found, body
    return watcher_for_stop_link(resolve(urlsplit(found.group(2)).path).kwargs["token"])


@pytest.mark.parametrize(
    ("event", "subject", "intro"),
    [
        (NotificationEvent.PUBLIC_UPDATE, "Update on request {} you follow", "An update on request {} you follow"),
        (NotificationEvent.RESOLVED, "Request {} you follow is resolved", "Request {} you follow"),
    ],
)
def test_a_follower_is_told_they_follow_the_request_and_how_to_stop(case, event, subject, intro):
    ben = _follow(case, "ben@example.com")

    to_ada = notify_requester(case=case, event=event, update="Cleared today.")

    to_ben = case.notifications.get(recipient="ben@example.com")
    assert to_ben.subject == subject.format(case.reference)
    assert intro.format(case.reference) in to_ben.body and "Cleared today." in to_ben.body
    assert "your request" not in to_ben.body.lower()
    assert STOP_LINE.search(to_ben.body).group(1) == case.reference
    assert _stop_link_watcher(to_ben.body) == ben
    # The requester's own email is theirs: no follower wording, no link to stop.
    assert "you follow" not in to_ada.body and "/following/stop/" not in to_ada.body


def test_each_follower_gets_their_own_link(case):
    ben, cy = _follow(case, "ben@example.com"), _follow(case, "cy@example.com")

    notify_requester(case=case, event=NotificationEvent.PUBLIC_UPDATE, update="On our way.")

    for watcher in (ben, cy):
        assert _stop_link_watcher(case.notifications.get(recipient=watcher.address).body) == watcher


def test_followers_get_their_own_wording_even_when_the_service_has_its_own_email(case):
    NotificationTemplate.objects.create(
        service=case.service, event=NotificationEvent.PUBLIC_UPDATE, subject="Your drain", body="Your drain: ((update))"
    )
    _follow(case, "ben@example.com")

    to_ada = notify_requester(case=case, event=NotificationEvent.PUBLIC_UPDATE, update="On our way.")

    assert to_ada.body == "Your drain: On our way."
    assert "you follow" in case.notifications.get(recipient="ben@example.com").body


@pytest.mark.parametrize("event", FOLLOWER_TEMPLATES)
def test_follower_emails_use_only_their_events_placeholders(event):
    subject, body = FOLLOWER_TEMPLATES[event]

    assert placeholder_error(subject + body, event) is None


def test_the_followers_their_names_and_links_take_one_query_however_many(case, django_assert_num_queries):
    for number in range(3):
        customer = CustomerFactory(name=f"Neighbour {number}", email=f"n{number}@example.com")
        add_watcher(case=case, customer=customer, reason=WatchReason.SUPPORTER, by=None)

    with django_assert_num_queries(1):
        told = followers_told(case, NotificationEvent.PUBLIC_UPDATE, besides="ada@example.com")
        names = [watcher.customer.name for watcher in told]
        links = {stop_following_url(watcher) for watcher in told}

    assert names == ["Neighbour 0", "Neighbour 1", "Neighbour 2"]
    assert len(links) == 3
