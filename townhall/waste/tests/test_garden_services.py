"""Garden waste subscriptions: prices, subscribing and paying, bin days, renewal and its
reminders, expiry, changing the number of bins pro rata, cancelling, and the demo."""

import datetime as dt
import uuid

import pytest
from django.core.cache import cache
from django.test import override_settings

from townhall.accounts.models import Role
from townhall.accounts.tests.factories import StaffFactory, UserFactory
from townhall.cases.models import CaseEvent, EventKind
from townhall.cases.services import Requester, submit_case
from townhall.catalogue.fees import price_for
from townhall.catalogue.models import AWAITING_PAYMENT, Channel, Service
from townhall.core.models import AuditEvent, OutboxMessage
from townhall.notifications.models import Notification
from townhall.payments import services as payments
from townhall.payments.models import Refund, RefundStatus
from townhall.waste import selectors
from townhall.waste.garden import demo, renewals, rules
from townhall.waste.garden import selectors as garden_selectors
from townhall.waste.garden import services as garden_services
from townhall.waste.garden_models import GardenChangeKind, GardenChangeStatus, GardenStatus, GardenSubscription
from townhall.waste.models import Stream
from townhall.waste.tests.test_garden_helpers import TODAY, URLCONF, clock, garden_home, make_service, pay

pytestmark = [pytest.mark.django_db, pytest.mark.urls(URLCONF)]


@pytest.fixture
def service():
    return make_service()


@pytest.fixture
def home(service):
    return garden_home()


@pytest.fixture
def resident():
    return UserFactory(email="rosa@example.com", full_name="Rosa Resident")


def subscribed(home, resident, *, bins: int = 1, concession: bool = False, day: dt.date = TODAY):
    """A subscription from `day`, paid."""
    with clock(day):
        subscription = garden_services.subscribe(
            place=home, bins=bins, concession=concession, channel=Channel.WEB, by=resident
        )
        pay(subscription.case)
    subscription.refresh_from_db()
    return subscription


def streams(home, day: dt.date = TODAY) -> list[str]:
    return [bins.stream for bins in selectors.bin_days(home, today=day)]


# Prices


def test_one_bin_costs_the_first_bin_price_for_a_year():
    price = rules.price(bins=1, concession=False)

    assert price.amount == 6500
    assert [line.label for line in price.lines] == ["First garden waste bin, for a year"]


def test_each_extra_bin_costs_the_extra_bin_price():
    assert rules.price(bins=3, concession=False).amount == 6500 + 2 * 4500


def test_the_concession_takes_its_percentage_off_the_whole_price():
    price = rules.price(bins=2, concession=True)

    assert price.amount == (6500 + 4500) // 2
    assert price.lines[-1].amount == -5500 and "Council Tax Support" in price.lines[-1].label


@override_settings(
    WASTE_GARDEN_FIRST_BIN_PENCE=7000, WASTE_GARDEN_EXTRA_BIN_PENCE=3000, WASTE_GARDEN_CONCESSION_PERCENT=25
)
def test_prices_come_from_the_settings():
    assert rules.price(bins=2, concession=True).amount == 10000 - 2500


@pytest.mark.parametrize("bins", [0, 4])
def test_refuses_fewer_than_one_bin_or_more_than_the_maximum(bins):
    with pytest.raises(rules.GardenError, match="from 1 to 3 bins"):
        rules.price(bins=bins, concession=False)


def test_the_case_fee_comes_from_the_registered_pricing_rule(service):
    answers = {"request": "subscribe", "bins": "2", "concession": "yes"}

    assert price_for(service, answers).amount == 5500
    assert price_for(service, {**answers, "request": "renew"}).amount == 5500
    # Changes are priced by the subscription they change, not the rule.
    assert price_for(service, {**answers, "request": "change"}).amount == 0


