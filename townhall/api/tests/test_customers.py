import pytest

from townhall.core.models import AuditEvent
from townhall.customers import services as customer_services
from townhall.customers.models import Contact, Customer, CustomerAlert
from townhall.customers.tests.factories import CustomerFactory
from townhall.gazetteer.tests.factories import PropertyFactory

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [customer["name"] for customer in response.json()["results"]]


def test_customers_are_found_as_the_console_finds_them(api, officer_key, customer, make_case):
    CustomerFactory(name="Ravi Patel", email="ravi@example.com")
    case = make_case()

    assert names(api(officer_key, "get", "/api/v1/customers/?search=rosa")) == ["Rosa Resident"]
    assert names(api(officer_key, "get", "/api/v1/customers/?search=ravi@example.com")) == ["Ravi Patel"]
    assert names(api(officer_key, "get", "/api/v1/customers/?search=07700%20900123")) == ["Rosa Resident"]
    assert names(api(officer_key, "get", f"/api/v1/customers/?search={case.reference}")) == ["Rosa Resident"]
    assert names(api(officer_key, "get", "/api/v1/customers/")) == ["Ravi Patel", "Rosa Resident"]


def test_merged_records_are_left_out_of_the_list_and_point_to_the_one_kept(api, officer_key, customer, officer):
    duplicate = CustomerFactory(name="Rosa Resident", email="")
    customer_services.merge_customers(keep=customer, duplicate=duplicate, by=officer)

    assert api(officer_key, "get", "/api/v1/customers/?search=Rosa").json()["results"][0]["id"] == customer.pk
    assert api(officer_key, "get", f"/api/v1/customers/{duplicate.pk}/").json()["merged_into"] == customer.pk


def test_a_merged_record_takes_no_changes(api, officer_key, customer, officer):
    duplicate = CustomerFactory(name="Rosa R", phone="07700 900999")
    customer_services.merge_customers(keep=customer, duplicate=duplicate, by=officer)
    contacts = Contact.objects.count()

    changed = api(officer_key, "patch", f"/api/v1/customers/{duplicate.pk}/", {"phone": "07700 900111"})
    logged = api(
        officer_key,
        "post",
        f"/api/v1/customers/{duplicate.pk}/contacts/",
        {"channel": "phone", "reason": "x", "outcome": "answered", "resolved_first_contact": True, "avoidable": False},
    )

    assert (changed.status_code, changed.json()["code"]) == (409, "merged")
    assert logged.status_code == 409
    duplicate.refresh_from_db()
    assert (duplicate.phone, Contact.objects.count()) == ("07700 900999", contacts)


def test_the_list_takes_the_same_few_queries_however_long(
    api, officer_key, customer, django_assert_max_num_queries, django_assert_num_queries
):
    CustomerAlert.objects.create(customer=customer, kind="vulnerable")
    api(officer_key, "get", "/api/v1/services/")
    with django_assert_max_num_queries(3) as few:
        api(officer_key, "get", "/api/v1/customers/")
    CustomerFactory.create_batch(30, address=PropertyFactory())

    with django_assert_num_queries(len(few.captured_queries)):
        response = api(officer_key, "get", "/api/v1/customers/")
    assert len(names(response)) == 31
    assert [c["has_alert"] for c in response.json()["results"] if c["id"] == customer.pk] == [True]


def test_a_search_takes_the_same_few_queries_however_many_it_finds(
    api, officer_key, customer, django_assert_max_num_queries, django_assert_num_queries
):
    api(officer_key, "get", "/api/v1/services/")
    with django_assert_max_num_queries(5) as few:
        api(officer_key, "get", "/api/v1/customers/?search=Rosa")
    CustomerFactory.create_batch(30, name="Rosa Other", address=PropertyFactory())

    with django_assert_num_queries(len(few.captured_queries)):
        response = api(officer_key, "get", "/api/v1/customers/?search=Rosa")
    assert len(names(response)) == 31


