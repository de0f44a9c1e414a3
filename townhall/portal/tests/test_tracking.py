import time

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from townhall.cases.models import CaseEvent, EventKind
from townhall.cases.services import add_public_update, change_status
from townhall.portal.tests.conftest import make_case

pytestmark = pytest.mark.django_db

NOT_FOUND = "We could not find a request with that reference and email address"


@pytest.fixture
def case(service):
    return make_case(service, email="ada@example.com")


def look_up(client, reference, email):
    return client.post(reverse("portal:track"), {"reference": reference, "email": email})


def test_a_request_is_found_by_its_reference_and_email_however_typed(client, case, officer):
    add_public_update(case=case, text="We have sent a crew.", by=officer)
    typed = case.reference.lower().replace("-", " ").replace("0", "o")

    response = look_up(client, typed, "ADA@example.com")

    assert response["Location"] == reverse("portal:track")
    page = client.get(reverse("portal:track")).content.decode()
    assert case.reference in page
    assert "Report a blocked drain" in page
    assert "Received" in page
    assert "We have sent a crew." in page
    assert "We aim to respond by" in page
    assert "Send message" in page


@pytest.mark.parametrize("wrong", ["reference", "email"])
def test_a_failed_look_up_never_says_which_part_was_wrong(client, case, wrong):
    reference = "WX-0000-0000" if wrong == "reference" else case.reference
    email = "someone@example.com" if wrong == "email" else "ada@example.com"

    response = look_up(client, reference, email)

    page = response.content.decode()
    assert response.status_code == 200
    assert NOT_FOUND in page
    assert "There is a problem" in page
    assert "portal:tracked-case" not in client.session


def test_after_too_many_failed_look_ups_even_the_right_details_are_refused(client, case, settings):
    for _ in range(settings.TRACKING_MAX_FAILURES):
        look_up(client, case.reference, "guess@example.com")

    response = look_up(client, case.reference, "ada@example.com")

    assert response.status_code == 429
    page = response.content.decode()
    assert "There is a problem" in page
    assert "You have tried too many times. Wait an hour and try again, or sign in to see your requests." in page
    assert "portal:tracked-case" not in client.session


def test_a_new_session_from_the_same_address_is_refused_too(case, settings):
    # Given a guesser who throws away the session cookie before each try
    settings.TRACKING_MAX_FAILURES = 3
    settings.TRACKING_MAX_FAILURES_PER_IP = 5
    for _ in range(settings.TRACKING_MAX_FAILURES_PER_IP):
        look_up(Client(), case.reference, "guess@example.com")

    fresh = Client()
    response = look_up(fresh, case.reference, "ada@example.com")

    assert response.status_code == 429
    assert "You have tried too many times" in response.content.decode()
    assert "portal:tracked-case" not in fresh.session


def test_another_address_is_not_held_back_by_ones_guesses(case, settings):
    settings.TRACKING_MAX_FAILURES_PER_IP = 3
    for _ in range(3):
        look_up(Client(REMOTE_ADDR="198.51.100.7"), case.reference, "guess@example.com")

    neighbour = Client(REMOTE_ADDR="198.51.100.8")
    response = look_up(neighbour, case.reference, "ada@example.com")

    assert response["Location"] == reverse("portal:track")
    assert neighbour.session["portal:tracked-case"] == case.pk


