"""Customers: search, the 360 view, details, alerts, duplicates and merging."""

import pytest
from django.urls import reverse

from townhall.cases.models import Case
from townhall.cases.selectors import RECENT_CASES
from townhall.console.tests.conftest import once
from townhall.core.models import AuditEvent
from townhall.customers.models import Contact, Customer, CustomerAlert
from townhall.customers.selectors import find_duplicates, search_customers
from townhall.customers.services import merge_customers
from townhall.customers.tests.factories import CustomerFactory
from townhall.gazetteer.models import Property, Street, Ward

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["rosa", "Rosa Resident", "ROSA@example.com", "+44 7700 900123", "wx11aa"])
def test_customers_are_found_by_name_email_phone_or_postcode(typed, customer):
    CustomerFactory(name="Someone Else", email="else@example.com", phone="01632 960001", postcode="WX9 9ZZ")

    assert list(search_customers(typed)) == [customer]


def test_customers_are_found_by_the_reference_of_one_of_their_cases(make_case, customer):
    case = make_case()

    assert list(search_customers(case.reference.lower().replace("-", " "))) == [customer]


def test_merged_records_are_not_found(customer):
    CustomerFactory(name="Rosa Resident", merged_into=customer)

    assert list(search_customers("Rosa")) == [customer]


def test_the_search_page_lists_matches_and_marks_alerts(customer, login):
    CustomerAlert.objects.create(customer=customer, kind="vulnerable")

    response = login("agent").get(reverse("console:customers"), {"q": "rosa"})

    assert list(response.context["page"].object_list) == [customer]
    assert "Alert" in response.content.decode()


@pytest.mark.parametrize("rows", [3, 30])
def test_the_search_takes_the_same_queries_however_many_rows(rows, login, django_assert_max_num_queries):
    CustomerFactory.create_batch(rows, name="Rosa Match")
    client = login("agent")

    with django_assert_max_num_queries(5):  # session, user, the aliases matching, the count, the page
        response = client.get(reverse("console:customers"), {"q": "rosa"})

    assert response.context["page"].paginator.count == rows


def test_duplicates_share_an_email_a_phone_number_or_a_name_and_postcode(customer):
    same_email = CustomerFactory(email="rosa@example.com")
    same_phone = CustomerFactory(phone="+44 7700 900123", phone_normalised="07700900123")
    same_name_and_postcode = CustomerFactory(name="rosa resident", postcode="WX1 1AA")
    CustomerFactory(name="Rosa Resident", postcode="WX9 9ZZ")  # same name elsewhere
    CustomerFactory(email="rosa@example.com", merged_into=same_email)  # already merged

    assert set(find_duplicates(customer)) == {same_email, same_phone, same_name_and_postcode}


def test_records_without_names_are_not_duplicates_for_sharing_a_postcode():
    nameless = CustomerFactory(name="", postcode="WX1 1AA")
    CustomerFactory(name="", postcode="WX1 1AA")

    assert list(find_duplicates(nameless)) == []


def test_the_360_view_shows_alerts_first_then_details_cases_and_contacts(customer, make_case, agent, login):
    CustomerAlert.objects.create(customer=customer, kind="two_officers", text="Dog on site")
    case = make_case()
    Contact.objects.create(customer=customer, channel="phone", reason="Bins", outcome="answered", agent=agent)
    duplicate = CustomerFactory(email=customer.email)

    response = login("officer").get(reverse("console:customer", args=[customer.pk]))

    page = response.content.decode()
    assert page.index("Dog on site") < page.index("Details") < page.index(case.reference) < page.index("Bins")
    assert "Two officers must visit" in page
    assert list(response.context["duplicates"]) == [duplicate]
    assert reverse("console:customer_merge", args=[customer.pk, duplicate.pk]) in page


