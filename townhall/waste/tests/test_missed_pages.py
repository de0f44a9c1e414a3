"""The pages for reporting a missed collection: what can be reported and why not, the
choice, the person's details, the check and the confirmation, for residents and for staff
taking a call; and who is refused."""

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from townhall.accounts.models import Role
from townhall.accounts.tests.factories import StaffFactory, UserFactory
from townhall.cases.models import Case, CaseEvent, EventKind
from townhall.catalogue.models import Channel
from townhall.core import calendar
from townhall.customers.models import Customer
from townhall.gazetteer.tests.factories import PropertyFactory
from townhall.waste.models import CrewOutcome, CrewRecord, MissedCollection, RoundDay, Stream
from townhall.waste.tests.missed_helpers import TUESDAY, clock, home_on_round, london, missed_bin_service

pytestmark = pytest.mark.django_db
WEDNESDAY = TUESDAY + dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def wednesday_morning():
    with clock(london(WEDNESDAY, 9)):
        yield


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def service():
    return missed_bin_service()


@pytest.fixture
def home(service):
    """12 Alder Road: rubbish and recycling on Tuesdays; the crew recorded its recycling not out."""
    place, _refuse = home_on_round()
    recycling = home_on_round(street=place.street, stream=Stream.RECYCLING, number="14")[1]
    recycling.properties.create(property=place)
    CrewRecord.objects.create(
        round=recycling,
        date=TUESDAY,
        property=place,
        street=place.street,
        outcome=CrewOutcome.NOT_PRESENTED,
        recorded_at=london(TUESDAY, 7, 42),
    )
    return place


def url(name: str, place, *args) -> str:
    return reverse(f"missed:{name}", args=[place.uprn, *args])


def choose(client, place, stream="refuse", **answers):
    return client.post(url("start", place), {"stream": stream, "answer_out_on_time": "yes", **answers})


def give_details(client, place, **details):
    return client.post(
        url("details", place), {"full_name": "Ada Resident", "email": "ada@example.com", "phone": ""} | details
    )


def send(client, place):
    check = client.get(url("check", place))
    return client.post(url("check", place), {"key": check.context["key"]})


def test_the_page_says_which_collections_can_be_reported_and_why_not(client, home):
    page = client.get(url("start", home)).content.decode()

    assert "Can be reported" in page
    assert "Collection on Tuesday 2 June. You can report it missed until Thursday 4 June." in page
    assert "Our crew recorded that your recycling bin was not out when they came at 07:42 on Tuesday 2 June." in page
    # Only the rubbish can be chosen.
    assert 'value="refuse"' in page
    assert 'value="recycling"' not in page


def test_the_page_costs_the_same_queries_however_many_collections(client, home, django_assert_max_num_queries):
    calendar.non_working_days()

    with django_assert_max_num_queries(10):
        assert client.get(url("start", home)).status_code == 200


def test_a_resident_reports_a_missed_bin_and_gets_a_reference(client, home, service):
    response = choose(client, home, answer_details="Left by the gate")
    assert response["Location"] == url("details", home)
    assert give_details(client, home)["Location"] == url("check", home)
    check = client.get(url("check", home)).content.decode()
    assert "Rubbish, Tuesday 2 June 2026" in check and "Left by the gate" in check

    response = send(client, home)

    case = Case.objects.get()
    assert response["Location"] == url("done", home, case.reference)
    assert (case.service, case.channel, case.requester_email) == (service, Channel.WEB, "ada@example.com")
    assert case.answers["bin"] == "refuse" and case.answers["details"] == "Left by the gate"
    done = client.get(response["Location"]).content.decode()
    assert "Missed collection reported" in done and case.reference in done


def test_choosing_nothing_shows_the_error_summary(client, home):
    response = client.post(url("start", home), {})

    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert 'href="#id_stream_0">Select the collection that was missed' in page
    assert "Select an answer" in page  # was the bin out on time
    assert page.count("<title>Error:") == 1


def test_a_collection_that_cannot_be_reported_cannot_be_chosen(client, home):
    choose(client, home, stream="recycling")

    assert client.session.get("waste-missed-report") is None


def test_the_details_must_be_given(client, home):
    choose(client, home)

    page = client.post(url("details", home), {}).content.decode()

    assert "Enter your full name" in page and "Enter your email address" in page


def test_a_signed_in_resident_with_their_details_skips_that_step(client, home):
    user = UserFactory(email="rosa@example.com", full_name="Rosa Resident")
    Customer.objects.create(name="Rosa Resident", email="rosa@example.com", user=user)
    client.force_login(user)

    assert choose(client, home)["Location"] == url("check", home)
    send(client, home)

    case = Case.objects.get()
    assert case.customer.user == user
    assert case.requester_email == "rosa@example.com"