def test_behind_a_trusted_proxy_each_resident_is_counted_by_their_own_address(case, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRACKING_MAX_FAILURES_PER_IP = 3
    behind_proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for forged in range(3):
        # A forged left-hand entry changes nothing: the proxy's own entry is the last.
        guesser = Client(**behind_proxy, HTTP_X_FORWARDED_FOR=f"192.0.2.{forged}, 203.0.113.9")
        look_up(guesser, case.reference, "guess@example.com")

    guesser_again = Client(**behind_proxy, HTTP_X_FORWARDED_FOR="203.0.113.9")
    resident = Client(**behind_proxy, HTTP_X_FORWARDED_FOR="203.0.113.10")

    assert look_up(guesser_again, case.reference, "ada@example.com").status_code == 429
    assert look_up(resident, case.reference, "ada@example.com")["Location"] == reverse("portal:track")


def test_the_wait_is_told_in_the_window_the_council_set(client, case, settings):
    settings.TRACKING_WINDOW_SECONDS = 15 * 60
    settings.TRACKING_MAX_FAILURES = 1
    look_up(client, case.reference, "guess@example.com")

    response = look_up(client, case.reference, "ada@example.com")

    assert "Wait 15 minutes and try again" in response.content.decode()


def test_failures_older_than_the_window_no_longer_count(client, case, settings):
    settings.TRACKING_MAX_FAILURES = 2
    settings.TRACKING_MAX_FAILURES_PER_IP = 2
    look_up(client, case.reference, "guess@example.com")
    look_up(client, case.reference, "guess@example.com")
    # When the window has passed: the session's times are old, the address's count expired
    session = client.session
    session["portal:tracking-failures"] = [time.time() - settings.TRACKING_WINDOW_SECONDS - 1] * 2
    session.save()
    cache.clear()

    response = look_up(client, case.reference, "ada@example.com")

    assert response["Location"] == reverse("portal:track")


def test_a_reply_reaches_the_request_without_entering_the_details_again(client, case):
    look_up(client, case.reference, "ada@example.com")

    response = client.post(reverse("portal:track_reply"), {"text": "It is still blocked"})

    assert response["Location"] == reverse("portal:track")
    event = case.events.get(kind=EventKind.MESSAGE_IN)
    assert event.text == "It is still blocked"
    assert "Your message has been sent." in client.get(reverse("portal:track")).content.decode()


def test_the_same_reply_sent_twice_is_one_message(client, case):
    look_up(client, case.reference, "ada@example.com")

    client.post(reverse("portal:track_reply"), {"text": "It is still blocked"})
    client.post(reverse("portal:track_reply"), {"text": "It is still blocked"})

    assert case.events.filter(kind=EventKind.MESSAGE_IN).count() == 1


def test_a_reply_to_a_recently_resolved_request_reopens_it_and_says_so(client, case, officer):
    change_status(case=case, status="resolved", by=officer)
    look_up(client, case.reference, "ada@example.com")
    assert "reply by" in client.get(reverse("portal:track")).content.decode()

    client.post(reverse("portal:track_reply"), {"text": "It is blocked again"})

    case.refresh_from_db()
    assert not case.is_closed
    assert case.events.filter(kind=EventKind.REOPENED).exists()
    page = client.get(reverse("portal:track")).content.decode()
    assert "Your message has been sent and your request has been reopened." in page
    assert "Request reopened" in page


def test_an_empty_reply_is_refused_with_the_error_summary(client, case):
    look_up(client, case.reference, "ada@example.com")

    response = client.post(reverse("portal:track_reply"), {"text": "  "})

    assert "Enter your message" in response.content.decode()
    assert not case.events.filter(kind=EventKind.MESSAGE_IN).exists()


def test_a_reply_without_a_request_found_first_sends_nothing(client, case):
    response = client.post(reverse("portal:track_reply"), {"text": "Hello"})

    assert response["Location"] == reverse("portal:track")
    assert not CaseEvent.objects.filter(kind=EventKind.MESSAGE_IN).exists()


def test_a_status_change_shows_the_new_status_but_not_the_officers_reason(client, case, officer):
    change_status(case=case, status="in_progress", by=officer, reason="Internal: contractor is slow")
    look_up(client, case.reference, "ada@example.com")

    page = client.get(reverse("portal:track")).content.decode()

    assert "Status changed to: In progress" in page
    assert "contractor is slow" not in page


def test_another_request_can_be_tracked_after_forgetting_this_one(client, case):
    look_up(client, case.reference, "ada@example.com")

    client.post(reverse("portal:track_another"))

    assert "Find request" in client.get(reverse("portal:track")).content.decode()


def test_tracking_words_a_status_for_the_resident_even_when_staff_have_their_own_label(client, case, officer):
    change_status(case=case, status="awaiting_customer", by=officer, reason="Need a photo", public_text="Send a photo.")
    look_up(client, case.reference, "ada@example.com")

    page = client.get(reverse("portal:track")).content.decode()

    assert "Status changed to: Waiting for your reply" in page
    assert "Send a photo." in page
    assert "Waiting for the resident" not in page