@pytest.mark.parametrize("rows", [3, 30])
def test_the_360_view_takes_the_same_queries_however_many_rows(
    rows, customer, make_case, agent, login, django_assert_max_num_queries
):
    ward = Ward.objects.create(code="E05000009", name="Ashby Green")
    street = Street.objects.create(usrn=300001, name="Saffron Terrace", town="Wexmoor")
    for number in range(rows):
        make_case()
        Contact.objects.create(customer=customer, channel="phone", reason="Bins", outcome="answered", agent=agent)
        CustomerAlert.objects.create(customer=customer, kind="other", text=f"Alert {number}", set_by=agent)
        place = Property(uprn=500 + number, street=street, postcode="WX1 1AA", ward=ward, latitude=51, longitude=0)
        place.refresh_single_line()
        place.save()
        customer.properties.add(place)
        CustomerFactory(email=customer.email)
    client = login("officer")

    with django_assert_max_num_queries(11):  # 10, and the payments on the cases
        response = client.get(reverse("console:customer", args=[customer.pk]))

    assert response.context["recent_cases"].total == rows


def test_a_merged_record_leads_to_the_one_it_went_into(customer, login):
    middle = CustomerFactory(merged_into=customer)
    oldest = CustomerFactory(merged_into=middle)

    response = login("agent").get(reverse("console:customer", args=[oldest.pk]))

    assert response.status_code == 302
    assert response.url == reverse("console:customer", args=[customer.pk])


def test_creating_a_customer_with_an_address_found_by_postcode(login):
    ward = Ward.objects.create(code="E05000002", name="Ashby Green")
    street = Street.objects.create(usrn=400001, name="Saffron Terrace", town="Wexmoor")
    place = Property(
        uprn=900, building_number="4", street=street, postcode="WX1 7DZ", ward=ward, latitude=51, longitude=0
    )
    place.refresh_single_line()
    place.save()
    client = login("agent")
    details = {"kind": "person", "name": "Nia Newcomer", "email": "Nia@Example.com", "postcode": "wx17dz"}

    looked_up = client.post(reverse("console:customer_new"), {**details, "find_address": "1"})
    assert not Customer.objects.exists()  # finding addresses saves nothing
    saved = client.post(reverse("console:customer_new"), {**details, "address": str(place.uprn), "once": once()})

    assert looked_up.status_code == 200
    assert place.single_line in looked_up.content.decode()
    customer = Customer.objects.get()
    assert saved.url == reverse("console:customer", args=[customer.pk])
    assert (customer.email, customer.address, customer.postcode) == ("nia@example.com", place, "WX1 7DZ")
    assert AuditEvent.objects.filter(action="customer.created", target_id=str(customer.pk)).exists()


def test_a_customer_needs_a_name(login):
    response = login("agent").post(reverse("console:customer_new"), {"kind": "person", "once": once()})

    assert "Enter the customer&#x27;s name" in response.content.decode()
    assert not Customer.objects.exists()


def test_creating_twice_from_the_same_form_makes_one_customer(login):
    client = login("agent")
    data = {"kind": "person", "name": "Nia Newcomer", "once": once()}

    first = client.post(reverse("console:customer_new"), data)
    second = client.post(reverse("console:customer_new"), data)

    assert Customer.objects.count() == 1
    assert second.url == first.url


def test_editing_a_customers_details(customer, login):
    response = login("agent").post(
        reverse("console:customer_edit", args=[customer.pk]),
        {"kind": "person", "name": "Rosa Resident", "phone": "01632 960 001", "postcode": "wx1 1aa", "once": once()},
    )

    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.phone, customer.phone_normalised, customer.email) == ("01632 960 001", "01632960001", "")
    assert AuditEvent.objects.filter(action="customer.updated", target_id=str(customer.pk)).exists()


def test_the_merge_page_lists_what_will_move(customer, make_case, agent, login):
    duplicate = CustomerFactory(email="", date_of_birth="1980-03-27")
    case = make_case(customer=duplicate)
    Contact.objects.create(customer=duplicate, channel="phone", reason="Bins", outcome="answered", agent=agent)

    response = login("officer").get(reverse("console:customer_merge", args=[customer.pk, duplicate.pk]))

    page = response.content.decode()
    assert case.reference in page
    assert response.context["contact_count"] == 1
    assert [str(label) for label, _value in response.context["filled"]] == ["date of birth"]
    assert not Customer.objects.filter(merged_into__isnull=False).exists()