def test_staff_report_for_a_caller_with_the_same_pages_as_a_phone_request(client, home):
    agent = StaffFactory(role=Role.AGENT, email="agent@wexmoor.example")
    client.force_login(agent)

    start = client.get(url("start", home)).content.decode()
    assert "it will be recorded as a phone request" in start
    assert choose(client, home)["Location"] == url("details", home)  # never the agent's own details
    assert "Caller&#x27;s full name" in client.get(url("details", home)).content.decode()
    give_details(client, home, full_name="Colin Caller", email="")  # a caller may have no email
    send(client, home)

    case = Case.objects.get()
    assert (case.channel, case.requester_name, case.requester_email) == (Channel.PHONE, "Colin Caller", "")
    assert case.created_by == agent
    assert case.customer is None or case.customer.user is None


def test_staff_who_cannot_raise_requests_only_see_the_page(client, home):
    client.force_login(StaffFactory(role=Role.AUDITOR))

    assert "your role cannot make reports" in client.get(url("start", home)).content.decode()
    assert choose(client, home).status_code == 403
    assert client.get(url("details", home)).status_code == 403
    assert client.post(url("check", home), {"key": "x"}).status_code == 403
    assert not Case.objects.exists()


def test_a_second_report_from_another_browser_is_merged_into_the_first(client, home, django_user_model):
    choose(client, home)
    give_details(client, home)
    send(client, home)
    first = Case.objects.get()
    client.logout()
    client.cookies.clear()

    start = client.get(url("start", home)).content.decode()
    assert f"Already reported ({first.reference}): we will add your details to that report." in start
    choose(client, home)
    give_details(client, home, full_name="Ben Neighbour", email="ben@example.com")
    response = send(client, home)

    assert Case.objects.count() == 1
    assert response["Location"] == url("done", home, first.reference)
    done = client.get(response["Location"]).content.decode()
    assert "Already reported" in done and "had already been reported" in done
    assert CaseEvent.objects.filter(case=first, kind=EventKind.NOTE, text__contains="ben@example.com").exists()


def test_sending_twice_makes_one_report(client, home):
    choose(client, home)
    give_details(client, home)
    check = client.get(url("check", home))
    key = check.context["key"]

    first = client.post(url("check", home), {"key": key})
    second = client.post(url("check", home), {"key": key})

    assert first["Location"] == second["Location"]
    assert Case.objects.count() == 1
    assert not CaseEvent.objects.filter(kind=EventKind.NOTE).exists()


def test_the_rules_are_checked_again_when_the_report_is_sent(client, home):
    choose(client, home)
    give_details(client, home)
    check = client.get(url("check", home))

    with clock(london(TUESDAY + dt.timedelta(days=3), 9)):
        response = client.post(url("check", home), {"key": check.context["key"]})

    assert response["Location"] == url("start", home)
    assert not Case.objects.exists()


def test_a_confirmation_is_only_for_the_browser_that_made_the_report(client, home):
    choose(client, home)
    give_details(client, home)
    send(client, home)
    reference = MissedCollection.objects.get().case.reference
    client.cookies.clear()

    assert client.get(url("done", home, reference)).status_code == 404


def test_the_confirmation_shows_what_the_crew_recorded(client, home):
    CrewRecord.objects.create(
        round=home.waste_rounds.get(stream=Stream.REFUSE).round,
        date=TUESDAY,
        street=home.street,
        outcome=CrewOutcome.DONE,
        recorded_at=london(TUESDAY, 8, 15),
    )
    choose(client, home)
    give_details(client, home)

    done = client.get(send(client, home)["Location"]).content.decode()

    assert "Our crew recorded the rubbish bins on Alder Road as emptied at 08:15 on Tuesday 2 June." in done


def test_today_while_the_round_is_out_nothing_can_be_chosen(client, home):
    RoundDay.objects.create(round=home.waste_rounds.get(stream=Stream.REFUSE).round, date=TUESDAY)

    with clock(london(TUESDAY, 10)):
        page = client.get(url("start", home)).content.decode()

    assert "Our crew is still out on this round today." in page
    assert "None of the collections at this address can be reported missed at the moment." in page


def test_an_address_with_no_collections_says_so(client, service):
    shop = PropertyFactory(classification="CR08")

    page = client.get(url("start", shop)).content.decode()

    assert "We do not collect household waste from this address" in page


def test_an_unknown_address_is_not_found(client, service):
    assert client.get(reverse("missed:start", args=[999])).status_code == 404


def test_the_page_says_when_the_service_is_not_set_up(client):
    place, _round = home_on_round()

    response = client.get(url("start", place))

    assert response.status_code == 503
    assert "not available" in response.content.decode()


def test_the_link_for_the_bin_days_page_leads_to_the_report(home):
    html = render_to_string("waste/missed/includes/bin_day_actions.html", {"place": home})

    assert f'href="{url("start", home)}"' in html
    assert "Report a missed collection" in html
