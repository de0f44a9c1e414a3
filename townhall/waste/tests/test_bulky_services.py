"""Bulky waste collections: prices, booking a day, paying, changes and cancellations with
their automatic refunds, the release of unpaid bookings and the reminders.

Days are chosen from the real calendar ahead (the refund rules judge the present moment);
moments after a cut-off are passed to the services as `now`."""

import datetime as dt
import uuid
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from townhall.accounts.models import Role
from townhall.accounts.tests.factories import StaffFactory, TeamFactory
from townhall.bookings import rules
from townhall.bookings import services as bookings
from townhall.bookings.models import Booking, BookingStatus, Slot
from townhall.bookings.tests.factories import bulky_calendar
from townhall.cases.models import EventKind
from townhall.cases.services import Requester
from townhall.catalogue.fees import price_for, register_refund_rule
from townhall.catalogue.models import AWAITING_PAYMENT, Channel
from townhall.catalogue.tests.factories import ServiceFactory
from townhall.core import outbox
from townhall.core.models import AuditEvent, OutboxMessage
from townhall.gazetteer.tests.factories import PropertyFactory
from townhall.notifications.models import Notification
from townhall.payments import services as payments
from townhall.payments.models import Refund, RefundStatus
from townhall.payments.providers.sandbox import SandboxProvider
from townhall.waste import bulky, bulky_changes, bulky_demo, bulky_tasks
from townhall.waste.bulky_pricing import (
    BulkyError,
    collection_starts,
    item_lines,
    price_of,
    refund_limit,
)
from townhall.waste.models import BulkyBooking, BulkyItem, BulkyPriceBand, PropertyRound, Round, Stream
from townhall.waste.tests.factories import RoundFactory

pytestmark = pytest.mark.django_db

SOFA_AND_FRIDGE = {"sofa": 2, "fridge-freezer": 1}


def make_service(team=None, **overrides):
    """The bulky waste service of the catalogue, from the module's spec."""
    spec = bulky.SERVICE_SPEC
    team = team or TeamFactory(name="Waste services", slug=spec["team"], email="waste@wexmoor.example")
    fields = {**spec["fee"], **overrides}
    return ServiceFactory(
        slug=spec["slug"],
        name=spec["name"],
        team=team,
        questions=spec["questions"],
        deadline_working_days=spec["deadline"],
        **fields,
    )


def make_catalogue() -> None:
    """A sofa and a chair priced by the bands (up to 3 items £35, up to 6 £55), a fridge £25 each."""
    BulkyItem.objects.create(slug="sofa", name="Sofa", position=1)
    BulkyItem.objects.create(slug="chair", name="Chair", position=2)
    BulkyItem.objects.create(slug="fridge-freezer", name="Fridge or freezer", price_pence=2500, position=3)
    BulkyPriceBand.objects.create(max_items=3, price_pence=3500)
    BulkyPriceBand.objects.create(max_items=6, price_pence=5500)


def a_day(calendar, zone: str = "N1", *, skip: int = 0, now: dt.datetime | None = None) -> dt.date:
    """An open day in the zone whose cut-off is more than a day away."""
    now = now or timezone.now()
    days = [
        available.day
        for available in bookings.available_dates(calendar, zone, now=now)
        if rules.cutoff_at(calendar, available.day) > now + dt.timedelta(days=1)
    ]
    return days[skip]


def make_borough() -> SimpleNamespace:
    """12 Mill Lane, on a refuse round in area N1 of the bulky waste calendar (20 places on
    Tuesdays and Thursdays), the bulky waste service and its catalogue."""
    calendar = bulky_calendar()
    service = make_service()
    make_catalogue()
    home = PropertyFactory(building_number="12")
    PropertyRound.objects.create(property=home, round=RoundFactory(stream=Stream.REFUSE, area="N1"))
    return SimpleNamespace(calendar=calendar, service=service, home=home, team=service.team)


@pytest.fixture
def borough():
    return make_borough()


