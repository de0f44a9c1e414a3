"""Taking a contact: the telephony link, finding and verifying the caller, answering,
giving progress, raising a request with the service's own form, and logging the contact."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from townhall.cases import services as case_services
from townhall.cases.models import Case, Draft
from townhall.catalogue.models import Channel
from townhall.catalogue.tests.factories import KnowledgeArticleFactory, ServiceFactory
from townhall.console.contacts import SESSION_KEY
from townhall.console.tests.conftest import once
from townhall.core.models import AuditEvent
from townhall.customers.models import Contact, Customer, Outcome
from townhall.customers.tests.factories import CustomerFactory
from townhall.gazetteer.models import Property, Street, Ward

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _token(client) -> str:
    (token,) = client.session[SESSION_KEY]
    return token


def _url(name: str, client, *args) -> str:
    return reverse(f"console:{name}", args=[_token(client), *args])


@pytest.fixture
def caller(customer):
    customer.date_of_birth = dt.date(1980, 3, 27)
    customer.save()
    return customer


@pytest.fixture
def agent_client(login):
    return login("agent")


def _start(client, phone: str = "") -> None:
    client.post(reverse("console:contact_start"), {"channel": Channel.PHONE, "phone": phone})


def _verify(client, **answers):
    return client.post(_url("contact_verify", client), answers)


# The telephony link


def test_a_call_from_a_known_number_lands_on_the_callers_contact_page(caller, agent_client):
    response = agent_client.get(reverse("console:contact_start"), {"phone": "+44 7700 900123"})

    assert response.status_code == 302
    assert response.url == _url("contact", agent_client)
    page = agent_client.get(response.url)
    assert page.context["caller"] == caller
    assert page.context["contact"].phone == "+44 7700 900123"
    assert page.context["contact"].channel == Channel.PHONE


def test_a_call_from_a_number_several_customers_share_lists_them(caller, agent_client):
    other = CustomerFactory(name="Ray Resident", phone="07700900123", phone_normalised="07700900123")
    CustomerFactory(name="Merged Away", phone="07700900123", phone_normalised="07700900123", merged_into=other)

    response = agent_client.get(reverse("console:contact_start"), {"phone": "07700 900123"}, follow=True)

    assert response.context["caller"] is None
    assert set(response.context["found"]) == {caller, other}
    assert "Customers with the number 07700 900123" in response.content.decode()


def test_a_call_from_an_unknown_number_starts_a_new_customer_with_the_number(agent_client):
    response = agent_client.get(reverse("console:contact_start"), {"phone": "01632 960001"})

    assert response.url == _url("contact_new_customer", agent_client)
    form = agent_client.get(response.url).context["form"]
    assert form["phone"].value() == "01632 960001"


def test_a_new_customer_made_during_a_contact_becomes_the_caller(agent_client):
    agent_client.get(reverse("console:contact_start"), {"phone": "01632 960001"})

    response = agent_client.post(
        _url("contact_new_customer", agent_client),
        {"kind": "person", "name": "Nia Newcomer", "phone": "01632 960001", "once": once()},
    )

    customer = Customer.objects.get(name="Nia Newcomer")
    assert response.url == _url("contact", agent_client)
    assert agent_client.session[SESSION_KEY][_token(agent_client)]["customer_id"] == customer.pk


def test_a_face_to_face_contact_finds_the_caller_by_search(caller, agent_client):
    agent_client.post(reverse("console:contact_start"), {"channel": Channel.FACE_TO_FACE})

    found = agent_client.get(_url("contact", agent_client), {"q": "rosa@example.com"}).context["found"]
    agent_client.post(_url("contact_caller", agent_client), {"customer": caller.pk})

    assert list(found) == [caller]
    page = agent_client.get(_url("contact", agent_client))
    assert page.context["caller"] == caller
    assert page.context["contact"].channel == Channel.FACE_TO_FACE


def test_opening_the_telephony_link_again_goes_back_to_the_call_in_progress(caller, agent_client):
    link = reverse("console:contact_start")
    first = agent_client.get(link, {"phone": "07700 900123"})
    _verify(agent_client, postcode="WX1 1AA", email="rosa@example.com")

    for _reload in range(2):
        again = agent_client.get(link, {"phone": "+44 7700 900123"})
        assert again.url == first.url

    (state,) = agent_client.session[SESSION_KEY].values()
    assert state["verified"]  # going back did not start over


def test_a_call_from_another_number_is_another_contact(caller, agent_client):
    agent_client.get(reverse("console:contact_start"), {"phone": "07700 900123"})
    agent_client.get(reverse("console:contact_start"), {"phone": "01632 960001"})

    assert len(agent_client.session[SESSION_KEY]) == 2


def test_calls_from_withheld_numbers_are_never_taken_for_each_other(agent_client):
    agent_client.get(reverse("console:contact_start"), {"phone": ""})
    agent_client.get(reverse("console:contact_start"), {"phone": ""})

    assert len(agent_client.session[SESSION_KEY]) == 2


def test_sending_the_start_form_twice_starts_one_contact(caller, agent_client):
    form = {"channel": Channel.FACE_TO_FACE, "phone": "", "once": once()}

    first = agent_client.post(reverse("console:contact_start"), form)
    again = agent_client.post(reverse("console:contact_start"), form)

    assert len(agent_client.session[SESSION_KEY]) == 1
    assert again.status_code == 302 and again.url == first.url == _url("contact", agent_client)


def test_the_start_form_carries_a_one_time_key(agent_client):
    page = agent_client.get(reverse("console:contact_start")).content.decode()

    assert 'name="once"' in page


# Verifying the caller


def test_the_callers_requests_are_hidden_until_they_are_verified(caller, make_case, agent_client):
    case = make_case()
    _start(agent_client, "07700900123")

    before = agent_client.get(_url("contact", agent_client)).content.decode()
    progress = agent_client.get(_url("contact_case", agent_client, case.reference))

    assert "Not verified" in before
    assert case.reference not in before
    assert "Verify the caller to see it" in before
    assert progress.status_code == 302  # back to the contact page, with nothing shown
    assert progress.url == _url("contact", agent_client)


def test_two_matching_answers_verify_the_caller_and_show_their_requests(caller, make_case, agent_client):
    case = make_case()
    _start(agent_client, "07700900123")

    response = _verify(
        agent_client,
        postcode="wx11aa",
        date_of_birth_0="27",
        date_of_birth_1="3",
        date_of_birth_2="1980",
    )

    assert response.status_code == 302
    page = agent_client.get(_url("contact", agent_client)).content.decode()
    assert case.reference in page
    assert "Not verified" not in page
    assert AuditEvent.objects.filter(action="customer.caller_verified", target_id=str(caller.pk)).exists()


def test_answers_that_do_not_match_leave_the_caller_unverified(caller, make_case, agent_client):
    case = make_case()
    _start(agent_client, "07700900123")

    response = _verify(agent_client, postcode="WX9 9ZZ", email="rosa@example.com")

    assert response.status_code == 400
    assert "The details do not match the record" in response.content.decode()
    assert case.reference not in response.content.decode()
    assert not agent_client.session[SESSION_KEY][_token(agent_client)]["verified"]
    assert AuditEvent.objects.filter(action="customer.caller_verification_failed").exists()


def test_the_contact_page_counts_the_requests_it_lists(caller, make_case, agent_client):
    # More than the contact page used to list (20), fewer than every page lists now.
    cases = [make_case() for _ in range(23)]
    _start(agent_client, "07700900123")

    before = agent_client.get(_url("contact", agent_client)).content.decode()
    _verify(agent_client, postcode="WX1 1AA", email="rosa@example.com")
    after = agent_client.get(_url("contact", agent_client)).content.decode()

    assert "They have 23 requests" in before
    assert "23 requests, from every channel" in after
    assert all(case.reference in after for case in cases)


def test_verification_asks_for_two_answers(caller, agent_client):
    _start(agent_client, "07700900123")

    response = _verify(agent_client, postcode="WX1 1AA")

    assert response.status_code == 400
    assert "at least two" in response.content.decode()
    assert not AuditEvent.objects.filter(action__startswith="customer.caller_verif").exists()


def test_choosing_another_caller_forgets_the_verification(caller, agent_client):
    _start(agent_client, "07700900123")
    _verify(agent_client, postcode="WX1 1AA", email="rosa@example.com")
    other = CustomerFactory()

    agent_client.post(_url("contact_caller", agent_client), {"customer": other.pk})

    state = agent_client.session[SESSION_KEY][_token(agent_client)]
    assert state["customer_id"] == other.pk
    assert not state["verified"]


def test_another_member_of_staff_cannot_open_my_contact(caller, agent_client, login):
    _start(agent_client, "07700900123")
    url = _url("contact", agent_client)

    assert login("officer").get(url).status_code == 404


# Answering, progress and raising a request


def test_answering_from_an_article_is_recorded_on_the_contact(caller, agent_client):
    article = KnowledgeArticleFactory(title="When are bins collected?", keywords="bin rubbish")
    KnowledgeArticleFactory(title="Parking permits")
    _start(agent_client, "07700900123")

    found = agent_client.get(_url("contact_articles", agent_client), {"q": "bin"}).context["articles"]
    agent_client.post(_url("contact_article", agent_client, article.pk))

    assert list(found) == [article]
    assert agent_client.session[SESSION_KEY][_token(agent_client)]["article_id"] == article.pk


def test_giving_progress_on_a_verified_callers_case_is_recorded(caller, make_case, agent_client):
    case = make_case()
    _start(agent_client, "07700900123")
    _verify(agent_client, postcode="WX1 1AA", email="rosa@example.com")

    page = agent_client.get(_url("contact_case", agent_client, case.reference))
    agent_client.post(_url("contact_case", agent_client, case.reference))

    assert page.status_code == 200
    assert agent_client.session[SESSION_KEY][_token(agent_client)]["progress_case"] == case.reference


def test_progress_is_only_given_on_the_callers_own_cases(caller, make_case, agent_client):
    someone_elses = make_case(customer=CustomerFactory())
    _start(agent_client, "07700900123")
    _verify(agent_client, postcode="WX1 1AA", email="rosa@example.com")

    assert agent_client.get(_url("contact_case", agent_client, someone_elses.reference)).status_code == 404


def _raise(client, service) -> str:
    """Choose the service; returns the first question's URL."""
    response = client.post(_url("contact_raise", client), {"service": service.pk, "once": once()})
    assert response.status_code == 302, response.content
    return response.url


