"""The signed link that stops a follower's emails."""

from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.urls import resolve

from townhall.cases import following, services
from townhall.cases.models import WatchReason
from townhall.cases.services import Requester
from townhall.cases.tests.conftest import ANSWERS
from townhall.catalogue.models import Channel

pytestmark = pytest.mark.django_db


@pytest.fixture
def watcher(service, officer):
    case = services.submit_case(
        service=service, answers=ANSWERS, channel=Channel.WEB, requester=Requester(name="Ada", email="ada@example.com")
    )
    return services.add_watcher(case=case, email="ben@example.com", reason=WatchReason.SUPPORTER, by=officer)


def _token(url: str) -> str:
    return resolve(urlsplit(url).path).kwargs["token"]


def test_a_stop_link_names_the_follower_but_never_their_address(watcher):
    url = following.stop_following_url(watcher)

    assert url.startswith("http")
    assert "ben" not in url
    found = following.watcher_for_stop_link(_token(url))
    assert (found, found.case) == (watcher, watcher.case)


def test_a_stop_link_finds_nobody_once_they_have_stopped(watcher, officer):
    token = _token(following.stop_following_url(watcher))

    services.remove_watcher(watcher=watcher, by=officer)

    assert following.watcher_for_stop_link(token) is None


@pytest.mark.parametrize(
    "token",
    [
        "not-a-link",
        signing.dumps(1, salt="townhall.streetcare.follow"),  # another of our links, for something else
    ],
    ids=["made-up", "borrowed"],  # a signed token differs by the second: xdist's workers must agree
)
def test_a_made_up_or_borrowed_link_is_not_a_stop_link(token):
    with pytest.raises(following.NotAStopLink):
        following.watcher_for_stop_link(token)


def test_a_tampered_stop_link_is_not_a_stop_link(watcher):
    token = _token(following.stop_following_url(watcher))
    value, signature = token.split(":", 1)

    with pytest.raises(following.NotAStopLink):
        following.watcher_for_stop_link(f"{value}x:{signature}")