def book(borough, selection=None, *, day=None, hold=None, by=None, channel=Channel.WEB, key=None, now=None):
    return bulky.book(
        place=borough.home,
        selection=selection or SOFA_AND_FRIDGE,
        day=day or a_day(borough.calendar),
        location="Front garden, by the gate",
        requester=Requester(name="Ada Resident", email="ada@example.com", phone="07700 900123"),
        channel=channel,
        by=by,
        submission_key=key or uuid.uuid4(),
        hold=hold,
        now=now,
    )


def pay(bulky_booking, outcome: str = "success"):
    """Pay what is due on the case with the sandbox card page, as the payer's return records it."""
    payment = payments.start_payment(
        case=bulky_booking.case,
        channel=Channel.WEB,
        by=None,
        return_url_for=lambda token: f"http://testserver/payments/return/{token}/",
        after_url=f"/bins/bulky/{bulky_booking.case.reference}/pay/",
    )
    SandboxProvider().complete(payment.provider_id, outcome)
    return payments.refresh_payment(payment)


def booked_and_paid(borough, selection=None, **kwargs) -> BulkyBooking:
    booking = book(borough, selection, **kwargs)
    pay(booking)
    return reload(booking)


def deliver() -> None:
    """What the outbox relay does after commit: refunds go to the provider."""
    outbox.relay()


def reload(bulky_booking: BulkyBooking) -> BulkyBooking:
    return bulky.bulky_for(bulky_booking.case.reference)


def used(booking: Booking) -> int:
    return Slot.objects.get(pk=Booking.objects.get(pk=booking.pk).slot_id).used


# Prices


def test_items_with_a_price_of_their_own_cost_that_each_and_the_others_are_priced_by_band(borough):
    price = price_of(item_lines({"sofa": 2, "chair": 1, "fridge-freezer": 2}))

    assert price.amount == 3500 + 2 * 2500
    assert [line.label for line in price.lines] == [
        "Collection of up to 3 items (3 chosen)",
        "Fridge or freezer × 2",
    ]


def test_four_banded_items_cost_the_next_band(borough):
    assert price_of(item_lines({"sofa": 2, "chair": 2})).amount == 5500


def test_refuses_more_banded_items_than_the_largest_band_covers(borough, settings):
    settings.WASTE_BULKY_MAX_ITEMS = 10

    with pytest.raises(BulkyError, match="up to 6 of these items"):
        price_of(item_lines({"sofa": 4, "chair": 3}))


def test_refuses_more_items_than_a_collection_may_have(borough):
    with pytest.raises(BulkyError, match="up to 6 items in one collection"):
        bulky.check_quantity(item_lines({"fridge-freezer": 7}))


def test_refuses_an_item_that_is_not_in_the_catalogue(borough):
    BulkyItem.objects.filter(slug="chair").update(active=False)

    with pytest.raises(BulkyError, match="Choose items from the list"):
        item_lines({"chair": 1})


def test_the_pricing_rule_prices_the_items_in_the_case_answers(borough):
    price = price_for(borough.service, {"items": "2 × Sofa\n1 × Fridge or freezer"})

    assert price.amount == 3500 + 2500


def test_the_pricing_rule_refuses_an_answer_it_cannot_price(borough):
    with pytest.raises(ValidationError):
        price_for(borough.service, {"items": "A piano"})


# Booking


def test_a_property_on_no_round_area_cannot_book(borough):
    shop = PropertyFactory(building_number="1")

    with pytest.raises(BulkyError) as refused:
        bulky.available_days(shop, units=1)

    assert refused.value.code == "no_area"


def test_the_days_offered_are_the_areas_open_days_inside_the_window(borough):
    days = bulky.available_days(borough.home, units=3)

    assert days
    assert {available.day.weekday() for available in days} <= {1, 3}
    first, last = rules.window(borough.calendar, timezone.now())
    assert all(first <= available.day <= last for available in days)


