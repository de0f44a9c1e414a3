"""The case page's payments panel: a card payment taken on the phone (MOTO), a counter
payment, refunds, and who may do each."""

import pytest
from django.urls import reverse

from townhall.catalogue.models import AWAITING_PAYMENT, Channel, FeeKind
from townhall.console.tests.conftest import once
from townhall.payments import services as payments
from townhall.payments.models import LedgerEntry, Method, Payment, Refund
from townhall.payments.providers.sandbox import SandboxProvider

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_case(service, make_case):
    service.fee_kind = FeeKind.FIXED
    service.fee_pence = 6500
    service.fund_code = "ENV-PEST"
    service.save()
    return make_case(channel=Channel.PHONE)


def _pay(case):
    payment = payments.start_payment(
        case=case, channel=Channel.WEB, by=None, return_url_for=lambda t: f"http://testserver/{t}/", after_url="/"
    )
    SandboxProvider().complete(payment.provider_id, "success")
    return payments.refresh_payment(payment)


def _case_url(case):
    return reverse("console:case", args=[case.reference])


def test_the_case_page_shows_what_is_owed_and_how_to_take_it(paid_case, login):
    page = login("agent").get(_case_url(paid_case)).content.decode()

    assert "Awaiting payment" in page
    assert "Still to pay" in page and "£65" in page
    assert "Take £65 by card on the phone" in page
    assert "Record a payment taken at the counter" in page


def test_an_agent_takes_a_card_payment_on_the_phone_on_the_providers_page(paid_case, login, agent):
    client = login("agent")

    response = client.post(reverse("console:take_card_payment", args=[paid_case.reference]))

    payment = Payment.objects.get()
    assert response["Location"] == payment.next_url
    assert payment.moto and payment.method == Method.CARD_PHONE and payment.taken_by == agent
    back = client.post(payment.next_url, {"outcome": "success"})
    landed = client.get(back["Location"])
    assert landed["Location"] == _case_url(paid_case) + "#payments"
    paid_case.refresh_from_db()
    assert paid_case.status == paid_case.service.initial_state
    page = client.get(_case_url(paid_case)).content.decode()
    assert "Paid" in page and "Card, by phone" in page


def test_a_counter_payment_is_recorded_once_however_often_the_form_is_sent(paid_case, login):
    client = login("agent")
    data = {"counter-method": "cash", "counter-receipt_number": "T-17", "once": once()}

    first = client.post(reverse("console:record_counter_payment", args=[paid_case.reference]), data)
    second = client.post(reverse("console:record_counter_payment", args=[paid_case.reference]), data)

    assert first.status_code == second.status_code == 302
    payment = Payment.objects.get()
    assert (payment.method, payment.amount, payment.receipt_number) == ("cash", 6500, "T-17")
    assert LedgerEntry.objects.count() == 1


def test_a_counter_payment_without_a_method_is_refused_next_to_the_field(paid_case, login):
    response = login("agent").post(
        reverse("console:record_counter_payment", args=[paid_case.reference]), {"once": once()}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page and "Choose how the payment was made" in page
    assert not Payment.objects.exists()


def test_a_manager_refunds_part_of_a_payment_with_a_reason(paid_case, login, django_capture_on_commit_callbacks):
    payment = _pay(paid_case)
    url = reverse("console:refund", args=[paid_case.reference, payment.public_id])
    prefix = f"refund-{payment.public_id.hex[:8]}"

    with django_capture_on_commit_callbacks(execute=True):
        response = login("manager").post(
            url, {f"{prefix}-amount": "15.00", f"{prefix}-reason": "Only one visit needed", "once": once()}
        )

    assert response.status_code == 302
    refund = Refund.objects.get()
    assert (refund.amount, refund.status) == (1500, "success")
    assert LedgerEntry.objects.filter(kind="refund").get().amount == -1500


def test_a_refund_of_more_than_is_left_is_refused_next_to_the_amount(paid_case, login):
    payment = _pay(paid_case)
    prefix = f"refund-{payment.public_id.hex[:8]}"

    response = login("manager").post(
        reverse("console:refund", args=[paid_case.reference, payment.public_id]),
        {f"{prefix}-amount": "70", f"{prefix}-reason": "Too much", "once": once()},
    )

    assert response.status_code == 400
    assert "at most £65" in response.content.decode()
    assert not Refund.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 302), ("resident", 403), ("agent", 403), ("officer", 403), ("auditor", 403)]
)
def test_only_managers_and_admins_may_refund(paid_case, login, who, status):
    payment = _pay(paid_case)
    prefix = f"refund-{payment.public_id.hex[:8]}"

    response = login(who).post(
        reverse("console:refund", args=[paid_case.reference, payment.public_id]),
        {f"{prefix}-amount": "65", f"{prefix}-reason": "Cancelled", "once": once()},
    )

    assert response.status_code == status
    assert not Refund.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("resident", 403), ("auditor", 403)])
