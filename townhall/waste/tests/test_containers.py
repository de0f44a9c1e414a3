"""Container requests: every one of the council's rules (a free extra box, charged wheelie
bins, the larger bin's eligibility and approval, quantities), the price for any channel,
and the payment path (charged, awaiting payment, paid, then a delivery job)."""

import datetime as dt

import pytest
from django.db import IntegrityError
from django.utils import timezone

from townhall.cases.models import Case, EventKind
from townhall.cases.services import Requester
from townhall.catalogue.fees import price_for
from townhall.catalogue.models import AWAITING_PAYMENT, Channel
from townhall.core.models import AuditEvent, OutboxMessage
from townhall.payments import services as payments
from townhall.payments.providers.sandbox import SandboxProvider
from townhall.waste import containers
from townhall.waste.containers import ContainerError
from townhall.waste.models import (
    Container,
    ContainerKind,
    ContainerReason,
    ContainerRequest,
    ContainerRule,
    Decision,
    DeliveryStatus,
)
from townhall.waste.tests.test_containers_setup import make_home

pytestmark = pytest.mark.django_db
# The shared fixtures: the services made from their specs, a home, people.
pytest_plugins = ["townhall.waste.tests.test_containers_setup"]
ROSA = Requester(name="Rosa Resident", email="rosa@example.com")


def ask(service, place, container, reason, quantity=1, **extra) -> ContainerRequest:
    return containers.request_container(
        service=service,
        place=place,
        container=container,
        reason=reason,
        quantity=quantity,
        channel=Channel.WEB,
        requester=ROSA,
        **extra,
    )


def jobs() -> list[dict]:
    return [m.payload for m in OutboxMessage.objects.filter(topic="waste_event").order_by("id")]


# Free, charged and first-extra-free


def test_an_extra_recycling_box_is_free_the_first_time_in_a_year(containers_service, home):
    made = ask(containers_service, home, Container.RECYCLING_BOX, ContainerReason.EXTRA)

    assert made.price_pence == 0 and made.charged_quantity == 0
    assert made.case.fee == 0 and made.case.status == "submitted"
    assert made.kind == ContainerKind.ADDITIONAL
    assert made.delivery_status == DeliveryStatus.TO_DELIVER


def test_a_second_extra_box_in_the_same_year_is_charged(containers_service, home):
    ask(containers_service, home, Container.RECYCLING_BOX, ContainerReason.EXTRA)

    second = ask(containers_service, home, Container.RECYCLING_BOX, ContainerReason.EXTRA)

    assert second.price_pence == 500 and second.charged_quantity == 1
    assert second.case.status == AWAITING_PAYMENT["key"]
    assert second.delivery_status == DeliveryStatus.AWAITING_PAYMENT


def test_two_extra_boxes_at_once_are_one_free_and_one_charged(containers_service, home):
    quote = containers.quote(place=home, container=Container.RECYCLING_BOX, reason=ContainerReason.EXTRA, quantity=2)

    assert (quote.free_quantity, quote.charged_quantity, quote.price.amount) == (1, 1, 500)
    assert quote.price.lines[0].label == "Recycling box delivery: 1 × £5"


def test_the_free_extra_box_comes_round_again_after_a_year(containers_service, home):
    first = ask(containers_service, home, Container.RECYCLING_BOX, ContainerReason.EXTRA)
    ContainerRequest.objects.filter(pk=first.pk).update(created_at=timezone.now() - dt.timedelta(days=366))

    assert ask(containers_service, home, Container.RECYCLING_BOX, ContainerReason.EXTRA).price_pence == 0


def test_the_free_allowance_is_per_property(containers_service, home):
    ask(containers_service, home, Container.RECYCLING_BOX, ContainerReason.EXTRA)
    neighbour = make_home(building_number="14", street=home.street)

    assert ask(containers_service, neighbour, Container.RECYCLING_BOX, ContainerReason.EXTRA).price_pence == 0


def test_a_request_never_paid_for_does_not_use_up_the_free_allowance(containers_service, home):
    ask(containers_service, home, Container.RECYCLING_BOX, ContainerReason.EXTRA)
    unpaid = ask(containers_service, home, Container.RECYCLING_BOX, ContainerReason.EXTRA, quantity=2)
    payments.cancel_unpaid_request(case=unpaid.case, reason="Not paid within 14 days.")

    # The first box was free; the unpaid request's boxes never came: one more is still charged.
    quote = containers.quote(place=home, container=Container.RECYCLING_BOX, reason=ContainerReason.EXTRA, quantity=1)
    assert quote.price.amount == 500