def test_a_term_ends_the_day_before_the_same_date_a_year_later():
    assert rules.term_end(dt.date(2026, 6, 10)) == dt.date(2027, 6, 9)
    assert rules.term_end(dt.date(2028, 2, 29)) == dt.date(2029, 2, 27)


def test_whole_months_count_only_complete_months():
    assert rules.whole_months(dt.date(2026, 6, 10), dt.date(2027, 6, 10)) == 12
    assert rules.whole_months(dt.date(2026, 6, 10), dt.date(2027, 6, 9)) == 11
    assert rules.whole_months(dt.date(2026, 1, 31), dt.date(2026, 2, 28)) == 1
    assert rules.whole_months(dt.date(2026, 6, 10), dt.date(2026, 6, 10)) == 0


# Subscribing


def test_subscribing_makes_a_case_waiting_for_payment_and_a_pending_subscription(home, resident):
    with clock(TODAY):
        subscription = garden_services.subscribe(place=home, bins=2, concession=False, channel=Channel.WEB, by=resident)

    case = subscription.case
    assert case.status == AWAITING_PAYMENT["key"] and case.fee == 11000
    assert case.answers == {
        "address": {"uprn": home.uprn, "text": home.single_line},
        "request": "subscribe",
        "bins": "2",
        "concession": "no",
    }
    assert case.customer.user == resident and subscription.customer == case.customer
    assert (subscription.status, subscription.bins, subscription.price_paid) == (GardenStatus.PENDING, 2, 11000)
    assert (subscription.start_date, subscription.end_date) == (TODAY, dt.date(2027, 6, 9))
    assert AuditEvent.objects.filter(action="garden.subscription_requested").exists()
    assert Stream.GARDEN not in streams(home)


def test_the_same_submission_twice_makes_one_subscription(home, resident):
    key = uuid.uuid4()
    with clock(TODAY):
        first = garden_services.subscribe(
            place=home, bins=1, concession=False, channel=Channel.WEB, by=resident, submission_key=key
        )
        second = garden_services.subscribe(
            place=home, bins=1, concession=False, channel=Channel.WEB, by=resident, submission_key=key
        )

    assert first == second and GardenSubscription.objects.count() == 1


def test_paying_makes_the_subscription_active_and_garden_waste_shows_on_bin_days_at_once(
    home, resident, django_capture_on_commit_callbacks
):
    with clock(TODAY):
        subscription = garden_services.subscribe(place=home, bins=1, concession=False, channel=Channel.WEB, by=resident)
    assert Stream.GARDEN not in streams(home)  # now cached without garden waste

    with clock(TODAY), django_capture_on_commit_callbacks(execute=True):
        pay(subscription.case)

    subscription.refresh_from_db()
    assert subscription.status == GardenStatus.ACTIVE and subscription.activated_at
    assert subscription.case.status == "submitted"  # on to the waste team to deliver the bin
    garden_days = selectors.bin_days(home, today=TODAY)[-1]
    assert garden_days.stream == Stream.GARDEN and garden_days.next.date == dt.date(2026, 6, 19)


def test_the_cached_bin_days_of_other_properties_stay_cached(home, resident, django_assert_num_queries):
    neighbour = garden_home(number="14")
    selectors.bin_days(neighbour, today=TODAY)

    subscribed(home, resident)

    with django_assert_num_queries(0):
        selectors.bin_days(neighbour, today=TODAY)


