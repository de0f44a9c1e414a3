import datetime as dt

import pytest
from allauth.account.models import EmailAddress

from townhall.accounts.tests.factories import StaffFactory, UserFactory
from townhall.cases.models import Case, WatchReason
from townhall.cases.services import Requester, add_watcher, submit_case
from townhall.catalogue.tests.factories import ServiceFactory
from townhall.core.models import AuditEvent
from townhall.customers import services
from townhall.customers.models import AlertKind, Customer, Outcome
from townhall.customers.receivers import link_verified_account
from townhall.customers.selectors import search_customers
from townhall.customers.services import CustomerError
from townhall.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("written", "normalised"),
    [("07700 900982", "07700900982"), ("+44 7700-900982", "07700900982"), ("(01632) 960 001", "01632960001")],
)
def test_phone_numbers_are_normalised_however_written(written, normalised):
    assert services.normalise_phone(written) == normalised


def test_creating_a_customer_tidies_details_and_audits():
    officer = StaffFactory()

    customer = services.create_customer(
        by=officer, name=" Ada Lovelace ", email="ADA@Example.com", phone="+44 7700 900982", postcode="wx12ab"
    )

    assert customer.name == "Ada Lovelace"
    assert customer.email == "ada@example.com"
    assert customer.phone_normalised == "07700900982"
    assert customer.postcode == "WX1 2AB"
    assert AuditEvent.objects.filter(action="customer.created", actor=officer).exists()


def test_merging_moves_everything_and_fills_blanks():
    officer = StaffFactory()
    service = ServiceFactory()
    keep = CustomerFactory(email="", phone="")
    duplicate = CustomerFactory(email="dup@example.com", phone="07700 900111", date_of_birth=dt.date(1980, 1, 2))
    case = submit_case(service=service, answers={"details": "x", "urgent": "no"}, channel="phone", customer=duplicate)
    contact = services.log_contact(
        by=officer, channel="phone", reason="Bins", outcome=Outcome.ANSWERED, customer=duplicate
    )
    alert = services.set_alert(customer=duplicate, kind=AlertKind.LARGE_PRINT, text="", by=officer)

    merged = services.merge_customers(keep=keep, duplicate=duplicate, by=officer)

    duplicate.refresh_from_db()
    assert duplicate.merged_into == merged
    assert Case.objects.get(pk=case.pk).customer == merged
    assert merged.contacts.get() == contact
    assert merged.alerts.get() == alert
    assert merged.email == "dup@example.com"
    assert merged.date_of_birth == dt.date(1980, 1, 2)
    assert AuditEvent.objects.filter(action="customer.merged").exists()


def test_a_record_cannot_be_merged_twice_or_into_itself():
    officer = StaffFactory()
    keep, duplicate = CustomerFactory(), CustomerFactory()

    with pytest.raises(CustomerError):
        services.merge_customers(keep=keep, duplicate=keep, by=officer)
    services.merge_customers(keep=keep, duplicate=duplicate, by=officer)
    with pytest.raises(CustomerError):
        services.merge_customers(keep=keep, duplicate=duplicate, by=officer)


def test_two_records_with_accounts_are_not_merged():
    officer = StaffFactory()
    keep = CustomerFactory(user=UserFactory())
    duplicate = CustomerFactory(user=UserFactory())

    with pytest.raises(CustomerError):
        services.merge_customers(keep=keep, duplicate=duplicate, by=officer)
    assert not Customer.objects.filter(merged_into__isnull=False).exists()


def test_alerts_are_set_and_cleared_with_audit():
    officer = StaffFactory()
    customer = CustomerFactory()

    alert = services.set_alert(customer=customer, kind=AlertKind.TWO_OFFICERS, text="Dog on site", by=officer)
    services.clear_alert(alert=alert, by=officer)

    alert.refresh_from_db()
    assert not alert.is_active
    assert alert.cleared_by == officer
    assert AuditEvent.objects.filter(action__in=["customer.alert_set", "customer.alert_cleared"]).count() == 2


def test_a_caller_is_verified_by_two_matching_details():
    officer = StaffFactory()
    customer = CustomerFactory(email="ada@example.com", postcode="WX1 2AB", date_of_birth=dt.date(1990, 5, 1))

    assert services.verify_caller(customer=customer, postcode="wx1 2ab", email="ADA@example.com", by=officer)
    assert not services.verify_caller(customer=customer, postcode="WX1 2AB", by=officer)
    assert not services.verify_caller(
        customer=customer, postcode="WX9 9ZZ", date_of_birth=dt.date(1990, 5, 2), by=officer
    )
    assert AuditEvent.objects.filter(action="customer.caller_verification_failed").count() == 2


