"""People following a case besides its requester: adding and removing them, and what they hear."""

import pytest

from townhall.cases import services
from townhall.cases.models import CaseWatcher, EventKind, WatchReason
from townhall.cases.services import Requester
from townhall.cases.tests.conftest import ANSWERS
from townhall.catalogue.models import Channel, NotificationEvent
from townhall.core.models import AuditEvent
from townhall.customers.tests.factories import CustomerFactory
from townhall.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(service):
    return services.submit_case(
        service=service,
        answers=ANSWERS,
        channel=Channel.WEB,
        requester=Requester(name="Ada Resident", email="ada@example.com"),
    )


def _told(case, event: str) -> list[str]:
    return sorted(Notification.objects.filter(case=case, event=event).values_list("recipient", flat=True))


def test_a_follower_is_added_once_with_a_staff_only_line_on_the_timeline(case, officer):
    watcher = services.add_watcher(case=case, email=" Ben@Example.com ", reason=WatchReason.SUPPORTER, by=officer)
    again = services.add_watcher(case=case, email="ben@example.com", reason=WatchReason.DUPLICATE_REPORT, by=officer)

    assert again == watcher
    assert (watcher.email, watcher.customer, watcher.added_by) == ("ben@example.com", None, officer)
    event = case.events.get(kind=EventKind.WATCHER_ADDED)
    assert event.text == "ben@example.com: Supports the request"
    assert not event.public
    assert AuditEvent.objects.filter(action="case.watcher_added").count() == 1


def test_an_email_address_of_a_customer_record_links_the_follower_to_it(case, officer):
    ben = CustomerFactory(name="Ben Neighbour", email="ben@example.com")

    by_email = services.add_watcher(case=case, email="ben@example.com", reason=WatchReason.SUPPORTER, by=officer)
    by_record = services.add_watcher(case=case, customer=ben, reason=WatchReason.SUPPORTER, by=officer)

    assert by_email.customer == ben
    assert by_record == by_email
    assert case.watchers.count() == 1


def test_the_requester_is_not_added_as_a_follower_of_their_own_request(case, officer):
    assert services.add_watcher(case=case, email="ADA@example.com", reason=WatchReason.SUPPORTER, by=officer) is None
    assert services.add_watcher(case=case, customer=case.customer, reason=WatchReason.SUPPORTER, by=officer) is None
    assert not case.watchers.exists()


def test_a_follower_needs_someone_to_follow_and_a_reason(case, officer):
    with pytest.raises(services.CaseError):
        services.add_watcher(case=case, email="", reason=WatchReason.SUPPORTER, by=officer)
    with pytest.raises(services.CaseError):
        services.add_watcher(case=case, email="ben@example.com", reason="curious", by=officer)
    assert not CaseWatcher.objects.exists()


def test_removing_a_follower_twice_removes_them_once(case, officer):
    watcher = services.add_watcher(case=case, email="ben@example.com", reason=WatchReason.SUPPORTER, by=officer)

    services.remove_watcher(watcher=watcher, by=officer)
    services.remove_watcher(watcher=watcher, by=officer)

    assert not case.watchers.exists()
    assert case.events.filter(kind=EventKind.WATCHER_REMOVED).count() == 1
    assert AuditEvent.objects.filter(action="case.watcher_removed").count() == 1


def test_public_updates_and_closing_tell_every_follower_once(case, officer):
    ben = CustomerFactory(name="Ben Neighbour", email="ben@example.com")
    services.add_watcher(case=case, customer=ben, reason=WatchReason.DUPLICATE_REPORT, by=officer)
    services.add_watcher(case=case, email="cy@example.com", reason=WatchReason.SUPPORTER, by=officer)
    # Ben's record's address given again, by hand: still one email to him.
    CaseWatcher.objects.create(case=case, email="BEN@example.com", reason=WatchReason.SUPPORTER)

    services.add_public_update(case=case, text="The crew is on its way.", by=officer)
    services.change_status(case=case, status="resolved", reason="Cleared", by=officer)

    everyone = ["ada@example.com", "ben@example.com", "cy@example.com"]
    assert _told(case, NotificationEvent.PUBLIC_UPDATE) == everyone
    assert _told(case, NotificationEvent.RESOLVED) == everyone
    to_ben = Notification.objects.get(event=NotificationEvent.PUBLIC_UPDATE, recipient="ben@example.com")
    assert "Dear Ben Neighbour" in to_ben.body and "The crew is on its way." in to_ben.body
    to_cy = Notification.objects.get(event=NotificationEvent.PUBLIC_UPDATE, recipient="cy@example.com")
    assert "Dear resident" in to_cy.body


def test_a_status_change_with_a_message_tells_followers_too(case, officer):
    services.add_watcher(case=case, email="ben@example.com", reason=WatchReason.SUPPORTER, by=officer)

    services.change_status(
        case=case, status="in_progress", reason="Booked", public_text="Booked for Monday.", by=officer
    )

    assert _told(case, NotificationEvent.PUBLIC_UPDATE) == ["ada@example.com", "ben@example.com"]


def test_the_requesters_own_messages_are_not_sent_to_followers(case, officer):
    services.add_watcher(case=case, email="ben@example.com", reason=WatchReason.SUPPORTER, by=officer)

    services.send_message(case=case, text="Which side of the road is it?", by=officer)

    assert _told(case, NotificationEvent.MESSAGE) == ["ada@example.com"]


def test_followers_of_an_anonymous_request_still_hear_of_it(service, officer):
    case = services.submit_case(service=service, answers=ANSWERS, channel=Channel.WEB)
    services.add_watcher(case=case, email="ben@example.com", reason=WatchReason.SUPPORTER, by=officer)

    services.add_public_update(case=case, text="Fixed.", by=officer)

    assert _told(case, NotificationEvent.PUBLIC_UPDATE) == ["ben@example.com"]