def test_the_json_and_calendar_feed_change_when_a_subscription_starts_and_ends(
    home, resident, client, django_capture_on_commit_callbacks
):
    urls = [f"/bins/{home.uprn}/collections.json", f"/bins/{home.uprn}/calendar.ics"]

    def fetch(etags: list[str] | None = None):
        with clock(TODAY):
            return [client.get(url, headers={"if-none-match": etags[n]} if etags else {}) for n, url in enumerate(urls)]

    def has_garden(responses) -> bool:
        json_says = any(c["stream"] == Stream.GARDEN for c in responses[0].json()["collections"])
        assert json_says == (b"Garden waste collection" in responses[1].content)
        return json_says

    before = fetch()
    etags = [response["ETag"] for response in before]
    assert [response.status_code for response in fetch(etags)] == [304, 304]
    with clock(TODAY):
        subscription = garden_services.subscribe(place=home, bins=1, concession=False, channel=Channel.WEB, by=resident)
    with clock(TODAY), django_capture_on_commit_callbacks(execute=True):
        pay(subscription.case)

    subscribed = fetch(etags)

    assert [response.status_code for response in subscribed] == [200, 200]
    assert all(after["ETag"] != etag for after, etag in zip(subscribed, etags, strict=True))
    assert not has_garden(before) and has_garden(subscribed)

    with clock(TODAY), django_capture_on_commit_callbacks(execute=True):
        garden_services.cancel(subscription=subscription, channel=Channel.WEB, by=resident)
    ended = fetch([response["ETag"] for response in subscribed])

    assert [response.status_code for response in ended] == [200, 200]
    assert not has_garden(ended)


def test_a_lost_generation_token_recomputes_rather_than_serving_stale_days(home, resident):
    assert Stream.GARDEN not in streams(home)
    subscribed(home, resident)  # its on-commit bust never runs in this test's transaction
    cache.delete(selectors.GENERATION_CACHE_KEY.format(uprn=home.uprn))  # as if evicted

    assert Stream.GARDEN in streams(home)


def test_garden_collections_stop_after_the_last_day_paid_for(home, resident):
    subscribed(home, resident)
    end = dt.date(2027, 6, 9)

    garden_days = selectors.bin_days(home, today=end - dt.timedelta(days=14))[-1]

    assert garden_days.stream == Stream.GARDEN
    assert all(day.date <= end for day in garden_days.upcoming)
    assert Stream.GARDEN not in streams(home, end + dt.timedelta(days=1))


def test_a_second_subscription_for_the_same_address_is_refused(home, resident):
    subscribed(home, resident)

    with clock(TODAY), pytest.raises(rules.GardenError, match="already has a garden waste subscription"):
        garden_services.subscribe(place=home, bins=1, concession=False, channel=Channel.WEB, by=UserFactory())


def test_an_address_on_no_garden_round_cannot_subscribe(service, resident):
    flat = garden_home(classification="RD06", garden_round=False)

    with pytest.raises(rules.GardenError, match="do not collect garden waste from this address"):
        garden_services.subscribe(place=flat, bins=1, concession=False, channel=Channel.WEB, by=resident)
    assert GardenSubscription.objects.count() == 0


def test_a_second_payer_for_an_address_already_subscribed_is_refunded_in_full(home, resident):
    with clock(TODAY):
        first = garden_services.subscribe(place=home, bins=1, concession=False, channel=Channel.WEB, by=resident)
        second = garden_services.subscribe(place=home, bins=2, concession=False, channel=Channel.WEB, by=UserFactory())
        pay(first.case)
        payment = pay(second.case)

    second.refresh_from_db()
    payment.refresh_from_db()
    assert second.status == GardenStatus.CANCELLED
    assert payment.amount_refunded == payment.amount == 11000


def test_staff_set_up_a_subscription_for_a_caller_on_the_phone(home):
    agent = StaffFactory(role=Role.AGENT)

    with clock(TODAY):
        subscription = garden_services.subscribe(
            place=home,
            bins=1,
            concession=True,
            channel=Channel.PHONE,
            by=agent,
            requester=Requester(name="Cal Caller", email="cal@example.com", phone="07700 900555"),
        )

    case = subscription.case
    assert case.channel == Channel.PHONE and case.created_by == agent and case.fee == 3250
    assert subscription.customer.name == "Cal Caller" and subscription.customer.email == "cal@example.com"
    assert subscription.customer.user is None


# Renewal


