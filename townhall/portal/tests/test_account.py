import pytest
from django.urls import reverse

from townhall.accounts.models import Role
from townhall.accounts.tests.factories import StaffFactory
from townhall.cases.models import CaseEvent, EventKind
from townhall.cases.services import add_note, change_status, send_message
from townhall.catalogue.models import Channel
from townhall.customers.models import Customer
from townhall.customers.services import link_account
from townhall.portal.tests.conftest import make_case

pytestmark = pytest.mark.django_db

ACCOUNT_PAGES = ["portal:account", "portal:my_requests", "portal:profile", "portal:profile_details"]


@pytest.mark.parametrize("url_name", ACCOUNT_PAGES)
def test_account_pages_ask_visitors_to_sign_in(client, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("url_name", ACCOUNT_PAGES)
def test_account_pages_render_for_a_resident(client, resident, url_name):
    client.force_login(resident)

    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1


def test_my_requests_include_a_phone_request_made_in_my_email_once_my_account_is_linked(
    client, service, resident, officer
):
    phone_case = make_case(service, email=resident.email, by=officer, channel=Channel.PHONE)
    client.force_login(resident)
    assert phone_case.reference not in client.get(reverse("portal:my_requests")).content.decode()

    link_account(user=resident)

    page = client.get(reverse("portal:my_requests")).content.decode()
    assert phone_case.reference in page
    assert "Received" in page
    assert client.get(reverse("portal:my_request", args=[phone_case.reference])).status_code == 200


@pytest.mark.parametrize("rows", [3, 30])
def test_my_requests_take_the_same_number_of_queries_however_many(
    client, service, resident, django_assert_max_num_queries, rows
):
    link_account(user=resident)
    for _ in range(rows):
        make_case(service, email=resident.email)
    client.force_login(resident)

    with django_assert_max_num_queries(5):
        response = client.get(reverse("portal:my_requests"))

    assert response.status_code == 200


def test_my_requests_are_paginated(client, service, resident):
    link_account(user=resident)
    cases = [make_case(service, email=resident.email) for _ in range(21)]
    client.force_login(resident)

    first = client.get(reverse("portal:my_requests")).content.decode()
    second = client.get(reverse("portal:my_requests"), {"page": 2}).content.decode()

    assert cases[-1].reference in first and cases[0].reference not in first
    assert cases[0].reference in second
    assert "govuk-pagination" in first


def test_staff_see_only_their_own_requests_in_my_account(client, service, officer):
    make_case(service, email="someone@example.com")
    client.force_login(officer)

    page = client.get(reverse("portal:my_requests")).content.decode()

    assert "You have not made any requests yet" in page


@pytest.fixture
def case(service, resident):
    link_account(user=resident)
    return make_case(service, email=resident.email, answers={"details": "Blocked drain", "urgent": "no"})


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("resident", 200),
        ("other_resident", 404),
        ("staff_without_role", 404),
        ("staff_with_role", 404),
    ],
)
def test_only_the_resident_sees_their_request_or_can_reply_to_it(
    client, case, resident, other_resident, team, who, status
):
    users = {
        "resident": resident,
        "other_resident": other_resident,
        "staff_without_role": StaffFactory(role=Role.AUDITOR),
        # Sees every case in the console; My Account is still only their own.
        "staff_with_role": StaffFactory(role=Role.COUNCIL_ADMIN),
    }
    if who in users:
        client.force_login(users[who])
    url = reverse("portal:my_request", args=[case.reference])

    assert client.get(url).status_code == status
    response = client.post(url, {"text": "Hello"})

    replies = CaseEvent.objects.filter(case=case, kind=EventKind.MESSAGE_IN)
    if who == "resident":
        assert response["Location"] == url
        assert replies.get().actor == resident
    else:
        assert response.status_code == status
        assert not replies.exists()


def test_my_request_shows_the_answers_and_the_public_history(client, case, resident, officer):
    send_message(case=case, text="Can you send a photo?", by=officer)
    add_note(case=case, text="Private officer note", by=officer)
    client.force_login(resident)

    page = client.get(reverse("portal:my_request", args=[case.reference])).content.decode()

    assert "Blocked drain" in page
    assert "Is anyone in danger?" in page
    assert "Can you send a photo?" in page
    assert "Private officer note" not in page


def test_my_account_shows_a_status_change_but_never_the_officers_reason(client, case, resident, officer):
    change_status(case=case, status="in_progress", by=officer, reason="Internal: contractor is slow")
    client.force_login(resident)

    request_page = client.get(reverse("portal:my_request", args=[case.reference])).content.decode()
    requests_page = client.get(reverse("portal:my_requests")).content.decode()

    assert "Status changed to: In progress" in request_page
    assert "contractor is slow" not in request_page
    assert "contractor is slow" not in requests_page


def test_my_account_words_a_status_for_the_resident_even_when_staff_have_their_own_label(
    client, case, resident, officer
):
    # Staff chose "Waiting for the resident" and told the resident why.
    change_status(case=case, status="awaiting_customer", by=officer, reason="Need a photo", public_text="Send a photo.")
    client.force_login(resident)

    request_page = client.get(reverse("portal:my_request", args=[case.reference])).content.decode()
    requests_page = client.get(reverse("portal:my_requests")).content.decode()

    assert "Status changed to: Waiting for your reply" in request_page
    assert "Send a photo." in request_page
    assert "Waiting for your reply" in requests_page
    for page in (request_page, requests_page):
        assert "Waiting for the resident" not in page


def test_a_resident_updates_their_name_and_phone_on_account_and_record(client, resident):
    client.force_login(resident)

    response = client.post(reverse("portal:profile_details"), {"full_name": "Ada Lovelace", "phone": "07700 900123"})

    assert response["Location"] == reverse("portal:profile")
    resident.refresh_from_db()
    assert resident.full_name == "Ada Lovelace"
    customer = Customer.objects.get(user=resident)
    assert (customer.name, customer.phone) == ("Ada Lovelace", "07700 900123")


def test_a_refused_phone_number_changes_nothing(client, resident):
    client.force_login(resident)

    response = client.post(reverse("portal:profile_details"), {"full_name": "Ada Lovelace", "phone": "12"})

    assert "Enter a telephone number" in response.content.decode()
    resident.refresh_from_db()
    assert resident.full_name == "Ada Resident"
    assert not Customer.objects.exists()


def test_a_resident_chooses_their_home_address_from_the_gazetteer(client, resident, homes):
    client.force_login(resident)
    url = reverse("portal:profile_address")

    response = client.post(url, {"postcode": "WX1 2AB"})
    response = client.post(response["Location"], {"address": str(homes[2].uprn)})

    assert response["Location"] == reverse("portal:profile")
    customer = Customer.objects.get(user=resident)
    assert customer.address == homes[2]
    assert customer.postcode == "WX1 2AB"
    assert homes[2].single_line in client.get(reverse("portal:profile")).content.decode()