def test_a_booking_waits_for_its_payment_holding_its_places(borough):
    booked = book(borough)

    case = booked.case
    assert case.status == AWAITING_PAYMENT["key"]
    assert case.fee == 3500 + 2500
    assert case.address == borough.home
    assert case.answers["items"] == "2 × Sofa\n1 × Fridge or freezer"
    assert booked.booking.status == BookingStatus.HELD
    assert booked.booking.units == 3
    assert booked.booking.case == case
    assert used(booked.booking) == 3
    assert booked.booking.summary == "2 × Sofa, 1 × Fridge or freezer. Left: Front garden, by the gate"
    assert AuditEvent.objects.filter(action="bulky.booked").count() == 1


def test_the_same_submission_books_once(borough):
    key = uuid.uuid4()
    day = a_day(borough.calendar)

    first = book(borough, key=key, day=day)
    second = book(borough, key=key, day=day)

    assert first.pk == second.pk
    assert BulkyBooking.objects.count() == 1


def test_the_journeys_hold_becomes_the_requests_without_freeing_the_place(borough):
    day = a_day(borough.calendar)
    borough.calendar.weekly.filter(zone="N1", weekday=day.weekday()).update(places=3)
    hold = bulky.hold_day(place=borough.home, day=day, lines=item_lines(SOFA_AND_FRIDGE))
    assert used(hold) == 3  # the last places

    booked = book(borough, day=day, hold=hold)

    hold.refresh_from_db()
    assert hold.status == BookingStatus.CANCELLED
    assert booked.booking.status == BookingStatus.HELD
    assert used(booked.booking) == 3


def test_refuses_a_full_day(borough):
    day = a_day(borough.calendar)
    borough.calendar.weekly.filter(zone="N1", weekday=day.weekday()).update(places=2)

    with pytest.raises(BulkyError) as refused:
        book(borough, day=day)

    assert refused.value.code == "full"
    assert not BulkyBooking.objects.exists()
    assert not borough.service.cases.exists()  # nothing half made


def test_refuses_a_day_past_its_cutoff(borough):
    day = a_day(borough.calendar)
    after = rules.cutoff_at(borough.calendar, day) + dt.timedelta(minutes=1)

    with pytest.raises(BulkyError) as refused:
        book(borough, day=day, now=after)

    assert refused.value.code == "past_cutoff"


def test_refuses_a_day_beyond_the_booking_window(borough):
    too_far = timezone.localdate() + dt.timedelta(days=borough.calendar.window_days + 7)

    with pytest.raises(BulkyError) as refused:
        book(borough, day=too_far)

    assert refused.value.code == "outside_window"


def test_paying_confirms_the_booking_and_the_request(borough):
    booked = book(borough)

    pay(booked)

    booked = reload(booked)
    case = booked.case
    assert booked.booking.status == BookingStatus.CONFIRMED
    assert case.status == borough.service.initial_state
    assert case.due_date == booked.booking.slot.day
    update = case.events.filter(kind=EventKind.PUBLIC_UPDATE).get()
    assert "is booked for" in update.text and "2 × Sofa" in update.text
    subjects = set(Notification.objects.filter(case=case).values_list("subject", flat=True))
    assert any("Receipt" in subject for subject in subjects)
    assert any("Update on your request" in subject for subject in subjects)
    event = OutboxMessage.objects.get(topic="waste_event")  # the back office hears of it
    assert event.payload["topic"] == "bulky_booking.created" and event.payload["data"]["area"] == "N1"


def test_an_unpaid_booking_is_released_and_its_request_withdrawn(borough):
    booked = book(borough)
    start = payments.start_payment(
        case=booked.case,
        channel=Channel.WEB,
        by=None,
        return_url_for=lambda token: f"http://testserver/payments/return/{token}/",
        after_url="/",
    )
    later = booked.booking.expires_at + dt.timedelta(seconds=1)

    assert bulky.release_unpaid(now=later) == 1

    booked = reload(booked)
    assert booked.case.is_closed and booked.case.status == borough.service.withdrawn_state
    assert booked.booking.status == BookingStatus.CANCELLED
    assert used(booked.booking) == 0
    start.refresh_from_db()
    assert not start.is_live  # nobody can pay for it any more
    assert bulky.release_unpaid(now=later) == 0