def test_renewal_opens_six_weeks_before_the_end(home, resident):
    subscription = subscribed(home, resident)

    assert garden_selectors.renewal_opens(subscription) == dt.date(2027, 4, 28)
    assert not garden_selectors.can_renew(subscription, today=dt.date(2027, 4, 27))
    assert garden_selectors.can_renew(subscription, today=dt.date(2027, 4, 28))
    with pytest.raises(rules.GardenError, match="You can renew from 28 April 2027"):
        renewals.renew(
            subscription=subscription,
            bins=1,
            concession=False,
            channel=Channel.WEB,
            by=resident,
            today=dt.date(2027, 4, 1),
        )


def test_a_renewal_is_a_new_paid_case_for_the_next_year(home, resident):
    subscription = subscribed(home, resident, bins=2)

    with clock(dt.date(2027, 5, 20)):
        renewal = renewals.renew(subscription=subscription, bins=1, concession=False, channel=Channel.WEB, by=resident)
        assert renewal.case.status == AWAITING_PAYMENT["key"] and renewal.case.fee == 6500
        pay(renewal.case)

    renewal.refresh_from_db()
    assert renewal.renewal_of == subscription and renewal.case != subscription.case
    assert renewal.status == GardenStatus.ACTIVE and renewal.bins == 1
    assert (renewal.start_date, renewal.end_date) == (dt.date(2027, 6, 10), dt.date(2028, 6, 9))
    # Nothing for the crews to deliver: the renewal's case is closed with a word to the resident.
    assert renewal.case.is_closed and renewal.case.status == "resolved"
    assert not garden_selectors.can_renew(subscription, today=dt.date(2027, 5, 21))
    # Garden waste carries on past the first year's end.
    assert Stream.GARDEN in streams(home, dt.date(2027, 6, 15))


def test_a_subscription_can_be_renewed_only_once(home, resident):
    subscription = subscribed(home, resident)
    with clock(dt.date(2027, 5, 20)):
        renewals.renew(subscription=subscription, bins=1, concession=False, channel=Channel.WEB, by=resident)

        with pytest.raises(rules.GardenError, match="waiting for its payment"):
            renewals.renew(subscription=subscription, bins=1, concession=False, channel=Channel.WEB, by=resident)


def test_a_renewal_not_gone_ahead_with_can_be_asked_for_again(home, resident):
    subscription = subscribed(home, resident)
    with clock(dt.date(2027, 5, 20)):
        first = renewals.renew(subscription=subscription, bins=1, concession=False, channel=Channel.WEB, by=resident)
        garden_services.withdraw_unpaid(case=first.case, by=resident)

        again = renewals.renew(subscription=subscription, bins=2, concession=False, channel=Channel.WEB, by=resident)

    assert again != first and again.renewal_of == subscription and again.case.fee == 11000


def test_renewal_reminders_go_once_each_inside_the_window(home, resident):
    subscription = subscribed(home, resident)
    end = subscription.end_date
    Notification.objects.all().delete()

    assert renewals.send_renewal_reminders(today=end - dt.timedelta(days=43)) == 0
    assert renewals.send_renewal_reminders(today=end - dt.timedelta(days=42)) == 1
    assert renewals.send_renewal_reminders(today=end - dt.timedelta(days=42)) == 0  # run twice: sent once
    assert renewals.send_renewal_reminders(today=end - dt.timedelta(days=30)) == 0
    assert renewals.send_renewal_reminders(today=end - dt.timedelta(days=14)) == 1
    assert renewals.send_renewal_reminders(today=end - dt.timedelta(days=3)) == 0

    reminders = Notification.objects.filter(event="garden_renewal_reminder")
    assert reminders.count() == 2
    first = reminders.first()
    assert first.recipient == "rosa@example.com" and first.subject == "Renew your garden waste subscription"
    assert "ends on 9 June 2027" in first.body and f"/bins/{home.uprn}/garden/" in first.body
    assert OutboxMessage.objects.filter(topic="email").count() >= 2