def test_raising_a_request_by_phone_uses_the_services_own_form(caller, service, agent, agent_client):
    _start(agent_client, "07700900123")
    _verify(agent_client, postcode="WX1 1AA", email="rosa@example.com")

    first = _raise(agent_client, service)
    draft = Draft.objects.get()
    assert (draft.channel, draft.customer, draft.user) == (Channel.PHONE, caller, agent)
    assert first.endswith("/questions/details/")
    second = agent_client.post(first, {"answer": "Drain blocked outside number 4"}).url
    assert second.endswith("/questions/urgent/")
    third = agent_client.post(second, {"answer": "yes"}).url
    assert third.endswith("/questions/danger_details/")  # shown because of the answer before
    check = agent_client.post(third, {"answer": "Water over the pavement"}).url
    assert check == _url("contact_check", agent_client, draft.token)
    summary = agent_client.get(check)
    raised = agent_client.post(check, {"once": once()})

    assert "Water over the pavement" in summary.content.decode()
    case = Case.objects.get()
    assert raised.url == _url("contact_raised", agent_client, case.reference)
    assert case.channel == Channel.PHONE
    assert case.customer == caller
    assert case.created_by == agent
    assert (case.requester_name, case.requester_email) == (caller.name, caller.email)
    assert case.answers == {
        "details": "Drain blocked outside number 4",
        "urgent": "yes",
        "danger_details": "Water over the pavement",
    }
    assert not Draft.objects.exists()