def test_the_scheduled_task_releases_unpaid_bookings(borough):
    booked = book(borough)
    Booking.objects.filter(pk=booked.booking_id).update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    assert bulky_tasks.release_unpaid_bookings() == 1

    assert reload(booked).case.is_closed


def test_a_booking_is_not_released_before_its_hold_runs_out(borough):
    booked = book(borough)

    assert bulky.release_unpaid(now=booked.booking.expires_at - dt.timedelta(seconds=1)) == 0


def test_a_payment_arriving_after_the_places_went_takes_them_again_if_there_is_room(borough):
    booked = book(borough)
    bookings.release_expired(now=booked.booking.expires_at + dt.timedelta(seconds=1))
    assert used(booked.booking) == 0

    pay(booked)

    booked = reload(booked)
    assert booked.booking.status == BookingStatus.CONFIRMED
    assert used(booked.booking) == 3


def test_a_payment_arriving_after_the_day_filled_up_is_refunded_automatically(borough):
    booked = book(borough)
    day = booked.booking.slot.day
    bookings.release_expired(now=booked.booking.expires_at + dt.timedelta(seconds=1))
    bookings.hold(borough.calendar, "N1", day, units=20)  # someone else takes every place

    pay(booked)
    deliver()

    booked = reload(booked)
    assert booked.booking.status == BookingStatus.RELEASED
    assert booked.case.is_closed
    refund = Refund.objects.get()
    assert refund.amount == 6000 and refund.requested_by is None
    assert refund.status == RefundStatus.SUCCESS  # sent to the provider by the outbox


# Changes


def test_fewer_items_refund_the_difference_automatically(borough):
    booked = booked_and_paid(borough, {"sofa": 2, "chair": 2})  # £55

    change = bulky_changes.change_items(booked, selection={"sofa": 2}, by=None)
    deliver()

    assert change.refund == 2000
    booked = reload(booked)
    assert booked.price == 3500 and booked.items[0]["quantity"] == 2
    assert booked.booking.units == 2 and used(booked.booking) == 2
    refund = Refund.objects.get()
    assert refund.amount == 2000 and refund.requested_by is None and refund.status == RefundStatus.SUCCESS
    assert booked.case.answers["items"] == "2 × Sofa"
    assert payments.amount_due(booked.case) == 0
    assert "2 × Sofa. Left:" in booked.booking.summary


def test_more_items_take_their_places_at_once_and_wait_for_the_difference(borough):
    booked = booked_and_paid(borough, {"sofa": 2})  # £35

    change = bulky_changes.change_items(booked, selection={"sofa": 2, "fridge-freezer": 1}, by=None)

    assert change.due == 2500
    booked = reload(booked)
    assert booked.has_pending_change
    assert booked.items == item_lines({"sofa": 2})  # unchanged until paid
    assert booked.booking.units == 3 and used(booked.booking) == 3
    assert payments.amount_due(booked.case) == 2500

    pay(booked)
    assert bulky_changes.apply_paid_change(reload(booked))

    booked = reload(booked)
    assert not booked.has_pending_change
    assert booked.price == 6000
    assert booked.case.answers["items"] == "2 × Sofa\n1 × Fridge or freezer"
    assert "1 × Fridge or freezer" in booked.booking.summary


def test_the_scheduled_run_makes_a_paid_change(borough):
    booked = booked_and_paid(borough, {"sofa": 2})
    bulky_changes.change_items(booked, selection={"sofa": 1, "fridge-freezer": 1}, by=None)
    pay(reload(booked))

    assert bulky_changes.settle_changes() == 1

    assert reload(booked).price == 6000