def test_a_reminder_run_missed_for_weeks_sends_only_the_latest_reminder(home, resident):
    subscription = subscribed(home, resident)

    assert renewals.send_renewal_reminders(today=subscription.end_date - dt.timedelta(days=10)) == 1
    assert renewals.send_renewal_reminders(today=subscription.end_date - dt.timedelta(days=5)) == 0
    subscription.refresh_from_db()
    assert subscription.reminded_days_before == 14


def test_renewed_subscriptions_get_no_reminder(home, resident):
    subscription = subscribed(home, resident)
    with clock(dt.date(2027, 5, 20)):
        pay(renewals.renew(subscription=subscription, bins=1, concession=False, channel=Channel.WEB, by=resident).case)

    assert renewals.send_renewal_reminders(today=subscription.end_date - dt.timedelta(days=14)) == 0


# Expiry


def test_expiry_ends_the_subscription_after_its_last_day_and_collections_stop(
    home, resident, django_capture_on_commit_callbacks
):
    subscription = subscribed(home, resident)
    assert renewals.expire_subscriptions(today=subscription.end_date) == 0

    with django_capture_on_commit_callbacks(execute=True):
        assert renewals.expire_subscriptions(today=subscription.end_date + dt.timedelta(days=1)) == 1

    subscription.refresh_from_db()
    assert subscription.status == GardenStatus.EXPIRED and subscription.ended_at
    assert Notification.objects.filter(event="garden_expired", recipient="rosa@example.com").exists()
    assert Stream.GARDEN not in streams(home, subscription.end_date + dt.timedelta(days=1))
    assert garden_selectors.current_subscription(home, today=subscription.end_date + dt.timedelta(days=1)) is None


def test_an_unpaid_request_closed_by_the_payments_clear_out_is_tidied_by_the_expiry_job(home, resident):
    with clock(TODAY):
        subscription = garden_services.subscribe(place=home, bins=1, concession=False, channel=Channel.WEB, by=resident)
    payments.cancel_unpaid_request(case=subscription.case, reason="Not paid within 14 days.")
    renewals.expire_subscriptions(today=TODAY)

    subscription.refresh_from_db()
    assert subscription.status == GardenStatus.CANCELLED


# Changing the number of bins


def test_more_bins_cost_the_difference_for_the_whole_months_left(home, resident, django_capture_on_commit_callbacks):
    subscription = subscribed(home, resident)  # 10 June 2026 to 9 June 2027

    with clock(dt.date(2026, 9, 25)):  # 8 whole months and a bit left
        change = garden_services.change_bins(subscription=subscription, bins=3, channel=Channel.WEB, by=resident)
        assert change.kind == GardenChangeKind.MORE and change.months_left == 8
        assert change.amount == 2 * 4500 * 8 // 12 == 6000
        assert change.case.status == AWAITING_PAYMENT["key"] and change.case.fee == 6000
        subscription.refresh_from_db()
        assert subscription.bins == 1  # not until it is paid

        with django_capture_on_commit_callbacks(execute=True):
            pay(change.case)

    subscription.refresh_from_db()
    change.refresh_from_db()
    assert subscription.bins == 3 and change.status == GardenChangeStatus.DONE
    assert change.case.answers["request"] == "change" and change.case.answers["bins"] == "3"


def test_fewer_bins_refund_the_unused_whole_months_automatically(home, resident):
    subscription = subscribed(home, resident, bins=3, concession=True)  # paid 7750
    payment = subscription.case.payments.get()

    with clock(dt.date(2027, 1, 5)):  # 5 whole months left
        change = garden_services.change_bins(subscription=subscription, bins=1, channel=Channel.WEB, by=resident)

    subscription.refresh_from_db()
    payment.refresh_from_db()
    refund = Refund.objects.get()
    # Two extra bins at half price: 4500 a year, so 5 months of it.
    assert change.kind == GardenChangeKind.FEWER and change.months_left == 5
    assert change.amount == refund.amount == 4500 * 5 // 12 == 1875
    assert refund.requested_by is None and refund.status == RefundStatus.SUCCESS  # a counter payment: at once
    assert payment.amount_refunded == 1875
    assert subscription.bins == 1 and change.status == GardenChangeStatus.DONE
    assert change.case.status == "submitted" and change.case.fee == 0  # the crews collect the bins


