"""The containers and assisted-collection pages: the resident's steps from the bin-day page,
paying, who may see a request made, and the waste team's pages (who is refused, query
counts, decisions)."""

import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from townhall.cases.models import Case
from townhall.cases.services import Requester
from townhall.catalogue.models import AWAITING_PAYMENT, Channel
from townhall.core.models import AuditEvent
from townhall.payments.models import Payment
from townhall.waste import containers
from townhall.waste.models import (
    AssistedApplication,
    AssistedCollection,
    AssistedDuration,
    AssistedReason,
    Container,
    ContainerReason,
    ContainerRequest,
    Decision,
    DeliveryStatus,
)
from townhall.waste.tests.test_containers_setup import URLS, make_home

pytestmark = [pytest.mark.django_db, URLS]
pytest_plugins = ["townhall.waste.tests.test_containers_setup"]
ROSA = Requester(name="Rosa Resident", email="rosa@example.com")


def text_of(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def services(containers_service, assisted_service):
    return {"containers": containers_service, "assisted": assisted_service}


def choose(client: Client, place, **data):
    return client.post(
        reverse("containers:choose", args=[place.uprn]),
        {"container": "", "reason": "", "quantity": "1"} | data,
    )


DETAILS = {"full_name": "Rosa Resident", "email": "rosa@example.com", "phone": ""}


# The bin-day page


def test_the_bin_day_page_links_to_containers_and_assisted_collections(client: Client, home, services):
    page = client.get(reverse("bins:property", args=[home.uprn]))

    html = page.content.decode()
    assert f'href="/bins/{home.uprn}/containers/"' in html
    assert f'href="/bins/{home.uprn}/assisted/"' in html
    assert "You have an assisted collection" not in html


@pytest.fixture
def assisted_home(services, home, people):
    application = containers.apply_for_assisted_collection(
        service=services["assisted"],
        place=home,
        reason=AssistedReason.AGE,
        bin_location="By the back door",
        duration=AssistedDuration.PERMANENT,
        someone_can_help=False,
        channel=Channel.WEB,
        requester=ROSA,
        by=people["resident"],
    )
    containers.decide_assisted_application(application=application, approve=True, by=people["officer"])
    return home


def test_the_resident_sees_their_assisted_collection_on_their_bin_day_page(client: Client, assisted_home, people):
    client.force_login(people["resident"])

    page = client.get(reverse("bins:property", args=[assisted_home.uprn]))

    assert "You have an assisted collection" in text_of(page)
    assert "By the back door" in text_of(page)


@pytest.mark.parametrize("who", ["anonymous", "other resident", "agent"])
def test_nobody_else_is_shown_that_an_address_has_an_assisted_collection(client: Client, assisted_home, people, who):
    if people[who]:
        client.force_login(people[who])

    page = client.get(reverse("bins:property", args=[assisted_home.uprn]))

    assert "assisted collection" not in text_of(page).replace("Apply for an assisted collection", "")
    assert "By the back door" not in text_of(page)


def test_the_bin_day_page_still_costs_one_query_for_anyone_not_signed_in_once_cached(
    client: Client, assisted_home, django_assert_num_queries
):
    client.get(reverse("bins:property", args=[assisted_home.uprn]))

    with django_assert_num_queries(1):
        client.get(reverse("bins:property", args=[assisted_home.uprn]))


# Asking for containers


def test_the_first_step_shows_the_councils_rules_as_a_table(client: Client, home, services):
    page = client.get(reverse("containers:choose", args=[home.uprn]))

    text = text_of(page)
    assert "What you can ask for and what it costs" in text
    assert "Rubbish bin (wheelie bin) £25 each £25 each Not online Free, if eligible" in text
    assert "Recycling box Free Free 1 free a year, then £5 each Not online" in text


def test_a_resident_orders_a_free_caddy_in_three_steps(client: Client, home, services):
    response = choose(client, home, container="food_caddy", reason="broken", quantity="1")
    assert response.url == reverse("containers:check", args=[home.uprn])

    check = client.get(response.url)
    assert "This is free." in text_of(check)
    assert "Accept and send" in text_of(check)
    done = client.post(response.url, DETAILS)

    made = ContainerRequest.objects.get()
    assert done.url == reverse("containers:request", args=[home.uprn, made.case.reference])
    assert made.delivery_status == DeliveryStatus.TO_DELIVER and made.case.channel == Channel.WEB
    confirmation = client.get(done.url)
    assert "Request received" in text_of(confirmation) and made.case.reference in text_of(confirmation)
    assert "To be delivered" in text_of(confirmation)


def test_a_charged_bin_sends_the_resident_to_the_card_page(client: Client, home, services):
    choose(client, home, container="refuse_bin", reason="lost")
    check = client.get(reverse("containers:check", args=[home.uprn]))
    assert "Rubbish bin delivery: 1 × £25" in text_of(check) and "Accept and pay" in text_of(check)

    response = client.post(reverse("containers:check", args=[home.uprn]), DETAILS)

    payment = Payment.objects.get()
    assert response.url == payment.next_url and "/payments/sandbox/" in response.url
    assert payment.amount == 2500 and payment.case.status == AWAITING_PAYMENT["key"]
    assert payment.after_url == reverse("containers:request", args=[home.uprn, payment.case.reference])
    # Back from the card page without paying: the page to pay again.
    page = client.get(payment.after_url)
    assert "Your payment is not finished" in text_of(page) or "Pay for your request" in text_of(page)


def test_sending_twice_makes_one_request(client: Client, home, services):
    choose(client, home, container="recycling_box", reason="new_home", quantity="2")
    url = reverse("containers:check", args=[home.uprn])
    # Both posts read the same answers: the second is the double click.
    session_choice = dict(client.session[f"waste.containers.{home.uprn}"])
    client.post(url, DETAILS)
    session = client.session
    session[f"waste.containers.{home.uprn}"] = session_choice
    session.save()
    client.post(url, DETAILS)

    assert ContainerRequest.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Select the container you need"),
        ({"container": "refuse_bin", "reason": "extra"}, "You cannot ask for an extra rubbish bin online"),
        ({"container": "recycling_box", "reason": "extra", "quantity": "4"}, "You can ask for up to 3 at a time"),
        ({"container": "refuse_bin", "reason": "broken", "quantity": "two"}, "Enter how many you need as a number"),
    ],
)
def test_the_first_step_says_what_is_wrong(client: Client, home, services, data, message):
    page = choose(client, home, **data)

    assert page.status_code == 200
    assert "There is a problem" in text_of(page) and message in text_of(page)
    assert not Case.objects.exists()


