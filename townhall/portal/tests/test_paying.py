"""Paying at the end of a service's form, with the sandbox provider: success, decline and
try again, a payer who comes back later, double submits and a provider that is down."""

import pytest
from django.urls import reverse

from townhall.cases.models import Case
from townhall.catalogue.models import AWAITING_PAYMENT, FeeKind
from townhall.notifications.models import Notification
from townhall.payments.models import LedgerEntry, Payment, PaymentStatus
from townhall.portal.tests.test_journey import fill_in, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(service):
    service.fee_kind = FeeKind.FIXED
    service.fee_pence = 3550
    service.fund_code = "ENV-DRAINS"
    service.save()
    return service


def pay_on_sandbox(client, payment_page_url, outcome="success"):
    """The payer chooses the outcome on the sandbox card page and is sent back to us."""
    back = client.post(payment_page_url, {"outcome": outcome})
    assert back.status_code == 302
    return client.get(back["Location"])


def test_check_answers_shows_what_it_costs_and_offers_to_pay(client, paid):
    fill_in(client, paid)

    page = client.get(reverse("portal:check", args=[paid.slug])).content.decode()

    assert "Amount to pay" in page and "£35.50" in page
    assert "Accept and pay" in page


def test_submitting_saves_the_request_and_sends_the_payer_to_the_card_page(client, paid):
    draft = fill_in(client, paid)

    response = submit(client, paid, draft)

    case = Case.objects.get()
    payment = Payment.objects.get()
    assert case.status == AWAITING_PAYMENT["key"]
    assert response["Location"] == payment.next_url == reverse("payments:sandbox_page", args=[payment.provider_id])
    assert payment.amount == 3550
    assert not Notification.objects.filter(event="submitted").exists()


def test_a_successful_payment_confirms_the_request_with_a_receipt(client, paid):
    submit(client, paid, fill_in(client, paid))
    payment = Payment.objects.get()

    landed = pay_on_sandbox(client, payment.next_url)

    case = Case.objects.get()
    assert landed["Location"] == reverse("portal:payment", args=[case.reference])
    confirmation = client.get(landed["Location"], follow=True).content.decode()
    assert "Request received" in confirmation and case.reference in confirmation
    assert "Payment received" in confirmation and "£35.50" in confirmation
    assert case.status == paid.initial_state
    assert Notification.objects.filter(event="payment_received", recipient="ada@example.com").exists()


def test_a_declined_card_keeps_the_answers_and_the_payer_can_try_again(client, paid):
    submit(client, paid, fill_in(client, paid))
    first = Payment.objects.get()
    landed = pay_on_sandbox(client, first.next_url, "decline")

    page = client.get(landed["Location"]).content.decode()
    assert "Your payment was not taken" in page and "declined" in page
    retry = client.post(landed["Location"])

    second = Payment.objects.exclude(pk=first.pk).get()
    assert retry["Location"] == second.next_url
    pay_on_sandbox(client, second.next_url)
    assert Case.objects.get().status == paid.initial_state
    assert LedgerEntry.objects.count() == 1


def test_a_double_click_on_pay_makes_one_request_and_one_payment(client, paid):
    draft = fill_in(client, paid)

    first = submit(client, paid, draft)
    second = submit(client, paid, draft)

    assert Case.objects.count() == 1 and Payment.objects.count() == 1
    assert first["Location"] == second["Location"] == Payment.objects.get().next_url


def test_the_amount_comes_from_the_server_whatever_the_browser_sends(client, paid):
    draft = fill_in(client, paid)

    client.post(
        reverse("portal:check", args=[paid.slug]),
        {"submission_key": str(draft.submission_key), "amount": "1", "fee": "1", "price": "0.01"},
    )

    assert Payment.objects.get().amount == 3550


def test_a_payer_who_paid_then_closed_the_browser_finds_the_request_confirmed(client, paid):
    submit(client, paid, fill_in(client, paid))
    payment = Payment.objects.get()
    client.post(payment.next_url, {"outcome": "success"})  # paid, but never came back to us
    case = Case.objects.get()

    response = client.get(reverse("portal:payment", args=[case.reference]))

    assert response["Location"] == reverse("portal:submitted", args=[case.reference])
    assert Payment.objects.get().status == PaymentStatus.SUCCESS
    assert LedgerEntry.objects.count() == 1