def test_a_card_refund_goes_to_the_provider_through_the_outbox(home, resident):
    subscription = subscribed(home, resident, bins=2)
    subscription.case.payments.update(provider="sandbox", provider_id="sandbox-test", method="card_online")

    with clock(dt.date(2027, 1, 5)):
        garden_services.change_bins(subscription=subscription, bins=1, channel=Channel.WEB, by=resident)

    refund = Refund.objects.get()
    assert refund.status == RefundStatus.REQUESTED and refund.amount == 4500 * 5 // 12
    assert OutboxMessage.objects.filter(topic="payment_refund", key=f"refund:{refund.pk}").exists()


@override_settings(WASTE_GARDEN_PRORATA="none")
def test_with_no_pro_rata_more_bins_cost_the_full_difference_and_fewer_refund_nothing(home, resident):
    subscription = subscribed(home, resident, bins=2)

    with clock(dt.date(2027, 1, 5)):
        fewer = garden_services.change_bins(subscription=subscription, bins=1, channel=Channel.WEB, by=resident)
        more = garden_services.change_bins(subscription=subscription, bins=3, channel=Channel.WEB, by=resident)

    assert fewer.amount == 0 and not Refund.objects.exists()
    assert more.amount == more.case.fee == 2 * 4500


def test_a_second_change_waits_for_the_first_to_be_paid(home, resident):
    subscription = subscribed(home, resident)
    with clock(dt.date(2026, 9, 25)):
        garden_services.change_bins(subscription=subscription, bins=2, channel=Channel.WEB, by=resident)

        with pytest.raises(rules.GardenError, match="waiting for its payment"):
            garden_services.change_bins(subscription=subscription, bins=3, channel=Channel.WEB, by=resident)


def test_a_change_paid_after_the_subscription_was_cancelled_is_refunded(home, resident):
    subscription = subscribed(home, resident)
    with clock(dt.date(2026, 9, 25)):
        change = garden_services.change_bins(subscription=subscription, bins=2, channel=Channel.WEB, by=resident)
        subscription.status = GardenStatus.CANCELLED
        subscription.save()
        payment = pay(change.case)

    change.refresh_from_db()
    payment.refresh_from_db()
    assert change.status == GardenChangeStatus.WITHDRAWN and payment.amount_refunded == payment.amount


# Cancelling


def test_cancelling_refunds_the_unused_months_and_stops_collections(home, resident, django_capture_on_commit_callbacks):
    subscription = subscribed(home, resident, bins=2)  # paid 11000
    assert Stream.GARDEN in streams(home, dt.date(2026, 12, 1))

    with clock(dt.date(2026, 12, 1)), django_capture_on_commit_callbacks(execute=True):
        change = garden_services.cancel(subscription=subscription, channel=Channel.WEB, by=resident)

    subscription.refresh_from_db()
    assert subscription.status == GardenStatus.CANCELLED and subscription.ended_at
    assert change.kind == GardenChangeKind.CANCEL and change.months_left == 6
    assert change.amount == Refund.objects.get().amount == 11000 * 6 // 12
    assert change.case.answers["request"] == "cancel"
    assert Stream.GARDEN not in streams(home, dt.date(2026, 12, 1))
    assert CaseEvent.objects.filter(case=subscription.case, kind=EventKind.REFUND).exists()