def test_a_larger_bin_asks_who_needs_it_and_refuses_a_small_household(client: Client, home, services):
    response = choose(client, home, container="refuse_bin", reason="larger")
    assert response.url == reverse("containers:eligibility", args=[home.uprn])

    page = client.post(response.url, {"household_size": "3", "medical_need": "no"})

    assert "You cannot have a larger bin" in text_of(page)
    assert "only for households of 6 or more people" in text_of(page)
    assert client.get(reverse("containers:check", args=[home.uprn])).status_code == 200  # can go back and change
    assert not Case.objects.exists()


def test_a_medical_need_needs_its_details(client: Client, home, services):
    choose(client, home, container="refuse_bin", reason="larger")

    page = client.post(
        reverse("containers:eligibility", args=[home.uprn]), {"household_size": "2", "medical_need": "yes"}
    )

    assert "Tell us about the medical need" in text_of(page) and "There is a problem" in text_of(page)


def test_a_larger_bin_for_a_big_household_waits_for_an_officer(client: Client, home, services):
    choose(client, home, container="recycling_bin", reason="larger")
    client.post(reverse("containers:eligibility", args=[home.uprn]), {"household_size": "7", "medical_need": "no"})
    check = client.get(reverse("containers:check", args=[home.uprn]))
    assert "free if an officer approves it" in text_of(check)

    done = client.post(reverse("containers:check", args=[home.uprn]), DETAILS)

    made = ContainerRequest.objects.get()
    assert made.decision == Decision.PENDING and made.household_size == 7
    assert "An officer checks your request for a larger bin" in text_of(client.get(done.url))


def test_the_check_step_without_a_choice_starts_again(client: Client, home, services):
    response = client.get(reverse("containers:check", args=[home.uprn]))

    assert response.url == reverse("containers:choose", args=[home.uprn])


