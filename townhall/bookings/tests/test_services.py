"""Holding, confirming, moving, resizing, cancelling and releasing bookings, and staff
changes to capacity: every rule, with the slot's counter checked against its bookings."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Sum

from townhall.accounts.models import Role
from townhall.accounts.tests.factories import StaffFactory
from townhall.bookings import services, tasks
from townhall.bookings.models import Booking, BookingStatus, Slot, WeeklyCapacity
from townhall.bookings.selectors import day_list, live_booking
from townhall.bookings.tests.factories import (
    CalendarFactory,
    SlotFactory,
    WeeklyCapacityFactory,
    london,
    make_case,
)
from townhall.core.models import AuditEvent

pytestmark = pytest.mark.django_db

TUESDAY = dt.date(2025, 12, 2)
THURSDAY = dt.date(2025, 12, 4)
NEXT_TUESDAY = dt.date(2025, 12, 9)
MONDAY_MORNING = london(2025, 12, 1, 9, 0)
MONDAY_AFTER_CUTOFF = london(2025, 12, 1, 14, 0)


def slot(calendar, day=TUESDAY, zone="N1") -> Slot:
    return Slot.objects.get(calendar=calendar, zone=zone, day=day)


def assert_counts_match_bookings() -> None:
    """Every slot's `used` is exactly the units of its bookings that hold places."""
    for row in Slot.objects.all():
        held = row.bookings.filter(
            status__in=[BookingStatus.HELD, BookingStatus.CONFIRMED, BookingStatus.COMPLETED]
        ).aggregate(units=Sum("units"))["units"]
        assert row.used == (held or 0), row


def hold(calendar, day=TUESDAY, *, units=1, now=MONDAY_MORNING, zone="N1", **kwargs) -> Booking:
    return services.hold(calendar, zone, day, units=units, now=now, **kwargs)


def confirmed(calendar, day=TUESDAY, **kwargs) -> Booking:
    return services.confirm(hold(calendar, day, **kwargs), now=MONDAY_MORNING)


@pytest.fixture
def manager():
    return StaffFactory(role=Role.TEAM_MANAGER)


# Holding places


def test_a_hold_takes_the_units_for_the_calendars_hold_time(bulky):
    booking = hold(bulky, units=3, summary="Sofa, fridge, mattress")

    assert booking.status == BookingStatus.HELD
    assert booking.expires_at == MONDAY_MORNING + dt.timedelta(minutes=30)
    assert slot(bulky).used == 3
    assert slot(bulky).places == 20  # from the usual week
    event = AuditEvent.objects.get(action="booking.held")
    assert event.data["day"] == "2025-12-02"
    assert event.data["zone"] == "N1"
    assert event.data["units"] == 3
    assert_counts_match_bookings()


def test_a_hold_records_who_made_it(bulky, manager):
    booking = hold(bulky, by=manager)

    assert booking.created_by == manager
    assert AuditEvent.objects.get(action="booking.held").actor == manager


def test_the_last_places_go_once_and_then_the_day_is_full(bulky):
    SlotFactory(calendar=bulky, day=TUESDAY, places=2)
    hold(bulky, units=2)

    with pytest.raises(services.BookingError) as refused:
        hold(bulky, units=1)

    assert refused.value.code == "full"
    assert str(refused.value) == "That day is now full, choose another"
    assert slot(bulky).used == 2
    assert Booking.objects.count() == 1


def test_a_hold_for_more_units_than_are_left_is_refused(bulky):
    SlotFactory(calendar=bulky, day=TUESDAY, places=3, used=0)
    hold(bulky, units=2)

    with pytest.raises(services.BookingError, match="now full"):
        hold(bulky, units=2)

    assert slot(bulky).used == 2


@pytest.mark.parametrize(
    ("day", "now", "code"),
    [
        (TUESDAY, MONDAY_AFTER_CUTOFF, "past_cutoff"),
        (dt.date(2025, 11, 27), MONDAY_MORNING, "outside_window"),
        (dt.date(2026, 1, 27), MONDAY_MORNING, "outside_window"),
        (dt.date(2025, 12, 25), MONDAY_MORNING, "closed"),
        (dt.date(2025, 12, 3), MONDAY_MORNING, "no_capacity"),  # a Wednesday: no collections
    ],
)
def test_a_hold_is_refused_outside_the_rules_and_takes_nothing(bulky, day, now, code):
    with pytest.raises(services.BookingError) as refused:
        hold(bulky, day, now=now)

    assert refused.value.code == code
    assert not Booking.objects.exists()
    assert not Slot.objects.filter(used__gt=0).exists()


