import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from townhall.cases.models import Case, Draft
from townhall.catalogue.models import Channel, ServiceStatus
from townhall.catalogue.tests.factories import ServiceFactory
from townhall.customers.services import link_account
from townhall.notifications.models import Notification
from townhall.portal.tests.conftest import DETAILS, question_url, start

pytestmark = pytest.mark.django_db


def answer(client, service, key, data, *, returning=False):
    return client.post(question_url(service, key, returning=returning), data)


def fill_in(client, service, *, urgent="no"):
    """Answers every question and gives the requester's details, ready to check."""
    start(client, service)
    answer(client, service, "details", {"answer": "The drain is blocked"})
    answer(client, service, "urgent", {"answer": urgent})
    if urgent == "yes":
        answer(client, service, "danger_details", {"answer": "Water is flooding the road"})
    client.post(reverse("portal:details", args=[service.slug]), DETAILS)
    return Draft.objects.get()


def submit(client, service, draft):
    return client.post(reverse("portal:check", args=[service.slug]), {"submission_key": str(draft.submission_key)})


def test_the_start_page_says_what_to_expect_and_offers_a_start_button(client, service):
    page = client.get(reverse("portal:service", args=[service.slug])).content.decode()

    assert "Report a blocked drain" in page
    assert "We aim to respond within 10 working days." in page
    assert "your name and email address" in page
    assert "govuk-button--start" in page
    assert f'action="{reverse("portal:start", args=[service.slug])}"' in page


@pytest.mark.parametrize(
    "changes", [{"status": ServiceStatus.DRAFT}, {"status": ServiceStatus.RETIRED}, {"channels": [Channel.PHONE]}]
)
def test_a_service_not_offered_online_is_not_found(client, team, changes):
    hidden = ServiceFactory(team=team, slug="hidden", **changes)

    assert client.get(reverse("portal:service", args=[hidden.slug])).status_code == 404
    assert client.post(reverse("portal:start", args=[hidden.slug])).status_code == 404
    assert not Draft.objects.exists()


def test_starting_makes_a_draft_for_this_browser_and_asks_the_first_question(client, service):
    location = start(client, service)

    draft = Draft.objects.get()
    assert location == question_url(service, "details")
    assert draft.form == service.current_form
    assert draft.user is None
    assert draft.session_key == client.session.session_key


def test_a_question_is_the_page_heading_with_a_back_link_to_the_start_page(client, service):
    start(client, service)

    page = client.get(question_url(service, "details")).content.decode()

    assert '<h1 class="govuk-label-wrapper"><label class="govuk-label govuk-label--l" for="id_answer">' in page
    assert f'href="{reverse("portal:service", args=[service.slug])}" class="govuk-back-link"' in page


def test_the_whole_journey_makes_one_request_and_skips_a_question_its_answers_hide(client, service):
    start(client, service)

    response = answer(client, service, "details", {"answer": "The drain is blocked"})
    assert response["Location"] == question_url(service, "urgent")
    response = answer(client, service, "urgent", {"answer": "no"})
    assert response["Location"] == reverse("portal:details", args=[service.slug])
    response = client.post(reverse("portal:details", args=[service.slug]), DETAILS)
    assert response["Location"] == reverse("portal:check", args=[service.slug])

    page = client.get(reverse("portal:check", args=[service.slug])).content.decode()
    assert "The drain is blocked" in page
    assert "Tell us about the danger" not in page
    assert "ada@example.com" in page

    response = submit(client, service, Draft.objects.get())

    case = Case.objects.get()
    assert response["Location"] == reverse("portal:submitted", args=[case.reference])
    assert case.answers == {"details": "The drain is blocked", "urgent": "no"}
    assert case.channel == Channel.WEB
    assert case.requester_email == "ada@example.com"
    assert not Draft.objects.exists()
    confirmation = client.get(response["Location"]).content.decode()
    assert "govuk-panel--confirmation" in confirmation
    assert case.reference in confirmation


def test_an_answer_that_shows_a_question_asks_it_next(client, service):
    start(client, service)
    answer(client, service, "details", {"answer": "The drain is blocked"})

    response = answer(client, service, "urgent", {"answer": "yes"})

    assert response["Location"] == question_url(service, "danger_details")
    page = client.get(response["Location"]).content.decode()
    assert f'href="{question_url(service, "urgent")}" class="govuk-back-link"' in page


def test_submitting_twice_makes_one_request_and_shows_the_same_confirmation(client, service):
    draft = fill_in(client, service)

    first = submit(client, service, draft)
    second = submit(client, service, draft)

    assert Case.objects.count() == 1
    assert Notification.objects.filter(event="submitted").count() == 1
    assert first["Location"] == second["Location"]
    assert client.get(second["Location"]).status_code == 200