def test_verifying_an_email_links_the_account_to_the_existing_customer_record():
    customer = CustomerFactory(email="ada@example.com")
    user = UserFactory(email="ada@example.com")
    email = EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)

    link_verified_account(request=None, email_address=email)

    customer.refresh_from_db()
    assert customer.user == user


def test_an_unverified_email_links_nothing():
    customer = CustomerFactory(email="ada@example.com")
    user = UserFactory(email="ada@example.com")
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)

    link_verified_account(request=None, user=user)

    customer.refresh_from_db()
    assert customer.user is None


def test_a_request_with_only_contact_details_finds_the_existing_record():
    existing = CustomerFactory(email="ada@example.com")
    service = ServiceFactory()

    case = submit_case(
        service=service,
        answers={"details": "x", "urgent": "no"},
        channel="web",
        requester=Requester(name="A Lovelace", email="Ada@example.com"),
    )

    assert case.customer == existing
    existing.refresh_from_db()
    assert existing.name != "A Lovelace"  # a web form never rewrites the record


def test_after_a_merge_the_duplicates_email_name_and_phone_still_find_the_kept_record():
    officer = StaffFactory()
    keep = CustomerFactory(name="Rosa Resident", email="rosa@example.com", phone="07700 900123")
    duplicate = CustomerFactory(name="Rosa Smith", email="r.smith@example.com", phone="07700 900456")

    services.merge_customers(keep=keep, duplicate=duplicate, by=officer)

    for typed in ["R.Smith@example.com", "rosa smith", "smith", "07700 900456"]:
        assert list(search_customers(typed)) == [keep], typed
    assert keep.other_details == {"email": ["r.smith@example.com"], "name": ["Rosa Smith"], "phone": ["07700900456"]}


def test_a_merge_keeps_only_details_the_kept_record_is_not_known_by_and_carries_older_aliases():
    officer = StaffFactory()
    keep = CustomerFactory(name="Rosa Resident", email="rosa@example.com", phone="07700 900123")
    first = CustomerFactory(name="ROSA RESIDENT", email="rosa@example.com", phone="07700900123")
    second = CustomerFactory(name="Rosa Smith", email="old@example.com", phone="07700 900123")
    third = CustomerFactory(name="R Smith", email="rosa@example.com", phone="")
    services.merge_customers(keep=second, duplicate=third, by=officer)

    services.merge_customers(keep=keep, duplicate=first, by=officer)
    services.merge_customers(keep=keep, duplicate=second, by=officer)

    keep.refresh_from_db()
    assert keep.other_details == {"email": ["old@example.com"], "name": ["R Smith", "Rosa Smith"]}
    assert list(search_customers("R Smith")) == [keep]


def test_a_merge_gives_a_nameless_record_the_duplicates_name():
    keep = CustomerFactory(name="")

    merged = services.merge_customers(keep=keep, duplicate=CustomerFactory(name="Rosa Resident"), by=StaffFactory())

    assert merged.name == "Rosa Resident"
    assert not merged.aliases.filter(value="Rosa Resident").exists()


def test_the_cases_a_duplicate_follows_move_to_the_kept_record_once_each():
    officer = StaffFactory()
    service = ServiceFactory()
    keep, duplicate = CustomerFactory(), CustomerFactory()
    both, only_theirs = (
        submit_case(service=service, answers={"details": "x", "urgent": "no"}, channel="web") for _ in range(2)
    )
    for case in (both, only_theirs):
        add_watcher(case=case, customer=duplicate, reason=WatchReason.SUPPORTER, by=officer)
    add_watcher(case=both, customer=keep, reason=WatchReason.SUPPORTER, by=officer)

    services.merge_customers(keep=keep, duplicate=duplicate, by=officer)

    assert sorted(keep.watching.values_list("case", flat=True)) == sorted([both.pk, only_theirs.pk])
    assert not duplicate.watching.exists()


def test_an_account_without_a_name_makes_a_record_without_one():
    user = UserFactory(email="nameless@example.com", full_name="")

    customer = services.link_account(user=user)

    assert customer.name == ""
    assert customer.display_name == "Name not given"


def test_a_request_with_an_email_and_no_name_makes_a_record_without_a_name():
    case = submit_case(
        service=ServiceFactory(),
        answers={"details": "x", "urgent": "no"},
        channel="web",
        requester=Requester(email="someone@example.com"),
    )

    assert (case.customer.name, case.customer.email) == ("", "someone@example.com")