def test_an_address_we_do_not_collect_from_cannot_ask(client: Client, services):
    from townhall.gazetteer.tests.factories import PropertyFactory

    shop = PropertyFactory(classification="CR08")

    page = client.get(reverse("containers:choose", args=[shop.uprn]))

    assert "We do not collect household waste from this address" in text_of(page)


def test_the_pages_are_not_found_without_the_service_or_the_address(client: Client, home):
    assert client.get(reverse("containers:choose", args=[home.uprn])).status_code == 404  # no service
    assert client.get(reverse("containers:assisted", args=[home.uprn])).status_code == 404
    assert client.get(reverse("containers:choose", args=[999])).status_code == 404


def test_an_agent_uses_the_same_pages_on_the_phone(client: Client, home, services, people):
    client.force_login(people["agent"])
    choose(client, home, container="food_caddy", reason="lost")
    check = client.get(reverse("containers:check", args=[home.uprn]))
    assert "The caller's details" in text_of(check)

    client.post(reverse("containers:check", args=[home.uprn]), {"full_name": "Cal Caller", "email": "", "phone": ""})

    case = Case.objects.get()
    assert case.channel == Channel.PHONE and case.created_by == people["agent"]


# Who may see a request made


@pytest.fixture
def charged_request(services, home, people):
    return containers.request_container(
        service=services["containers"],
        place=home,
        container=Container.REFUSE_BIN,
        reason=ContainerReason.BROKEN,
        quantity=1,
        channel=Channel.WEB,
        requester=ROSA,
    )


def test_the_request_page_is_not_found_for_another_browser(client: Client, charged_request):
    url = reverse("containers:request", args=[charged_request.property.uprn, charged_request.case.reference])

    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not Payment.objects.exists()


def test_the_resident_whose_request_it_is_may_pay_for_it_from_another_browser(client: Client, charged_request, people):
    client.force_login(people["resident"])  # Rosa's customer record has her email
    url = reverse("containers:request", args=[charged_request.property.uprn, charged_request.case.reference])

    page = client.get(url)

    assert page.status_code == 200 and "Pay for your request" in text_of(page) and "£25" in text_of(page)


def test_the_request_page_needs_the_right_address(client: Client, charged_request, home):
    session = client.session
    session["waste.requests"] = [charged_request.case.reference]
    session.save()
    other = make_home(building_number="99", street=home.street)

    assert (
        client.get(reverse("containers:request", args=[other.uprn, charged_request.case.reference])).status_code == 404
    )


# Assisted collections: the resident's page


ASSISTED = {
    "reason": "disability",
    "details": "",
    "bin_location": "Side passage",
    "duration": "permanent",
    "someone_can_help": "no",
    **DETAILS,
}


def test_a_resident_applies_for_an_assisted_collection(client: Client, home, services):
    page = client.get(reverse("containers:assisted", args=[home.uprn]))
    key = re.search(r'name="submission_key" value="([^"]+)"', page.content.decode()).group(1)

    response = client.post(reverse("containers:assisted", args=[home.uprn]), ASSISTED | {"submission_key": key})
    again = client.post(reverse("containers:assisted", args=[home.uprn]), ASSISTED | {"submission_key": key})

    application = AssistedApplication.objects.get()
    assert (
        response.url == again.url == reverse("containers:assisted_done", args=[home.uprn, application.case.reference])
    )
    assert application.bin_location == "Side passage" and not application.someone_can_help
    assert "Application received" in text_of(client.get(response.url))


def test_a_second_application_is_told_there_is_one_already(client: Client, home, services):
    client.post(reverse("containers:assisted", args=[home.uprn]), ASSISTED | {"submission_key": str(uuid.uuid4())})

    page = Client().get(reverse("containers:assisted", args=[home.uprn]))

    assert "We already have an assisted collection, or an application for one" in text_of(page)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"duration": "temporary"}, "Enter the date you need help until"),
        ({"duration": "temporary", "until_0": "1", "until_1": "1", "until_2": "2020"}, "must be in the future"),
        ({"bin_location": ""}, "Enter where your bins are kept"),
        ({"reason": ""}, "Select why you cannot put your bins out"),
        ({"email": "rosa"}, "Enter an email address in the correct format"),
    ],
)
def test_the_application_says_what_is_wrong(client: Client, home, services, data, message):
    page = client.post(reverse("containers:assisted", args=[home.uprn]), ASSISTED | data)

    assert "There is a problem" in text_of(page) and message in text_of(page)
    assert not AssistedApplication.objects.exists()