@pytest.mark.parametrize(
    ("container", "reason"),
    [
        (Container.REFUSE_BIN, ContainerReason.BROKEN),
        (Container.REFUSE_BIN, ContainerReason.LOST),
        (Container.REFUSE_BIN, ContainerReason.NEW_HOME),
        (Container.RECYCLING_BIN, ContainerReason.BROKEN),
        (Container.RECYCLING_BIN, ContainerReason.EXTRA),
    ],
)
def test_a_wheelie_bin_costs_25_pounds_to_deliver(containers_service, home, container, reason):
    made = ask(containers_service, home, container, reason)

    assert made.price_pence == 2500 and made.case.fee == 2500
    assert made.case.status == AWAITING_PAYMENT["key"]


@pytest.mark.parametrize(
    ("container", "reason", "quantity"),
    [
        (Container.RECYCLING_BOX, ContainerReason.BROKEN, 3),
        (Container.RECYCLING_BOX, ContainerReason.NEW_HOME, 2),
        (Container.FOOD_CADDY, ContainerReason.LOST, 2),
        (Container.FOOD_CADDY, ContainerReason.NEW_HOME, 1),
    ],
)
def test_boxes_and_caddies_are_free_and_go_straight_to_delivery(containers_service, home, container, reason, quantity):
    made = ask(containers_service, home, container, reason, quantity=quantity)

    assert made.price_pence == 0 and made.quantity == quantity
    assert made.delivery_status == DeliveryStatus.TO_DELIVER
    assert made.case.team.slug == "waste" and made.case.status == "submitted"
    [job] = jobs()
    assert job["topic"] == "container_job.created" and job["case_reference"] == made.case.reference
    assert job["data"]["container"] == container and job["data"]["quantity"] == quantity
    assert job["data"]["uprn"] == home.uprn


# Quantities and what is not offered


@pytest.mark.parametrize(
    ("container", "reason", "quantity", "message"),
    [
        (Container.RECYCLING_BOX, ContainerReason.EXTRA, 4, "You can ask for up to 3 at a time."),
        (Container.FOOD_CADDY, ContainerReason.BROKEN, 3, "You can ask for up to 2 at a time."),
        (Container.REFUSE_BIN, ContainerReason.BROKEN, 2, "You can ask for 1 at a time."),
        (Container.RECYCLING_BOX, ContainerReason.BROKEN, 0, "Enter how many you need, 1 or more."),
    ],
)
def test_refuses_more_than_the_rules_allow_in_one_request(
    containers_service, home, container, reason, quantity, message
):
    with pytest.raises(ContainerError, match=message):
        ask(containers_service, home, container, reason, quantity=quantity)

    assert not Case.objects.exists() and not ContainerRequest.objects.exists()


@pytest.mark.parametrize(
    ("container", "reason", "what"),
    [
        (Container.REFUSE_BIN, ContainerReason.EXTRA, "an extra rubbish bin"),
        (Container.FOOD_CADDY, ContainerReason.LARGER, "a larger food waste caddy"),
        (Container.RECYCLING_BOX, ContainerReason.LARGER, "a larger recycling box"),
    ],
)
def test_refuses_what_the_council_does_not_offer_online(containers_service, home, container, reason, what):
    with pytest.raises(ContainerError, match=f"You cannot ask for {what} online"):
        ask(containers_service, home, container, reason)

    assert not Case.objects.exists()


def test_the_councils_own_rule_replaces_the_default(containers_service, home):
    ContainerRule.objects.create(
        container=Container.RECYCLING_BOX,
        kind=ContainerKind.ADDITIONAL,
        price_pence=300,
        free_per_year=2,
        max_quantity=5,
    )

    quote = containers.quote(place=home, container=Container.RECYCLING_BOX, reason=ContainerReason.EXTRA, quantity=5)

    assert (quote.free_quantity, quote.price.amount) == (2, 900)


def test_the_council_can_stop_offering_a_container_online(containers_service, home):
    ContainerRule.objects.create(container=Container.FOOD_CADDY, kind=ContainerKind.REPLACEMENT, offered=False)

    with pytest.raises(ContainerError, match="You cannot ask for a replacement food waste caddy online"):
        ask(containers_service, home, Container.FOOD_CADDY, ContainerReason.BROKEN)