def test_a_wrong_answer_is_shown_on_its_question_and_not_kept(caller, service, agent_client):
    _start(agent_client, "07700900123")
    _raise(agent_client, service)
    draft = Draft.objects.get()
    url = _url("contact_question", agent_client, draft.token, "urgent")

    response = agent_client.post(url, {"answer": "perhaps"})

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    draft.refresh_from_db()
    assert "urgent" not in draft.answers


def test_raising_twice_from_the_same_page_raises_one_request(caller, service, agent_client):
    _start(agent_client, "07700900123")
    url = _raise(agent_client, service)
    url = agent_client.post(url, {"answer": "Blocked"}).url
    check = agent_client.post(url, {"answer": "no"}).url
    key = once()

    first = agent_client.post(check, {"once": key})
    second = agent_client.post(check, {"once": key})

    assert Case.objects.count() == 1
    assert second.url == first.url


def test_the_check_page_sends_back_to_a_question_still_unanswered(caller, service, agent_client):
    _start(agent_client, "07700900123")
    first = _raise(agent_client, service)
    draft = Draft.objects.get()

    response = agent_client.post(_url("contact_check", agent_client, draft.token), {"once": once()})

    assert response.url == first
    assert not Case.objects.exists()


def _place(uprn=100012345) -> Property:
    ward = Ward.objects.create(code="E05000001", name="Ashby Green")
    street = Street.objects.create(usrn=200001, name="Saffron Terrace", town="Wexmoor")
    place = Property(
        uprn=uprn, building_number="4", street=street, postcode="WX1 7DZ", ward=ward, latitude=51.5, longitude=-0.2
    )
    place.refresh_single_line()
    place.save()
    return place