def test_a_payer_who_left_the_card_page_unpaid_starts_a_fresh_payment_not_a_second_charge(client, paid):
    submit(client, paid, fill_in(client, paid))
    first = Payment.objects.get()
    client.get(first.next_url)  # opened the card page, then closed the browser
    case = Case.objects.get()

    page = client.get(reverse("portal:payment", args=[case.reference])).content.decode()
    again = client.post(reverse("portal:payment", args=[case.reference]))

    assert "Your payment is not finished" in page
    first.refresh_from_db()
    second = Payment.objects.exclude(pk=first.pk).get()
    assert first.status == PaymentStatus.CANCELLED
    assert again["Location"] == second.next_url
    pay_on_sandbox(client, second.next_url)
    assert LedgerEntry.objects.count() == 1


def test_the_provider_being_down_says_so_and_keeps_the_request(client, paid, settings):
    settings.PAYMENTS_SANDBOX_OUTAGE = True
    draft = fill_in(client, paid)

    response = submit(client, paid, draft)
    page = client.get(response["Location"]).content.decode()

    case = Case.objects.get()
    assert response["Location"] == reverse("portal:payment", args=[case.reference])
    assert "The payment service is not responding" in page
    assert case.status == AWAITING_PAYMENT["key"]
    settings.PAYMENTS_SANDBOX_OUTAGE = False
    assert client.post(response["Location"])["Location"] == Payment.objects.get(status="created").next_url


def test_another_browser_cannot_see_or_pay_someone_elses_request(client, paid, django_user_model):
    from django.test import Client

    submit(client, paid, fill_in(client, paid))
    case = Case.objects.get()

    stranger = Client()
    assert stranger.get(reverse("portal:payment", args=[case.reference])).status_code == 404
    assert stranger.post(reverse("portal:payment", args=[case.reference])).status_code == 404


def test_the_return_url_is_secret_per_payment(client):
    assert client.get(reverse("payments:return", args=["not-a-real-token"])).status_code == 404


def test_a_free_service_still_submits_without_payment(client, service):
    response = submit(client, service, fill_in(client, service))

    case = Case.objects.get()
    assert response["Location"] == reverse("portal:submitted", args=[case.reference])
    assert not Payment.objects.exists()


def _paid_request_of(client, paid, user):
    client.force_login(user)
    submit(client, paid, fill_in(client, paid))
    pay_on_sandbox(client, Payment.objects.latest("id").next_url)
    return Case.objects.latest("id")


def test_my_account_lists_the_residents_payments_with_receipts(client, paid, resident):
    case = _paid_request_of(client, paid, resident)
    payment = Payment.objects.get()

    page = client.get(reverse("portal:my_payments")).content.decode()
    receipt = client.get(reverse("portal:my_receipt", args=[payment.public_id])).content.decode()

    assert case.reference in page and "£35.50" in page
    assert payment.receipt_reference in receipt and paid.name in receipt


def test_a_resident_cannot_see_anothers_payments_or_receipts(client, paid, resident, django_user_model):
    from townhall.accounts.tests.factories import UserFactory

    _paid_request_of(client, paid, resident)
    payment = Payment.objects.get()
    client.force_login(UserFactory())

    assert payment.case.reference not in client.get(reverse("portal:my_payments")).content.decode()
    assert client.get(reverse("portal:my_receipt", args=[payment.public_id])).status_code == 404
    client.logout()
    assert client.get(reverse("portal:my_payments")).status_code == 302


@pytest.mark.parametrize("count", [1, 8])
def test_my_payments_takes_the_same_queries_however_many(client, paid, resident, count, django_assert_num_queries):
    client.force_login(resident)
    for _ in range(count):
        submit(client, paid, fill_in(client, paid))
        pay_on_sandbox(client, Payment.objects.latest("id").next_url)

    with django_assert_num_queries(4):  # session, user, count, the page's payments with their requests
        client.get(reverse("portal:my_payments"))


def test_someone_tracking_a_request_waiting_for_payment_can_pay_for_it(client, paid):
    from django.test import Client

    submit(client, paid, fill_in(client, paid))
    case = Case.objects.get()
    tracker = Client()
    tracker.post(reverse("portal:track"), {"reference": case.reference, "email": "ada@example.com"})

    page = tracker.get(reverse("portal:track")).content.decode()

    assert "waiting for a payment of £35.50" in page and "Pay now" in page
    assert tracker.post(reverse("portal:payment", args=[case.reference]))["Location"].startswith("/payments/sandbox/")