def test_a_day_staff_closed_takes_no_bookings(bulky):
    services.set_day_capacity(bulky, "N1", TUESDAY, places=20, closed=True, note="Crew training", by=None)

    with pytest.raises(services.BookingError) as refused:
        hold(bulky)

    assert refused.value.code == "closed"


def test_staff_may_book_past_the_cut_off(bulky, manager):
    booking = hold(bulky, now=MONDAY_AFTER_CUTOFF, by=manager, override_cutoff=True)

    assert booking.slot.day == TUESDAY


@pytest.mark.parametrize("units", [0, -1])
def test_a_hold_needs_at_least_one_unit(bulky, units):
    with pytest.raises(services.BookingError) as refused:
        hold(bulky, units=units)

    assert refused.value.code == "invalid"


# One booking per request


def test_a_second_hold_for_the_same_case_returns_the_same_booking(bulky):
    case = make_case()
    first = hold(bulky, case=case)

    second = hold(bulky, case=case, now=MONDAY_MORNING + dt.timedelta(minutes=20))

    assert second.pk == first.pk
    assert slot(bulky).used == 1
    assert second.expires_at == MONDAY_MORNING + dt.timedelta(minutes=50)  # the hold is renewed
    assert Booking.objects.count() == 1


def test_a_second_hold_for_the_same_case_on_another_day_moves_it(bulky):
    case = make_case()
    first = hold(bulky, case=case, units=2)

    second = hold(bulky, THURSDAY, case=case, units=3)

    assert second.pk == first.pk
    assert second.slot.day == THURSDAY
    assert second.units == 3
    assert slot(bulky, TUESDAY).used == 0
    assert slot(bulky, THURSDAY).used == 3
    assert_counts_match_bookings()


def test_a_second_hold_for_a_confirmed_case_moves_it_and_keeps_it_confirmed(bulky):
    case = make_case()
    booking = confirmed(bulky, case=case)

    again = hold(bulky, THURSDAY, case=case)

    assert again.pk == booking.pk
    assert again.status == BookingStatus.CONFIRMED
    assert again.expires_at is None


def test_a_case_may_book_again_once_its_booking_has_ended(bulky):
    case = make_case()
    services.cancel(hold(bulky, case=case), by=None, reason="Changed my mind", now=MONDAY_MORNING)

    again = hold(bulky, THURSDAY, case=case)

    assert Booking.objects.filter(case=case).count() == 2
    assert live_booking(bulky, case) == again


def test_the_database_refuses_two_live_bookings_for_one_case(bulky):
    case = make_case()
    booking = hold(bulky, case=case)

    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(calendar=bulky, slot=booking.slot, case=case, units=1, expires_at=booking.expires_at)


def test_the_database_refuses_more_used_than_places(bulky):
    row = SlotFactory(calendar=bulky, day=TUESDAY, places=2)

    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.filter(pk=row.pk).update(used=3)


# Confirming


def test_confirming_keeps_the_place_without_expiry(bulky):
    booking = services.confirm(hold(bulky), now=MONDAY_MORNING)

    assert booking.status == BookingStatus.CONFIRMED
    assert booking.expires_at is None
    assert booking.confirmed_at == MONDAY_MORNING
    assert services.release_expired(now=MONDAY_MORNING + dt.timedelta(hours=2)) == 0
    assert slot(bulky).used == 1


def test_confirming_twice_changes_nothing(bulky):
    booking = confirmed(bulky)

    services.confirm(booking, now=MONDAY_MORNING)

    assert AuditEvent.objects.filter(action="booking.confirmed").count() == 1