def test_a_refused_answer_shows_the_error_summary_and_saves_nothing(client, service):
    start(client, service)

    response = answer(client, service, "details", {"answer": "  "})

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert 'href="#id_answer"' in page
    assert "<title>Error:" in page
    assert Draft.objects.get().answers == {}


def test_refused_details_save_nothing(client, service):
    start(client, service)

    response = client.post(reverse("portal:details", args=[service.slug]), {**DETAILS, "email": "not-an-email"})

    assert "Enter an email address in the correct format" in response.content.decode()
    assert "portal:requester" not in client.session


def test_changing_an_answer_from_check_answers_asks_only_what_it_newly_shows_then_returns(client, service):
    fill_in(client, service, urgent="no")
    page = client.get(reverse("portal:check", args=[service.slug])).content.decode()
    assert question_url(service, "urgent", returning=True) in page

    response = answer(client, service, "urgent", {"answer": "yes"}, returning=True)
    assert response["Location"] == question_url(service, "danger_details", returning=True)
    response = answer(client, service, "danger_details", {"answer": "Flooding"}, returning=True)

    assert response["Location"] == reverse("portal:check", args=[service.slug])


def test_check_answers_sends_back_to_a_question_not_yet_answered(client, service):
    start(client, service)
    answer(client, service, "details", {"answer": "The drain is blocked"})

    response = client.get(reverse("portal:check", args=[service.slug]))

    assert response["Location"] == question_url(service, "urgent", returning=True)


def test_an_answer_that_no_longer_passes_sends_the_resident_back_to_it_with_the_reason(client, service):
    draft = fill_in(client, service)
    draft.answers["urgent"] = "perhaps"  # e.g. the option was removed from the form
    draft.save()

    response = submit(client, service, draft)

    assert response["Location"] == question_url(service, "urgent", returning=True)
    assert not Case.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "Check your answer to “Is anyone in danger?”" in page


def test_a_question_hidden_by_an_answer_cannot_be_opened(client, service):
    start(client, service)
    answer(client, service, "details", {"answer": "The drain is blocked"})
    answer(client, service, "urgent", {"answer": "no"})

    response = client.get(question_url(service, "danger_details"))

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:details", args=[service.slug])


def test_a_question_the_form_does_not_have_is_not_found(client, service):
    start(client, service)

    assert client.get(question_url(service, "nonsense")).status_code == 404


def test_without_a_draft_the_resident_is_asked_to_start_again(client, service):
    response = client.get(question_url(service, "details"))

    assert response["Location"] == reverse("portal:service", args=[service.slug])
    assert "start again" in client.get(response["Location"]).content.decode()


def test_an_expired_draft_means_starting_again(client, service):
    start(client, service)
    Draft.objects.update(updated_at=timezone.now() - dt.timedelta(days=2))

    response = answer(client, service, "details", {"answer": "Too late"})

    assert response["Location"] == reverse("portal:service", args=[service.slug])
    assert Draft.objects.get().answers == {}


def test_someone_elses_draft_cannot_be_used_even_with_its_token(client, service, resident, other_resident):
    client.force_login(resident)
    start(client, service)
    draft = Draft.objects.get()
    client.force_login(other_resident)
    session = client.session
    session["portal:drafts"] = {service.slug: str(draft.token)}
    session.save()

    response = answer(client, service, "details", {"answer": "Not mine"})

    assert response["Location"] == reverse("portal:service", args=[service.slug])
    draft.refresh_from_db()
    assert draft.answers == {}


def test_the_confirmation_is_shown_only_to_the_browser_that_sent_it(client, service):
    draft = fill_in(client, service)
    location = submit(client, service, draft)["Location"]
    client.logout()

    assert client.get(location).status_code == 404


def test_a_signed_in_resident_skips_their_details_and_sees_the_request_as_theirs(client, service, resident):
    link_account(user=resident)
    client.force_login(resident)
    start(client, service)
    answer(client, service, "details", {"answer": "The drain is blocked"})

    response = answer(client, service, "urgent", {"answer": "no"})

    assert response["Location"] == reverse("portal:check", args=[service.slug])
    page = client.get(response["Location"]).content.decode()
    assert "Ada Resident" in page
    location = submit(client, service, Draft.objects.get())["Location"]
    case = Case.objects.get()
    assert case.customer.user == resident
    assert reverse("portal:my_request", args=[case.reference]) in client.get(location).content.decode()


def test_a_start_link_followed_by_get_shows_the_start_page_and_makes_nothing(client, service):
    response = client.get(reverse("portal:start", args=[service.slug]))

    assert response["Location"] == reverse("portal:service", args=[service.slug])
    assert not Draft.objects.exists()


def test_starting_again_replaces_the_unsaved_draft(client, service):
    start(client, service)
    answer(client, service, "details", {"answer": "First try"})
    page = client.get(reverse("portal:service", args=[service.slug])).content.decode()
    assert "Continue where you left off" in page

    start(client, service)

    assert Draft.objects.get().answers == {}