def test_an_address_question_is_answered_by_looking_the_postcode_up(caller, agent_client):
    place = _place()
    service = ServiceFactory(questions=[{"key": "address", "type": "address", "label": "What is the address?"}])
    _start(agent_client, "07700900123")
    url = _raise(agent_client, service)

    looked_up = agent_client.get(url, {"postcode": "wx1 7dz"})
    check = agent_client.post(f"{url}?postcode=WX1+7DZ", {"address": str(place.uprn)}).url
    agent_client.post(check, {"once": once()})

    assert str(place.uprn) in looked_up.content.decode()
    case = Case.objects.get()
    assert case.answers["address"] == {"uprn": place.uprn, "text": place.single_line}
    assert case.address == place


def test_a_location_question_takes_a_point_typed_in(caller, agent_client):
    service = ServiceFactory(questions=[{"key": "where", "type": "location", "label": "Where is it?"}])
    _start(agent_client, "07700900123")
    url = _raise(agent_client, service)

    check = agent_client.post(url, {"place": "", "latitude": "51.5", "longitude": "-0.12"}).url
    agent_client.post(check, {"once": once()})

    case = Case.objects.get()
    assert case.answers["where"] == {"latitude": "51.5", "longitude": "-0.12", "text": "51.5, -0.12"}
    assert float(case.latitude) == 51.5


def test_a_file_question_keeps_the_checked_upload_as_an_attachment(caller, agent_client):
    service = ServiceFactory(questions=[{"key": "photo", "type": "file", "label": "Add a photo"}])
    _start(agent_client, "07700900123")
    url = _raise(agent_client, service)

    refused = agent_client.post(url, {"upload": SimpleUploadedFile("a.png", b"not an image")})
    check = agent_client.post(url, {"upload": SimpleUploadedFile("drain.png", PNG)}).url
    agent_client.post(check, {"once": once()})

    assert refused.status_code == 200
    assert "The selected file must be a" in refused.content.decode()
    attachment = Case.objects.get().attachments.get()
    assert (attachment.original_name, attachment.question_key) == ("drain.png", "photo")


def test_someone_elses_draft_cannot_be_continued(caller, service, agent_client, login):
    _start(agent_client, "07700900123")
    _raise(agent_client, service)
    draft = Draft.objects.get()
    url = _url("contact_question", agent_client, draft.token, "details")

    other = login("officer")
    _start(other)

    assert other.get(url.replace(url.split("/")[3], _token(other))).status_code == 404


# Ending the contact


def _end(client, url: str = "", **fields):
    data = {
        "reason": "Blocked drain",
        "direction": "inbound",
        "outcome": Outcome.CASE_RAISED,
        "resolved_first_contact": "yes",
        "avoidable": "no",
        "notes": "",
        "once": once(),
        **fields,
    }
    return client.post(url or _url("contact_end", client), data)