def test_a_hold_confirmed_after_the_cut_off_keeps_the_place_it_held(bulky):
    booking = hold(bulky, now=london(2025, 12, 1, 13, 50))

    services.confirm(booking, now=london(2025, 12, 1, 14, 5))

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_a_released_booking_confirmed_late_takes_its_place_again_if_there_is_room(bulky):
    booking = hold(bulky)
    services.release_expired(now=MONDAY_MORNING + dt.timedelta(minutes=31))
    assert slot(bulky).used == 0

    services.confirm(booking, now=MONDAY_MORNING + dt.timedelta(minutes=40))

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert slot(bulky).used == 1
    assert_counts_match_bookings()


def test_a_released_booking_confirmed_late_on_a_full_day_is_refused(bulky):
    SlotFactory(calendar=bulky, day=TUESDAY, places=1)
    booking = hold(bulky)
    services.release_expired(now=MONDAY_MORNING + dt.timedelta(minutes=31))
    hold(bulky, now=MONDAY_MORNING + dt.timedelta(minutes=35))

    with pytest.raises(services.BookingError) as refused:
        services.confirm(booking, now=MONDAY_MORNING + dt.timedelta(minutes=40))

    assert refused.value.code == "full"
    booking.refresh_from_db()
    assert booking.status == BookingStatus.RELEASED
    assert slot(bulky).used == 1


def test_a_cancelled_booking_cannot_be_confirmed(bulky):
    booking = services.cancel(hold(bulky), by=None, reason="", now=MONDAY_MORNING)

    with pytest.raises(services.BookingError) as refused:
        services.confirm(booking, now=MONDAY_MORNING)

    assert refused.value.code == "not_live"


# Releasing holds nobody confirmed


def test_holds_past_their_expiry_give_their_places_back(bulky):
    old = hold(bulky, units=2)
    fresh = hold(bulky, units=1, now=MONDAY_MORNING + dt.timedelta(minutes=20))
    kept = confirmed(bulky, units=4)

    released = services.release_expired(now=MONDAY_MORNING + dt.timedelta(minutes=30))

    assert released == 1
    assert {b.pk: b.status for b in Booking.objects.all()} == {
        old.pk: BookingStatus.RELEASED,
        fresh.pk: BookingStatus.HELD,
        kept.pk: BookingStatus.CONFIRMED,
    }
    assert slot(bulky).used == 5
    assert AuditEvent.objects.filter(action="booking.released", target_id=str(old.pk)).exists()
    assert_counts_match_bookings()


def test_the_scheduled_task_releases_expired_holds(bulky, monkeypatch):
    hold(bulky, units=2)
    hold(bulky, THURSDAY, units=1)
    monkeypatch.setattr("django.utils.timezone.now", lambda: MONDAY_MORNING + dt.timedelta(hours=1))
    monkeypatch.setattr(services, "RELEASE_BATCH", 1)  # one a batch: the task goes on until none are left

    assert tasks.release_expired_holds() == 2
    assert Slot.objects.aggregate(used=Sum("used"))["used"] == 0


def test_nothing_can_be_booked_on_a_calendar_that_is_not_taking_bookings(bulky):
    bulky.active = False
    bulky.save()

    with pytest.raises(services.BookingError) as refused:
        hold(bulky)

    assert refused.value.code == "closed"
    assert services.available_dates(bulky, "N1", now=MONDAY_MORNING) == []


def test_a_timed_booking_moves_to_the_same_time_on_another_day():
    calendar = CalendarFactory()
    for weekday in (1, 3):
        WeeklyCapacityFactory(
            calendar=calendar, zone="main-room", weekday=weekday, start_time=dt.time(10), end_time=dt.time(11)
        )
    booking = services.hold(calendar, "main-room", TUESDAY, units=1, start=dt.time(10), now=MONDAY_MORNING)

    services.move(booking, THURSDAY, by=None, now=MONDAY_MORNING)

    booking.refresh_from_db()
    assert (booking.slot.day, booking.slot.start_time, booking.slot.end_time) == (THURSDAY, dt.time(10), dt.time(11))


def test_staff_changing_a_time_nobody_booked_keep_its_end(manager):
    calendar = CalendarFactory()
    WeeklyCapacityFactory(calendar=calendar, zone="main-room", start_time=dt.time(10), end_time=dt.time(11))

    row = services.set_day_capacity(
        calendar, "main-room", TUESDAY, start=dt.time(10), places=2, closed=False, by=manager
    )

    assert (row.start_time, row.end_time, row.places) == (dt.time(10), dt.time(11), 2)