def test_an_unpaid_change_is_dropped_and_its_places_given_back(borough):
    booked = booked_and_paid(borough, {"sofa": 2})
    bulky_changes.change_items(booked, selection={"sofa": 2, "chair": 2}, by=None)
    pending = reload(booked)

    settled = bulky_changes.settle_changes(now=pending.pending_expires_at + dt.timedelta(seconds=1))

    assert settled == 1
    booked = reload(booked)
    assert not booked.has_pending_change
    assert booked.booking.units == 2 and used(booked.booking) == 2
    assert payments.amount_due(booked.case) == 0
    assert booked.case.fee == 3500


def test_more_items_than_the_day_has_room_for_are_refused(borough):
    booked = booked_and_paid(borough, {"sofa": 2})
    bookings.hold(borough.calendar, "N1", booked.booking.slot.day, units=18)

    with pytest.raises(BulkyError) as refused:
        bulky_changes.change_items(booked, selection={"sofa": 3}, by=None)

    assert refused.value.code == "full"
    assert reload(booked).booking.units == 2


def test_moving_to_another_day_gives_the_old_places_back(borough):
    booked = booked_and_paid(borough)
    old = booked.booking.slot
    other = next(
        available.day
        for available in bulky.available_days(borough.home, units=3)
        if available.day != old.day and rules.cutoff_at(borough.calendar, available.day) > timezone.now()
    )

    bulky_changes.change_day(booked, day=other, by=None)

    booked = reload(booked)
    assert booked.booking.slot.day == other and used(booked.booking) == 3
    old.refresh_from_db()
    assert old.used == 0
    assert booked.case.due_date == other
    assert booked.case.answers["collection_date"] == other.isoformat()


def test_cancelling_before_the_cutoff_refunds_everything_automatically(borough):
    booked = booked_and_paid(borough)

    refunded = bulky_changes.cancel(booked, by=None)
    deliver()

    assert refunded == 6000
    booked = reload(booked)
    assert booked.booking.status == BookingStatus.CANCELLED and used(booked.booking) == 0
    assert booked.case.is_closed
    refund = Refund.objects.get()
    assert refund.amount == 6000 and refund.requested_by is None and refund.status == RefundStatus.SUCCESS
    assert booked.case.events.filter(kind=EventKind.REFUND).exists()


def test_cancelling_with_a_change_unpaid_refunds_what_was_paid_and_leaves_nothing_due(borough):
    booked = booked_and_paid(borough, {"sofa": 2})
    bulky_changes.change_items(booked, selection={"sofa": 2, "fridge-freezer": 2}, by=None)

    assert bulky_changes.cancel(reload(booked), by=None) == 3500

    booked = reload(booked)
    assert not booked.has_pending_change and used(booked.booking) == 0
    assert payments.amount_due(booked.case) == 0


def test_cancelling_after_the_cutoff_is_refused(borough):
    booked = booked_and_paid(borough)
    after = rules.cutoff_at(borough.calendar, booked.booking.slot.day) + dt.timedelta(minutes=1)

    with pytest.raises(BulkyError) as refused:
        bulky_changes.cancel(booked, by=None, now=after)

    assert refused.value.code == "past_cutoff"
    assert reload(booked).booking.status == BookingStatus.CONFIRMED
    assert not Refund.objects.exists()


def test_changing_items_after_the_cutoff_is_refused(borough):
    booked = booked_and_paid(borough)
    after = rules.cutoff_at(borough.calendar, booked.booking.slot.day) + dt.timedelta(minutes=1)

    with pytest.raises(BulkyError, match="too late to change"):
        bulky_changes.change_items(booked, selection={"sofa": 1}, by=None, now=after)


def test_the_council_cancelling_after_the_cutoff_refunds_everything(borough):
    booked = booked_and_paid(borough)
    manager = StaffFactory(role=Role.TEAM_MANAGER)
    after = rules.cutoff_at(borough.calendar, booked.booking.slot.day) + dt.timedelta(minutes=1)

    refunded = bulky_changes.cancel(booked, by=manager, reason="Crew off sick", override_cutoff=True, now=after)

    assert refunded == 6000
    assert reload(booked).council_cancelled