def test_a_rule_that_needs_an_officers_approval_cannot_charge():
    with pytest.raises(IntegrityError):
        ContainerRule.objects.create(
            container=Container.REFUSE_BIN, kind=ContainerKind.LARGER, needs_approval=True, price_pence=2500
        )


# The larger bin's eligibility


def test_a_larger_bin_needs_the_households_answers(containers_service, home):
    with pytest.raises(ContainerError, match="Tell us how many people live at the address"):
        ask(containers_service, home, Container.REFUSE_BIN, ContainerReason.LARGER, medical_need=True)


@pytest.mark.parametrize(("household", "medical"), [(1, False), (5, False)])
def test_refuses_a_larger_bin_to_a_household_under_six_without_a_medical_need(
    containers_service, home, household, medical
):
    with pytest.raises(ContainerError, match="A larger bin is only for households of 6 or more people"):
        ask(
            containers_service,
            home,
            Container.REFUSE_BIN,
            ContainerReason.LARGER,
            household_size=household,
            medical_need=medical,
        )

    assert not Case.objects.exists()


def test_a_larger_bin_for_a_household_of_six_waits_for_an_officer(containers_service, home):
    made = ask(
        containers_service, home, Container.REFUSE_BIN, ContainerReason.LARGER, household_size=6, medical_need=False
    )

    assert made.decision == Decision.PENDING and made.delivery_status == DeliveryStatus.AWAITING_APPROVAL
    assert made.price_pence == 0 and made.case.status == "submitted"  # in the waste team's queue
    assert made.case.answers["household_size"] == "6" and made.case.answers["medical_need"] == "no"
    assert jobs() == []  # no delivery until approved


def test_a_medical_need_makes_a_small_household_eligible(containers_service, home):
    made = ask(
        containers_service,
        home,
        Container.RECYCLING_BIN,
        ContainerReason.LARGER,
        household_size=2,
        medical_need=True,
        medical_details="Home dialysis",
    )

    assert made.decision == Decision.PENDING
    assert made.medical_need is True and made.medical_details == "Home dialysis"
    assert made.case.answers["medical_details"] == "Home dialysis"


def test_the_household_size_that_qualifies_is_a_setting(containers_service, home, settings):
    settings.WASTE_LARGER_BIN_HOUSEHOLD = 4

    made = ask(
        containers_service, home, Container.REFUSE_BIN, ContainerReason.LARGER, household_size=4, medical_need=False
    )

    assert made.decision == Decision.PENDING


@pytest.fixture
def larger_bin(containers_service, home):
    return ask(
        containers_service, home, Container.REFUSE_BIN, ContainerReason.LARGER, household_size=7, medical_need=False
    )


def test_an_officer_approves_a_larger_bin_and_it_becomes_a_delivery_job(larger_bin, people):
    officer = people["officer"]

    made = containers.decide_container_request(container_request=larger_bin, approve=True, by=officer)

    assert made.decision == Decision.APPROVED and made.decided_by == officer
    assert made.delivery_status == DeliveryStatus.TO_DELIVER
    [job] = jobs()
    assert job["topic"] == "container_job.created" and job["data"]["kind"] == "larger"
    case = Case.objects.get()
    assert not case.is_closed
    assert case.events.filter(kind=EventKind.PUBLIC_UPDATE, text__contains="approved").exists()
    assert AuditEvent.objects.filter(action="waste.container_approved", actor=officer).exists()


def test_an_officer_refuses_a_larger_bin_and_the_resident_is_told_why(larger_bin, people):
    made = containers.decide_container_request(
        container_request=larger_bin, approve=False, reason="Five people live there.", by=people["officer"]
    )

    assert made.decision == Decision.REFUSED and made.delivery_status == DeliveryStatus.CANCELLED
    case = Case.objects.get()
    assert case.is_closed and case.status == "resolved"
    update = case.events.get(kind=EventKind.PUBLIC_UPDATE)
    assert update.text == "We cannot give you a larger rubbish bin. Five people live there."
    assert jobs() == []


def test_refusing_needs_a_reason_and_a_request_is_decided_once(larger_bin, people):
    with pytest.raises(ContainerError, match="Enter the reason"):
        containers.decide_container_request(
            container_request=larger_bin, approve=False, reason=" ", by=people["officer"]
        )
    larger_bin.refresh_from_db()
    assert larger_bin.decision == Decision.PENDING

    containers.decide_container_request(container_request=larger_bin, approve=True, by=people["officer"])
    with pytest.raises(ContainerError, match="decided already"):
        containers.decide_container_request(
            container_request=larger_bin, approve=False, reason="No", by=people["manager"]
        )