def test_the_application_page_is_not_found_for_another_browser(client: Client, home, services):
    client.post(reverse("containers:assisted", args=[home.uprn]), ASSISTED | {"submission_key": str(uuid.uuid4())})
    application = AssistedApplication.objects.get()

    url = reverse("containers:assisted_done", args=[home.uprn, application.case.reference])
    assert Client().get(url).status_code == 404


# The waste team's pages


def staff_urls(reference: str) -> list[str]:
    return [
        reverse("containers_staff:containers"),
        reverse("containers_staff:container", args=[reference]),
        reverse("containers_staff:assisted"),
    ]


@pytest.fixture
def larger_bin(services, home):
    return containers.request_container(
        service=services["containers"],
        place=home,
        container=Container.REFUSE_BIN,
        reason=ContainerReason.LARGER,
        quantity=1,
        channel=Channel.WEB,
        requester=ROSA,
        household_size=6,
        medical_need=False,
    )


@pytest.mark.parametrize(
    ("who", "status"), [("resident", 403), ("other resident", 403), ("agent", 403), ("auditor", 403)]
)
def test_the_waste_teams_pages_refuse_everyone_else(client: Client, larger_bin, people, who, status):
    client.force_login(people[who])

    for url in staff_urls(larger_bin.case.reference):
        assert client.get(url).status_code == status
    response = client.post(
        reverse("containers_staff:container", args=[larger_bin.case.reference]),
        {"action": "decide", "decision": "approve"},
    )

    assert response.status_code == status
    larger_bin.refresh_from_db()
    assert larger_bin.decision == Decision.PENDING  # nothing changed


def test_the_waste_teams_pages_send_anyone_not_signed_in_to_sign_in(client: Client, larger_bin):
    for url in staff_urls(larger_bin.case.reference):
        response = client.get(url)
        assert response.status_code == 302 and "/account/auth/login/" in response.url


def test_an_officer_of_another_team_sees_none_of_the_waste_teams_requests(client: Client, larger_bin, people):
    client.force_login(people["officer of another team"])

    assert larger_bin.case.reference not in text_of(client.get(reverse("containers_staff:containers")))
    url = reverse("containers_staff:container", args=[larger_bin.case.reference])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "decide", "decision": "approve"}).status_code == 404
    larger_bin.refresh_from_db()
    assert larger_bin.decision == Decision.PENDING


@pytest.mark.parametrize("who", ["officer", "manager", "admin"])
def test_the_waste_team_and_council_admins_see_the_requests_waiting_for_a_decision(
    client: Client, larger_bin, people, who
):
    client.force_login(people[who])

    page = client.get(reverse("containers_staff:containers"))

    assert page.status_code == 200 and larger_bin.case.reference in text_of(page)