def test_releasing_twice_gives_nothing_back_twice(bulky):
    hold(bulky, units=2)
    later = MONDAY_MORNING + dt.timedelta(hours=1)

    assert services.release_expired(now=later) == 1
    assert services.release_expired(now=later) == 0
    assert slot(bulky).used == 0


# Cancelling


def test_cancelling_gives_the_places_back_and_records_why(bulky, manager):
    booking = confirmed(bulky, units=3)

    services.cancel(booking, by=manager, reason="Moving house", now=MONDAY_MORNING)

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.cancel_reason == "Moving house"
    assert slot(bulky).used == 0
    event = AuditEvent.objects.get(action="booking.cancelled")
    assert event.actor == manager
    assert event.data["reason"] == "Moving house"


def test_a_confirmed_booking_cannot_be_cancelled_after_the_cut_off(bulky):
    booking = confirmed(bulky)

    with pytest.raises(services.BookingError) as refused:
        services.cancel(booking, by=None, reason="", now=MONDAY_AFTER_CUTOFF)

    assert refused.value.code == "past_cutoff"
    assert str(refused.value) == "It is too late to cancel this booking: the cut-off was 2pm on Monday 1 December 2025"
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert slot(bulky).used == 1


def test_staff_may_cancel_after_the_cut_off(bulky, manager):
    booking = confirmed(bulky)

    services.cancel(booking, by=manager, reason="Crew off sick", override_cutoff=True, now=MONDAY_AFTER_CUTOFF)

    assert slot(bulky).used == 0
    assert AuditEvent.objects.get(action="booking.cancelled").data["override_cutoff"] is True


def test_a_hold_can_be_abandoned_after_the_cut_off(bulky):
    booking = hold(bulky, now=london(2025, 12, 1, 13, 50))

    services.cancel(booking, by=None, reason="Did not pay", now=MONDAY_AFTER_CUTOFF)

    assert slot(bulky).used == 0


def test_cancelling_twice_gives_the_places_back_once(bulky):
    booking = confirmed(bulky, units=2)
    hold(bulky, units=1)

    services.cancel(booking, by=None, reason="", now=MONDAY_MORNING)
    services.cancel(booking, by=None, reason="", now=MONDAY_MORNING)

    assert slot(bulky).used == 1


# Moving and resizing


def test_moving_takes_the_new_place_and_gives_the_old_one_back(bulky, manager):
    booking = confirmed(bulky, units=2)

    services.move(booking, THURSDAY, by=manager, now=MONDAY_MORNING)

    booking.refresh_from_db()
    assert booking.slot.day == THURSDAY
    assert booking.status == BookingStatus.CONFIRMED
    assert (slot(bulky, TUESDAY).used, slot(bulky, THURSDAY).used) == (0, 2)
    event = AuditEvent.objects.get(action="booking.moved")
    assert event.data["before"] == {"zone": "N1", "day": "2025-12-02", "units": 2}
    assert event.data["day"] == "2025-12-04"


def test_a_move_to_a_full_day_keeps_the_booking_where_it_was(bulky):
    SlotFactory(calendar=bulky, day=THURSDAY, places=1)
    hold(bulky, THURSDAY)
    booking = confirmed(bulky)

    with pytest.raises(services.BookingError) as refused:
        services.move(booking, THURSDAY, by=None, now=MONDAY_MORNING)

    assert refused.value.code == "full"
    booking.refresh_from_db()
    assert booking.slot.day == TUESDAY
    assert (slot(bulky, TUESDAY).used, slot(bulky, THURSDAY).used) == (1, 1)
    assert not AuditEvent.objects.filter(action="booking.moved").exists()


def test_a_booking_cannot_be_moved_off_a_day_past_its_cut_off(bulky):
    booking = confirmed(bulky)

    with pytest.raises(services.BookingError) as refused:
        services.move(booking, NEXT_TUESDAY, by=None, now=MONDAY_AFTER_CUTOFF)

    assert refused.value.code == "past_cutoff"
    assert "too late to change" in str(refused.value)