def test_merging_moves_cases_and_contacts_to_the_kept_record(customer, make_case, agent, login):
    duplicate = CustomerFactory()
    case = make_case(customer=duplicate)
    contact = Contact.objects.create(customer=duplicate, channel="phone", reason="x", outcome="answered", agent=agent)
    client = login("officer")
    key = once()

    response = client.post(reverse("console:customer_merge", args=[customer.pk, duplicate.pk]), {"once": key})
    again = client.post(reverse("console:customer_merge", args=[customer.pk, duplicate.pk]), {"once": key})

    assert response.url == again.url == reverse("console:customer", args=[customer.pk])
    assert Case.objects.get(pk=case.pk).customer == customer
    assert Contact.objects.get(pk=contact.pk).customer == customer
    duplicate.refresh_from_db()
    assert duplicate.merged_into == customer


def test_a_merge_the_service_refuses_is_explained_and_changes_nothing(customer, login, people):
    customer.user = people["resident"]
    customer.save()
    duplicate = CustomerFactory(user=people["other_resident"])

    response = login("officer").post(
        reverse("console:customer_merge", args=[customer.pk, duplicate.pk]), {"once": once()}
    )

    assert response.status_code == 400
    assert "Both records have an online account" in response.content.decode()
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


@pytest.mark.parametrize("who", ["officer", "manager", "admin"])
def test_staff_who_manage_alerts_set_and_clear_them(who, customer, login):
    client = login(who)

    client.post(
        reverse("console:customer_alert_new", args=[customer.pk]),
        {"kind": "interpreter", "text": "Speaks Polish", "once": once()},
    )
    alert = customer.alerts.get()
    client.post(reverse("console:customer_alert_clear", args=[customer.pk, alert.pk]), {"once": once()})

    alert.refresh_from_db()
    assert (alert.kind, alert.text) == ("interpreter", "Speaks Polish")
    assert alert.cleared_at is not None
    assert AuditEvent.objects.filter(action="customer.alert_set").exists()
    assert AuditEvent.objects.filter(action="customer.alert_cleared").exists()


def test_an_alert_needs_a_kind(customer, login):
    response = login("officer").post(reverse("console:customer_alert_new", args=[customer.pk]), {"once": once()})

    assert "Select the kind of alert" in response.content.decode()
    assert not customer.alerts.exists()


def test_a_merged_duplicates_details_are_shown_on_the_kept_record_and_find_it(customer, login):
    duplicate = CustomerFactory(name="Rosa Smith", email="r.smith@example.com", phone="07700 900999")
    merge_customers(keep=customer, duplicate=duplicate, by=None)
    client = login("agent")

    page = client.get(reverse("console:customer", args=[customer.pk])).content.decode()
    found = client.get(reverse("console:customers"), {"q": "r.smith@example.com"})

    assert "Also known as" in page and "Rosa Smith" in page
    assert "Other email addresses" in page and "r.smith@example.com" in page
    assert "Other phone numbers" in page and "07700900999" in page
    assert list(found.context["page"].object_list) == [customer]


def test_a_customer_without_a_name_is_shown_as_name_not_given(login):
    nameless = CustomerFactory(name="", email="nameless@example.com")
    client = login("agent")

    record = client.get(reverse("console:customer", args=[nameless.pk])).content.decode()
    found = client.get(reverse("console:customers"), {"q": "nameless@example.com"}).content.decode()

    assert '<h1 class="govuk-heading-l">Name not given</h1>' in record
    assert "Name not given" in found


def test_the_360_view_counts_the_requests_it_lists(customer, make_case, login):
    for _ in range(RECENT_CASES + 2):
        make_case()

    response = login("officer").get(reverse("console:customer", args=[customer.pk]))

    recent = response.context["recent_cases"]
    assert (len(recent.cases), recent.total) == (RECENT_CASES, RECENT_CASES + 2)
    page = response.content.decode()
    assert f"{RECENT_CASES + 2} requests, from every channel" in page
    assert f"Showing the {RECENT_CASES} most recent." in page