def test_cancelling_an_unpaid_booking_withdraws_it_and_frees_its_places(borough):
    booked = book(borough)

    assert bulky_changes.cancel(booked, by=None) == 0

    booked = reload(booked)
    assert booked.case.is_closed and used(booked.booking) == 0


# Refund rules


def test_the_cutoff_refund_rule_refuses_refunds_after_the_cutoff(borough):
    booked = booked_and_paid(borough)
    payment = booked.case.payments.get()
    cutoff = rules.cutoff_at(borough.calendar, booked.booking.slot.day)

    assert refund_limit(payment, hours=False, now=cutoff - dt.timedelta(minutes=1)) is None
    assert "after the cut-off" in refund_limit(payment, hours=False, now=cutoff)


def test_the_hours_refund_rule_refuses_refunds_within_24_hours_of_the_collection(borough):
    booked = booked_and_paid(borough)
    payment = booked.case.payments.get()
    starts = collection_starts(booked.booking.slot.day)

    assert refund_limit(payment, hours=True, now=starts - dt.timedelta(hours=25)) is None
    assert "within 24 hours" in refund_limit(payment, hours=True, now=starts - dt.timedelta(hours=23))


register_refund_rule("test-bulky-no-refunds", "No refunds (tests)")(lambda payment, amount: "No.")


def test_fewer_items_keep_their_price_when_the_refund_rule_refuses(borough):
    booked = booked_and_paid(borough, {"sofa": 2, "chair": 2})
    borough.service.refund_rule = "test-bulky-no-refunds"
    borough.service.save()

    change = bulky_changes.change_items(booked, selection={"sofa": 2}, by=None)

    assert change.refund == 0 and change.refund_refused == "No."
    assert reload(booked).price == 5500
    assert not Refund.objects.exists()


# Reminders and the demo


def test_reminders_go_the_day_before_once(borough):
    booked = booked_and_paid(borough)
    day_before = booked.booking.slot.day - dt.timedelta(days=1)

    assert bulky.send_reminders(today=day_before) == 1
    assert bulky.send_reminders(today=day_before) == 0

    reminder = Notification.objects.get(event="bulky_reminder")
    assert reminder.recipient == "ada@example.com"
    assert "is tomorrow" in reminder.body and "2 × Sofa" in reminder.body


def test_no_reminder_for_a_cancelled_collection(borough):
    booked = booked_and_paid(borough)
    bulky_changes.cancel(booked, by=None)

    assert bulky.send_reminders(today=booked.booking.slot.day - dt.timedelta(days=1)) == 0


def test_the_day_list_shows_the_items_and_where_they_are_left(borough):
    booked = booked_and_paid(borough)

    listed = list(bookings.day_list(borough.calendar, "N1", booked.booking.slot.day))

    assert [booking.summary for booking in listed] == [
        "2 × Sofa, 1 × Fridge or freezer. Left: Front garden, by the gate"
    ]


def test_staff_booking_for_a_caller_is_a_phone_request(borough):
    agent = StaffFactory(role=Role.AGENT)

    booked = book(borough, by=agent, channel=bulky.assisted_channel(agent))

    assert booked.case.channel == Channel.PHONE
    assert booked.case.customer.email == "ada@example.com"


def test_the_demo_builds_the_calendar_and_catalogue_once():
    Round.objects.create(
        code="refuse-a", name="A", stream=Stream.REFUSE, weekday=1, anchor_date=dt.date(2026, 1, 6), area="Ashby Green"
    )

    first = bulky_demo.build_demo_bulky(seed=1)
    again = bulky_demo.build_demo_bulky(seed=1)

    assert first == again == {"areas": 1, "items": len(bulky_demo.ITEMS), "bands": 2}
    assert bulky.bulky_calendar().weekly.count() == 3