def test_cancelling_also_cancels_a_paid_renewal_and_refunds_it_in_full(home, resident):
    subscription = subscribed(home, resident)
    with clock(dt.date(2027, 5, 20)):
        renewal = renewals.renew(subscription=subscription, bins=1, concession=False, channel=Channel.WEB, by=resident)
        pay(renewal.case)
        garden_services.cancel(subscription=subscription, channel=Channel.WEB, by=resident)

    renewal.refresh_from_db()
    assert renewal.status == GardenStatus.CANCELLED
    # Under a month of this year is left (nothing back); next year's is refunded whole.
    assert list(Refund.objects.values_list("amount", flat=True)) == [6500]


@override_settings(WASTE_GARDEN_PRORATA="none")
def test_with_no_pro_rata_cancelling_refunds_nothing(home, resident):
    subscription = subscribed(home, resident)

    with clock(dt.date(2026, 7, 1)):
        change = garden_services.cancel(subscription=subscription, channel=Channel.WEB, by=resident)

    assert change.amount == 0 and not Refund.objects.exists()


def test_a_withdrawn_unpaid_subscription_is_cancelled(home, resident):
    with clock(TODAY):
        subscription = garden_services.subscribe(place=home, bins=1, concession=False, channel=Channel.WEB, by=resident)
        garden_services.withdraw_unpaid(case=subscription.case, by=resident)

    subscription.refresh_from_db()
    subscription.case.refresh_from_db()
    assert subscription.status == GardenStatus.CANCELLED and subscription.case.is_closed


# The demo


def test_the_demo_subscribes_about_three_in_ten_houses_and_some_are_due_for_renewal(service):
    for number in range(1, 21):
        garden_home(number=str(number))

    with clock(TODAY):
        made = demo.build_demo_garden(seed=3, today=TODAY)

    assert made["subscriptions"] == 6 == GardenSubscription.objects.filter(status=GardenStatus.ACTIVE).count()
    assert all(s.case.is_closed and s.customer for s in GardenSubscription.objects.select_related("case", "customer"))
    assert all(s.start_date <= TODAY <= s.end_date for s in GardenSubscription.objects.all())
    assert demo.build_demo_garden(seed=3, today=TODAY)["subscriptions"] == 4  # only houses without one


def test_the_demo_gives_the_demo_resident_a_subscription_due_for_renewal(service):
    from townhall.customers.tests.factories import CustomerFactory

    home = garden_home()
    resident = CustomerFactory(user=UserFactory(role=Role.RESIDENT), address=home)

    with clock(TODAY):
        demo.build_demo_garden(seed=3, today=TODAY)

    subscription = GardenSubscription.objects.get(property=home)
    assert subscription.customer == resident
    assert garden_selectors.can_renew(subscription, today=TODAY)


# The service's own form


def test_a_subscription_paid_through_the_services_general_form_is_set_up_from_its_answers(home, resident):
    answers = {"address": {"uprn": home.uprn, "text": home.single_line}, "request": "subscribe", "bins": "2"}
    with clock(TODAY):
        case = submit_case(
            service=Service.objects.get(slug="garden-waste"),
            answers={**answers, "concession": "no"},
            channel=Channel.WEB,
            by=resident,
        )
        assert case.fee == 11000
        pay(case)

    subscription = GardenSubscription.objects.get()
    assert subscription.case == case and subscription.status == GardenStatus.ACTIVE and subscription.bins == 2
    assert Stream.GARDEN in streams(home)


def test_a_general_form_payment_for_an_address_without_garden_waste_is_refunded(service, resident):
    flat = garden_home(classification="RD06", garden_round=False)
    answers = {"address": {"uprn": flat.uprn, "text": flat.single_line}, "request": "subscribe", "bins": "1"}
    with clock(TODAY):
        case = submit_case(service=service, answers={**answers, "concession": "no"}, channel=Channel.WEB, by=resident)
        payment = pay(case)

    payment.refresh_from_db()
    assert not GardenSubscription.objects.exists()
    assert payment.amount_refunded == payment.amount
    assert CaseEvent.objects.filter(case=case, kind=EventKind.NOTE, text__contains="refunded in full").exists()