def test_a_booking_cannot_be_moved_to_a_day_past_its_cut_off(bulky):
    booking = confirmed(bulky, THURSDAY)

    with pytest.raises(services.BookingError) as refused:
        services.move(booking, TUESDAY, by=None, now=MONDAY_AFTER_CUTOFF)

    assert refused.value.code == "past_cutoff"
    assert slot(bulky, THURSDAY).used == 1


def test_a_booking_can_move_to_another_area(bulky):
    booking = confirmed(bulky)

    services.move(booking, TUESDAY, zone="S1", by=None, now=MONDAY_MORNING)

    assert (slot(bulky, TUESDAY, "N1").used, slot(bulky, TUESDAY, "S1").used) == (0, 1)


def test_moving_a_hold_renews_it(bulky):
    booking = hold(bulky)

    services.move(booking, THURSDAY, by=None, now=MONDAY_MORNING + dt.timedelta(minutes=25))

    booking.refresh_from_db()
    assert booking.expires_at == MONDAY_MORNING + dt.timedelta(minutes=55)


def test_more_units_are_taken_only_if_the_day_has_room(bulky):
    SlotFactory(calendar=bulky, day=TUESDAY, places=4)
    booking = confirmed(bulky, units=2)

    services.change_units(booking, units=4, by=None, now=MONDAY_MORNING)
    assert slot(bulky).used == 4
    with pytest.raises(services.BookingError) as refused:
        services.change_units(booking, units=5, by=None, now=MONDAY_MORNING)

    assert refused.value.code == "full"
    booking.refresh_from_db()
    assert booking.units == 4
    assert slot(bulky).used == 4


def test_fewer_units_give_places_back(bulky):
    booking = confirmed(bulky, units=3)

    services.change_units(booking, units=1, by=None, now=MONDAY_MORNING)

    assert slot(bulky).used == 1
    assert AuditEvent.objects.get(action="booking.units_changed").data["before"]["units"] == 3
    assert_counts_match_bookings()


def test_units_cannot_change_after_the_cut_off_unless_staff_say_so(bulky, manager):
    booking = confirmed(bulky, units=3)

    with pytest.raises(services.BookingError):
        services.change_units(booking, units=1, by=None, now=MONDAY_AFTER_CUTOFF)
    services.change_units(booking, units=1, by=manager, override_cutoff=True, now=MONDAY_AFTER_CUTOFF)

    assert slot(bulky).used == 1


def test_an_ended_booking_cannot_be_moved(bulky):
    booking = services.cancel(confirmed(bulky), by=None, reason="", now=MONDAY_MORNING)

    with pytest.raises(services.BookingError) as refused:
        services.move(booking, THURSDAY, by=None, now=MONDAY_MORNING)

    assert refused.value.code == "not_live"


# Completing


def test_a_confirmed_booking_is_completed_on_its_day_and_keeps_its_places(bulky):
    booking = confirmed(bulky, units=2)

    with pytest.raises(services.BookingError):
        services.complete(booking, by=None, now=MONDAY_MORNING)
    services.complete(booking, by=None, now=london(2025, 12, 2, 11, 0))

    booking.refresh_from_db()
    assert booking.status == BookingStatus.COMPLETED
    assert slot(bulky).used == 2
    with pytest.raises(services.BookingError):
        services.cancel(booking, by=None, reason="", override_cutoff=True)


# The day's list


def test_the_days_list_has_live_and_completed_bookings_by_area(bulky, django_assert_num_queries):
    home = make_case("Ada Resident")
    south = confirmed(bulky, zone="S1", case=home)
    north = hold(bulky, summary="Fridge")
    services.cancel(confirmed(bulky), by=None, reason="", now=MONDAY_MORNING)
    hold(bulky, THURSDAY)

    with django_assert_num_queries(1):
        everyone = list(day_list(bulky, None, TUESDAY))
        names = [b.case.requester_name if b.case else "" for b in everyone]

    assert everyone == [north, south]
    assert names == ["", "Ada Resident"]
    assert list(day_list(bulky, "S1", TUESDAY)) == [south]


# Staff changes to capacity