def test_the_list_of_requests_takes_a_fixed_number_of_queries(
    client: Client, services, people, django_assert_max_num_queries
):
    for number in range(5):
        place = make_home(building_number=str(number + 20))
        containers.request_container(
            service=services["containers"],
            place=place,
            container=Container.FOOD_CADDY,
            reason=ContainerReason.LOST,
            quantity=1,
            channel=Channel.WEB,
            requester=ROSA,
        )
    client.force_login(people["officer"])
    url = f"{reverse('containers_staff:containers')}?status=to_deliver"
    client.get(url)

    with django_assert_max_num_queries(12) as few:
        page = client.get(url)
    assert text_of(page).count("Food waste caddy") == 5
    for number in range(5, 25):
        containers.request_container(
            service=services["containers"],
            place=make_home(building_number=str(number + 20)),
            container=Container.FOOD_CADDY,
            reason=ContainerReason.LOST,
            quantity=1,
            channel=Channel.WEB,
            requester=ROSA,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_an_officer_approves_a_larger_bin_on_its_page(client: Client, larger_bin, people):
    client.force_login(people["officer"])
    url = reverse("containers_staff:container", args=[larger_bin.case.reference])
    page = client.get(url)
    assert "People living there 6" in text_of(page)

    response = client.post(url, {"action": "decide", "decision": "approve", "reason": ""})

    assert response.status_code == 302
    larger_bin.refresh_from_db()
    assert larger_bin.decision == Decision.APPROVED and larger_bin.delivery_status == DeliveryStatus.TO_DELIVER
    assert AuditEvent.objects.filter(action="waste.container_request_viewed", actor=people["officer"]).exists()


def test_refusing_on_the_page_needs_a_reason(client: Client, larger_bin, people):
    client.force_login(people["officer"])
    url = reverse("containers_staff:container", args=[larger_bin.case.reference])

    page = client.post(url, {"action": "decide", "decision": "refuse", "reason": ""})

    assert "Enter the reason for refusing" in text_of(page)
    larger_bin.refresh_from_db()
    assert larger_bin.decision == Decision.PENDING


def test_an_officer_marks_a_delivery_done(client: Client, services, home, people):
    made = containers.request_container(
        service=services["containers"],
        place=home,
        container=Container.RECYCLING_BOX,
        reason=ContainerReason.BROKEN,
        quantity=2,
        channel=Channel.WEB,
        requester=ROSA,
    )
    client.force_login(people["manager"])

    client.post(reverse("containers_staff:container", args=[made.case.reference]), {"action": "delivered"})

    made.refresh_from_db()
    assert made.delivery_status == DeliveryStatus.DELIVERED and made.case.is_closed


@pytest.fixture
def application(services, home):
    return containers.apply_for_assisted_collection(
        service=services["assisted"],
        place=home,
        reason=AssistedReason.INJURY,
        details="Broken hip",
        bin_location="Front garden",
        duration=AssistedDuration.PERMANENT,
        someone_can_help=False,
        channel=Channel.WEB,
        requester=ROSA,
    )


def test_an_officer_approves_an_assisted_collection_on_its_page(client: Client, application, people):
    client.force_login(people["officer"])
    assert application.case.reference in text_of(client.get(reverse("containers_staff:assisted")))
    url = reverse("containers_staff:application", args=[application.case.reference])
    page = client.get(url)
    assert "Broken hip" in text_of(page)
    assert AuditEvent.objects.filter(action="waste.assisted_application_viewed", actor=people["officer"]).exists()

    client.post(url, {"action": "decide", "decision": "approve", "location_note": "Front garden, by the gate"})

    collection = AssistedCollection.objects.get()
    assert collection.location_note == "Front garden, by the gate"
    running = client.get(f"{reverse('containers_staff:assisted')}?show=current")
    assert "Front garden, by the gate" in text_of(running)

    client.post(url, {"action": "end", "end_reason": "Recovered"})
    collection.refresh_from_db()
    assert not collection.active and collection.ended_reason == "Recovered"


def test_an_officer_refuses_an_assisted_collection_with_a_reason(client: Client, application, people):
    client.force_login(people["officer"])
    url = reverse("containers_staff:application", args=[application.case.reference])

    client.post(url, {"action": "decide", "decision": "refuse", "reason": "Your partner can help."})

    application.refresh_from_db()
    assert application.decision == Decision.REFUSED
    assert not AssistedCollection.objects.exists()


@pytest.mark.parametrize("who", ["resident", "agent", "auditor", "officer of another team"])
def test_the_application_page_refuses_everyone_else(client: Client, application, people, who):
    client.force_login(people[who])
    url = reverse("containers_staff:application", args=[application.case.reference])

    assert client.get(url).status_code in (403, 404)
    assert client.post(url, {"action": "decide", "decision": "approve"}).status_code in (403, 404)
    application.refresh_from_db()
    assert application.decision == Decision.PENDING
    assert not AuditEvent.objects.filter(action="waste.assisted_application_viewed").exists()


def test_the_list_of_applications_takes_a_fixed_number_of_queries(
    client: Client, services, people, django_assert_max_num_queries
):
    def apply_at(number):
        containers.apply_for_assisted_collection(
            service=services["assisted"],
            place=make_home(building_number=str(number + 40)),
            reason=AssistedReason.AGE,
            bin_location="Back door",
            duration=AssistedDuration.PERMANENT,
            someone_can_help=False,
            channel=Channel.WEB,
            requester=ROSA,
        )

    for number in range(3):
        apply_at(number)
    client.force_login(people["officer"])
    url = reverse("containers_staff:assisted")
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for number in range(3, 15):
        apply_at(number)

    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url)
    assert "(15)" in text_of(page)