def test_ending_the_contact_logs_everything_done_on_it(caller, service, agent, agent_client):
    _start(agent_client, "07700900123")
    _verify(agent_client, postcode="WX1 1AA", email="rosa@example.com")
    article = KnowledgeArticleFactory()
    agent_client.post(_url("contact_article", agent_client, article.pk))
    url = agent_client.post(_raise(agent_client, service), {"answer": "Blocked"}).url
    agent_client.post(agent_client.post(url, {"answer": "no"}).url, {"once": once()})
    case = Case.objects.get()
    started = timezone.now()

    form = agent_client.get(_url("contact_end", agent_client)).context["form"]
    response = _end(agent_client, notes="Caller was polite", service=service.pk, avoidable="yes")

    assert form["outcome"].value() == Outcome.CASE_RAISED  # suggested from what was done
    assert form["reason"].value() == service.name
    contact = Contact.objects.get()
    assert response.url == reverse("console:customer", args=[caller.pk])
    assert contact.customer == caller
    assert contact.case == case
    assert contact.article == article
    assert contact.service == service
    assert contact.channel == Channel.PHONE
    assert contact.agent == agent
    assert contact.caller_verified
    assert contact.phone_number == "07700900123"
    assert contact.resolved_first_contact
    assert contact.avoidable
    assert contact.notes == "Caller was polite"
    assert contact.started_at <= started
    assert contact.duration_seconds is not None and contact.duration_seconds >= 0
    assert SESSION_KEY not in agent_client.session or not agent_client.session[SESSION_KEY]


def test_the_log_records_how_long_the_contact_took(caller, agent_client):
    _start(agent_client, "07700900123")
    store = agent_client.session
    state = store[SESSION_KEY][_token(agent_client)]
    state["started_at"] = (timezone.now() - dt.timedelta(minutes=7)).isoformat()
    store.save()

    _end(agent_client, outcome=Outcome.ANSWERED)

    assert 420 <= Contact.objects.get().duration_seconds < 430


def test_an_unverified_or_anonymous_contact_is_logged_as_such(agent_client):
    _start(agent_client)
    agent_client.post(_url("contact_caller", agent_client), {"anonymous": "1"})

    response = _end(agent_client, outcome=Outcome.SIGNPOSTED)

    contact = Contact.objects.get()
    assert contact.customer is None
    assert not contact.caller_verified
    assert response.url == reverse("console:dashboard")


def test_ending_needs_the_outcome_and_logs_nothing_without_it(caller, agent_client):
    _start(agent_client, "07700900123")

    response = _end(agent_client, outcome="", resolved_first_contact="")

    assert response.status_code == 200
    assert "Select the outcome" in response.content.decode()
    assert not Contact.objects.exists()


def test_ending_twice_logs_one_contact(caller, agent_client):
    _start(agent_client, "07700900123")
    end_url = _url("contact_end", agent_client)
    key = once()

    first = _end(agent_client, once=key)
    second = _end(agent_client, once=key, url=end_url)

    assert Contact.objects.count() == 1
    assert second.status_code == 302
    assert second.url == first.url


def test_a_callers_case_shows_what_they_can_see_without_the_officers_reason(caller, make_case, agent_client, officer):
    case = make_case()
    case_services.change_status(case=case, status="in_progress", by=officer, reason="Contractor is slow")
    _start(agent_client, "07700900123")
    _verify(agent_client, postcode="WX1 1AA", email="rosa@example.com")

    page = agent_client.get(_url("contact_case", agent_client, case.reference)).content.decode()

    assert "From “Received” to “In progress”" in page
    assert "Contractor is slow" not in page


def test_a_callers_case_names_a_status_as_staff_do_even_when_the_resident_was_told(
    caller, make_case, agent_client, officer
):
    case = make_case()
    case_services.change_status(case=case, status="awaiting_customer", by=officer, public_text="Send a photo.")
    _start(agent_client, "07700900123")
    _verify(agent_client, postcode="WX1 1AA", email="rosa@example.com")

    page = agent_client.get(_url("contact_case", agent_client, case.reference)).content.decode()

    assert "From “Received” to “Waiting for the resident”" in page
    assert "Send a photo." in page
    assert "Waiting for your reply" not in page