def test_a_customer_is_added_with_an_address_from_the_gazetteer(api, officer_key, officer):
    home = PropertyFactory(postcode="WX2 3CD")
    body = {"name": " Sam Smith ", "email": "Sam@Example.com", "address_uprn": home.uprn, "address_text": "ignored"}

    response = api(officer_key, "post", "/api/v1/customers/", body)

    assert response.status_code == 201
    sam = Customer.objects.get(pk=response.json()["id"])
    assert (sam.name, sam.email, sam.address, sam.postcode, sam.address_text) == (
        "Sam Smith",
        "sam@example.com",
        home,
        "WX2 3CD",
        "",
    )
    assert response.json()["address"] == {"uprn": home.uprn, "text": home.single_line}
    assert AuditEvent.objects.filter(action="customer.created", actor=officer, target_id=str(sam.pk)).exists()


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({}, "#/name"),
        ({"name": "Sam", "phone": "12345"}, "#/phone"),
        ({"name": "Sam", "address_uprn": 1}, "#/address_uprn"),
        ({"name": "Sam", "email": "sam"}, "#/email"),
    ],
)
def test_a_customer_with_mistakes_is_not_added(body, pointer, api, officer_key):
    response = api(officer_key, "post", "/api/v1/customers/", body)

    assert response.status_code == 400
    assert [error["pointer"] for error in response.json()["errors"]] == [pointer]
    assert not Customer.objects.exists()


def test_only_the_details_sent_change(api, officer_key, customer, officer):
    response = api(officer_key, "patch", f"/api/v1/customers/{customer.pk}/", {"phone": "+44 7700 900456"})

    assert response.status_code == 200
    customer.refresh_from_db()
    assert (customer.name, customer.email, customer.phone, customer.phone_normalised) == (
        "Rosa Resident",
        "rosa@example.com",
        "+44 7700 900456",
        "07700900456",
    )
    change = AuditEvent.objects.get(action="customer.updated")
    assert change.data["changes"] == {"phone": ["07700 900123", "+44 7700 900456"]}


def test_a_contact_is_logged_against_the_customer_and_a_case_they_are_in_touch_about(
    api, officer_key, officer, customer, make_case
):
    case = make_case()
    body = {
        "channel": "phone",
        "reason": "Chasing the blocked drain",
        "outcome": "progress_given",
        "resolved_first_contact": True,
        "avoidable": True,
        "case": case.reference,
        "service": "blocked-drain",
        "duration_seconds": 240,
    }

    response = api(officer_key, "post", f"/api/v1/customers/{customer.pk}/contacts/", body)

    assert response.status_code == 201, response.json()
    contact = Contact.objects.get()
    assert (contact.customer, contact.case, contact.agent, contact.avoidable) == (customer, case, officer, True)
    assert response.json()["agent"]["name"] == "Olu Officer"
    listed = api(officer_key, "get", f"/api/v1/customers/{customer.pk}/contacts/").json()["results"]
    assert [c["reason"] for c in listed] == ["Chasing the blocked drain"]


def test_a_contact_cannot_name_a_case_the_key_may_not_see(api, officer_key, customer, make_case, restricted_service):
    hidden = make_case(on=restricted_service)
    body = {
        "channel": "phone",
        "reason": "About the concern",
        "outcome": "answered",
        "resolved_first_contact": True,
        "avoidable": False,
        "case": hidden.reference,
    }

    response = api(officer_key, "post", f"/api/v1/customers/{customer.pk}/contacts/", body)

    assert response.status_code == 400
    assert response.json()["errors"][0]["pointer"] == "#/case"
    assert not Contact.objects.exists()


def test_the_contacts_take_the_same_few_queries_however_many(
    api, officer_key, officer, customer, make_case, django_assert_max_num_queries, django_assert_num_queries
):
    path = f"/api/v1/customers/{customer.pk}/contacts/"
    api(officer_key, "get", "/api/v1/services/")
    with django_assert_max_num_queries(3) as few:
        api(officer_key, "get", path)
    case = make_case()
    for n in range(10):
        customer_services.log_contact(
            by=officer, channel="phone", reason=f"Call {n}", outcome="answered", customer=customer, case=case
        )

    with django_assert_num_queries(len(few.captured_queries)):
        assert len(api(officer_key, "get", path).json()["results"]) == 10