def test_staff_change_a_days_places_and_it_keeps_them(bulky, manager):
    services.set_day_capacity(bulky, "N1", TUESDAY, places=30, closed=False, note="Extra crew", by=manager)

    row = slot(bulky)
    assert (row.places, row.overridden, row.note) == (30, True, "Extra crew")
    event = AuditEvent.objects.get(action="bookings.day_changed")
    assert event.data["places"] == 30
    assert event.actor == manager


def test_places_cannot_go_below_what_is_booked(bulky):
    hold(bulky, units=5)

    with pytest.raises(services.BookingError) as refused:
        services.set_day_capacity(bulky, "N1", TUESDAY, places=4, closed=False, by=None)

    assert refused.value.code == "below_used"
    assert str(refused.value) == "Places must be 5 or more: 5 places are already booked"
    assert slot(bulky).places == 20


def test_closing_a_day_keeps_its_bookings(bulky):
    booking = confirmed(bulky, units=2)

    services.set_day_capacity(bulky, "N1", TUESDAY, places=20, closed=True, by=None)

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert slot(bulky).used == 2


def test_staff_can_add_places_on_a_day_the_usual_week_has_none(bulky):
    wednesday = dt.date(2025, 12, 3)
    services.set_day_capacity(bulky, "N1", wednesday, places=5, closed=False, by=None)

    booking = hold(bulky, wednesday)

    assert booking.slot.places == 5


def test_undoing_a_days_change_follows_the_usual_week_again(bulky):
    hold(bulky, dt.date(2025, 12, 25) - dt.timedelta(days=2), units=1)
    christmas = dt.date(2025, 12, 25)
    services.set_day_capacity(bulky, "N1", christmas, places=3, closed=False, by=None)
    hold(bulky, christmas, units=2)

    services.reset_day_capacity(bulky, "N1", christmas, by=None)

    row = slot(bulky, christmas)
    assert (row.places, row.overridden, row.closed) == (20, False, False)
    with pytest.raises(services.BookingError) as refused:
        hold(bulky, christmas)
    assert refused.value.code == "closed"  # a bank holiday again


def test_changing_the_usual_week_changes_the_days_made_from_it_but_not_the_days_staff_changed(bulky):
    hold(bulky, TUESDAY, units=5)
    hold(bulky, NEXT_TUESDAY, units=1)
    services.set_day_capacity(bulky, "N1", dt.date(2025, 12, 16), places=40, closed=False, by=None)

    services.set_weekly_places(bulky, "N1", {1: 3, 3: 20, 4: 10}, by=None, today=dt.date(2025, 12, 1))

    assert WeeklyCapacity.objects.get(calendar=bulky, zone="N1", weekday=1).places == 3
    assert WeeklyCapacity.objects.get(calendar=bulky, zone="N1", weekday=4).places == 10
    assert slot(bulky, TUESDAY).places == 5  # never below what is booked
    assert slot(bulky, NEXT_TUESDAY).places == 3
    assert slot(bulky, dt.date(2025, 12, 16)).places == 40
    assert AuditEvent.objects.get(action="bookings.week_changed").data["after"] == {"1": 3, "3": 20, "4": 10}


def test_a_weekday_set_to_none_stops_taking_bookings(bulky):
    hold(bulky, TUESDAY, units=2)
    hold(bulky, NEXT_TUESDAY, units=1)
    services.cancel(Booking.objects.get(slot__day=NEXT_TUESDAY), by=None, reason="", now=MONDAY_MORNING)
    SlotFactory(calendar=bulky, day=dt.date(2025, 12, 16), places=20)

    services.set_weekly_places(bulky, "N1", {1: 0}, by=None, today=dt.date(2025, 12, 1))

    assert not WeeklyCapacity.objects.filter(calendar=bulky, zone="N1", weekday=1).exists()
    assert slot(bulky, TUESDAY).places == 2  # full: its bookings stay
    assert slot(bulky, NEXT_TUESDAY).places == 0  # a cancelled booking keeps the row
    assert not Slot.objects.filter(day=dt.date(2025, 12, 16)).exists()  # nobody ever booked it
    with pytest.raises(services.BookingError):
        hold(bulky, dt.date(2025, 12, 23))