def test_payments_cannot_be_taken_by_those_who_do_not_work_cases(paid_case, login, who, status):
    client = login(who)

    card = client.post(reverse("console:take_card_payment", args=[paid_case.reference]))
    counter = client.post(
        reverse("console:record_counter_payment", args=[paid_case.reference]),
        {"counter-method": "cash", "once": once()},
    )

    assert card.status_code == counter.status_code == status
    assert not Payment.objects.exists()
    paid_case.refresh_from_db()
    assert paid_case.status == AWAITING_PAYMENT["key"]


def test_the_refund_form_is_shown_only_to_those_who_may_refund(paid_case, login):
    _pay(paid_case)

    for_agent = login("agent").get(_case_url(paid_case)).content.decode()
    for_manager = login("manager").get(_case_url(paid_case)).content.decode()

    assert "Refund the payment" not in for_agent
    assert "Refund the payment" in for_manager


@pytest.mark.parametrize("attempts", [1, 6])
def test_the_payments_panel_takes_the_same_queries_however_many_attempts(
    paid_case, login, attempts, django_assert_num_queries
):
    for _ in range(attempts - 1):
        payment = payments.start_payment(
            case=paid_case, channel=Channel.WEB, by=None, return_url_for=lambda t: f"http://x/{t}/", after_url="/"
        )
        SandboxProvider().complete(payment.provider_id, "decline")
        payments.refresh_payment(payment)
    _pay(paid_case)
    client = login("manager")

    with django_assert_num_queries(11):  # the case page's, and the payments with their refunds
        assert client.get(_case_url(paid_case)).status_code == 200


def test_a_card_payment_returns_to_the_contact_that_asked_but_never_off_site(paid_case, login):
    client = login("agent")
    url = reverse("console:take_card_payment", args=[paid_case.reference])

    client.post(url, {"after": "/staff/contacts/abc/raised/X/"})
    assert Payment.objects.get().after_url == "/staff/contacts/abc/raised/X/"
    Payment.objects.update(status="failed")
    client.post(url, {"after": "https://evil.example/steal"})
    assert Payment.objects.get(status="created").after_url == _case_url(paid_case) + "#payments"


def test_a_request_waiting_for_payment_is_not_in_the_teams_open_work(paid_case, officer, login):
    from townhall.cases.services import submit_case
    from townhall.console.selectors import team_counts

    free = submit_case(service=paid_case.service, answers=paid_case.answers, channel=Channel.PHONE, fee=0)
    client = login("officer")

    open_queue = client.get(reverse("console:queue")).content.decode()
    waiting = client.get(reverse("console:queue") + "?state=awaiting_payment").content.decode()

    assert paid_case.reference not in open_queue and free.reference in open_queue
    assert paid_case.reference in waiting and free.reference not in waiting
    (team,) = team_counts(officer)
    assert (team.open_count, team.unassigned_count) == (1, 1)


def test_the_customer_360_view_shows_their_payments(paid_case, login, customer):
    _pay(paid_case)

    page = login("agent").get(reverse("console:customer", args=[customer.pk])).content.decode()

    assert "Payments" in page and paid_case.reference in page and "£65" in page


def test_staff_cancel_an_unpaid_request_with_a_reason(paid_case, login):
    url = reverse("console:cancel_unpaid", args=[paid_case.reference])

    refused = login("agent").post(url, {"once": once()})
    done = login("agent").post(url, {"cancel-reason": "Caller no longer needs it", "once": once()})

    assert refused.status_code == 400 and "Enter why the request is being cancelled" in refused.content.decode()
    assert done.status_code == 302
    paid_case.refresh_from_db()
    assert paid_case.is_closed