# Paying


def pay_by_card(case: Case) -> None:
    payment = payments.start_payment(
        case=case, channel=Channel.WEB, by=None, return_url_for=lambda token: f"https://x/{token}", after_url="/"
    )
    SandboxProvider().complete(payment.provider_id, "success")
    payments.refresh_payment(payment)


def test_a_charged_bin_waits_for_payment_then_becomes_a_delivery_job_once_paid(containers_service, home):
    made = ask(containers_service, home, Container.REFUSE_BIN, ContainerReason.BROKEN)
    assert made.case.status == AWAITING_PAYMENT["key"]
    assert made.delivery_status == DeliveryStatus.AWAITING_PAYMENT
    assert jobs() == []  # no job for a bin nobody has paid for

    pay_by_card(made.case)

    made.refresh_from_db()
    made.case.refresh_from_db()
    assert made.case.status == "submitted" and made.case.due_date is not None
    assert made.delivery_status == DeliveryStatus.TO_DELIVER
    [job] = jobs()
    assert job["topic"] == "container_job.created" and job["data"]["paid_pence"] == 2500
    assert AuditEvent.objects.filter(action="waste.container_paid").count() == 1


def test_a_payment_recorded_again_makes_no_second_job(containers_service, home):
    made = ask(containers_service, home, Container.REFUSE_BIN, ContainerReason.BROKEN)
    pay_by_card(made.case)

    payments.refresh_payment(made.case.payments.get())

    assert len(jobs()) == 1


def test_a_paid_case_of_another_service_is_left_alone(home):
    from townhall.payments.tests.factories import awaiting_case

    pay_by_card(awaiting_case())

    assert not ContainerRequest.objects.exists()
    assert jobs() == []


# Delivery, idempotency, the price for any channel


def test_marking_delivered_closes_the_job_and_tells_the_resident(containers_service, home, people):
    made = ask(containers_service, home, Container.FOOD_CADDY, ContainerReason.BROKEN)

    containers.record_delivery(container_request=made, by=people["officer"])

    made.refresh_from_db()
    assert made.delivery_status == DeliveryStatus.DELIVERED and made.delivered_by == people["officer"]
    case = Case.objects.get()
    assert case.is_closed and case.status == "resolved"
    assert case.events.get(kind=EventKind.PUBLIC_UPDATE).text.startswith("We delivered your food waste caddy on ")
    with pytest.raises(ContainerError, match="Only a request waiting for delivery"):
        containers.record_delivery(container_request=made, by=people["officer"])


def test_a_request_waiting_for_payment_cannot_be_marked_delivered(containers_service, home, people):
    made = ask(containers_service, home, Container.REFUSE_BIN, ContainerReason.BROKEN)

    with pytest.raises(ContainerError):
        containers.record_delivery(container_request=made, by=people["officer"])


def test_the_same_submission_key_gives_the_same_request(containers_service, home):
    import uuid

    key = uuid.uuid4()
    first = ask(containers_service, home, Container.FOOD_CADDY, ContainerReason.BROKEN, submission_key=key)
    again = ask(containers_service, home, Container.FOOD_CADDY, ContainerReason.BROKEN, submission_key=key)

    assert first.pk == again.pk
    assert ContainerRequest.objects.count() == 1 and len(jobs()) == 1


def test_the_pricing_rule_prices_the_services_own_answers_for_any_channel(containers_service, home):
    answers = {"address": {"uprn": home.uprn, "text": home.single_line}, "container": "recycling_box"}

    assert price_for(containers_service, answers | {"reason": "extra", "quantity": "2"}).amount == 500
    assert price_for(containers_service, answers | {"reason": "broken", "quantity": "3"}).amount == 0
    assert price_for(containers_service, {**answers, "container": "refuse_bin", "reason": "lost"}).amount == 2500


def test_the_pricing_rule_never_makes_a_refused_request_free(containers_service, home):
    answers = {"address": {"uprn": home.uprn, "text": home.single_line}, "container": "refuse_bin"}

    assert price_for(containers_service, answers | {"reason": "extra", "quantity": "1"}).amount == 2500


def test_a_request_is_audited(containers_service, home):
    made = ask(containers_service, home, Container.FOOD_CADDY, ContainerReason.BROKEN)

    event = AuditEvent.objects.get(action="waste.container_requested")
    assert event.target_id == str(made.pk) and event.data["case"] == made.case.reference
