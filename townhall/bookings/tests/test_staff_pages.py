"""The bookings pages of the staff console: who may see and change what, the capacity
table, changing a day and an area's usual week, and the day's list."""

import datetime as dt
from contextlib import contextmanager
from unittest import mock

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from townhall.accounts.models import Role
from townhall.accounts.tests.factories import StaffFactory, UserFactory
from townhall.bookings import services
from townhall.bookings.models import Booking, Slot, WeeklyCapacity
from townhall.bookings.tests.factories import SlotFactory, london, make_case
from townhall.catalogue.tests.factories import ServiceFactory
from townhall.core.models import AuditEvent
from townhall.gazetteer.tests.factories import PropertyFactory

pytestmark = pytest.mark.django_db

MONDAY = london(2025, 12, 1, 9, 0)
TUESDAY = dt.date(2025, 12, 2)


@contextmanager
def on_monday():
    """Monday 1 December 2025, 9am: Tuesday's bookings are still open."""
    with mock.patch("django.utils.timezone.now", return_value=MONDAY.astimezone(dt.UTC)):
        yield


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def monday():
    with on_monday():
        yield


@pytest.fixture
def people():
    admin = StaffFactory(role=Role.COUNCIL_ADMIN, full_name="Ada Admin")
    # Council admins must have an authenticator app to reach /staff/.
    Authenticator.objects.create(user=admin, type=Authenticator.Type.TOTP, data={"secret": "not-used-in-tests"})
    return {
        "anonymous": None,
        "resident": UserFactory(),
        "agent": StaffFactory(role=Role.AGENT),
        "officer": StaffFactory(role=Role.OFFICER),
        "auditor": StaffFactory(role=Role.AUDITOR),
        "manager": StaffFactory(role=Role.TEAM_MANAGER),
        "admin": admin,
    }


@pytest.fixture
def login(client, people):
    def sign_in(name: str):
        client.logout()
        if people[name] is not None:
            client.force_login(people[name])
        return client

    return sign_in


def _url(name: str, calendar, **kwargs) -> str:
    args = {
        "calendars": [],
        "capacity": [calendar.slug],
        "day": [calendar.slug, TUESDAY],
        "change_day": [calendar.slug, TUESDAY, "N1"],
        "reset_day": [calendar.slug, TUESDAY, "N1"],
        "usual_week": [calendar.slug, "N1"],
        "new_area": [calendar.slug],
    }[name]
    return reverse(f"bookings:{name}", args=args)


READ_PAGES = ["calendars", "capacity", "day"]
EDIT_PAGES = ["change_day", "usual_week", "new_area"]


def _snapshot(calendar) -> tuple:
    return (
        list(Slot.objects.values_list("day", "zone", "places", "closed", "overridden").order_by("pk")),
        list(WeeklyCapacity.objects.filter(calendar=calendar).values_list("zone", "weekday", "places").order_by("pk")),
        AuditEvent.objects.filter(action__startswith="bookings.").count(),
    )


def _writes(client, calendar) -> list:
    week = {f"day_{n}": "5" for n in range(7)}
    return [
        client.post(_url("change_day", calendar), {"places": "3", "note": "Less"}),
        client.post(_url("reset_day", calendar)),
        client.post(_url("usual_week", calendar), week),
        client.post(_url("new_area", calendar), {"zone": "E1", **week}),
    ]


# Who may see and change what


@pytest.mark.parametrize("page", READ_PAGES + EDIT_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(page, login, bulky):
    response = login("anonymous").get(_url(page, bulky))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("page", READ_PAGES + EDIT_PAGES)
def test_residents_are_refused_every_page(page, login, bulky):
    assert login("resident").get(_url(page, bulky)).status_code == 403


@pytest.mark.parametrize("who", ["agent", "officer", "auditor", "manager", "admin"])
@pytest.mark.parametrize("page", READ_PAGES)
def test_any_member_of_staff_sees_the_calendars_and_the_days_bookings(page, who, login, bulky):
    assert login(who).get(_url(page, bulky)).status_code == 200


@pytest.mark.parametrize("who", ["agent", "officer", "auditor"])
@pytest.mark.parametrize("page", EDIT_PAGES)
def test_staff_without_a_managers_role_are_refused_the_change_pages(page, who, login, bulky):
    assert login(who).get(_url(page, bulky)).status_code == 403


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 302), ("resident", 403), ("agent", 403), ("officer", 403), ("auditor", 403)]
)
def test_only_managers_and_admins_change_capacity_and_a_refusal_changes_nothing(who, status, login, bulky):
    services.set_day_capacity(bulky, "N1", TUESDAY, places=30, closed=False, by=None)
    before = _snapshot(bulky)

    responses = _writes(login(who), bulky)

    assert [response.status_code for response in responses] == [status] * 4
    assert _snapshot(bulky) == before


@pytest.mark.parametrize("who", ["manager", "admin"])
def test_managers_and_admins_change_capacity(who, login, bulky):
    responses = _writes(login(who), bulky)

    assert [response.status_code for response in responses] == [302] * 4
    assert WeeklyCapacity.objects.filter(calendar=bulky, zone="E1").count() == 7


@pytest.mark.parametrize("who", ["agent", "auditor"])
def test_staff_who_only_read_are_not_offered_changes(who, login, bulky):
    page = login(who).get(_url("capacity", bulky)).content.decode()

    assert _url("change_day", bulky) not in page
    assert _url("new_area", bulky) not in page
    assert _url("day", bulky) not in page  # no bookings yet


def test_a_manager_is_offered_changes(login, bulky):
    page = login("manager").get(_url("capacity", bulky)).content.decode()

    assert _url("change_day", bulky) in page
    assert _url("usual_week", bulky) in page
    assert _url("new_area", bulky) in page


@pytest.mark.parametrize("start", ["0001-01-01", "9999-12-31", "yesterday"])
def test_a_wrong_or_far_off_first_day_shows_the_coming_weeks(start, login, bulky):
    response = login("agent").get(_url("capacity", bulky), {"from": start})

    assert response.status_code == 200
    assert response.context["start"] == dt.date(2025, 12, 1)


def test_an_unknown_calendar_area_or_date_is_not_found(login, bulky):
    client = login("manager")

    assert client.get(reverse("bookings:capacity", args=["nothing"])).status_code == 404
    assert client.get(reverse("bookings:usual_week", args=[bulky.slug, "Z9"])).status_code == 404
    assert client.get(f"/staff/bookings/{bulky.slug}/days/2025-02-30/").status_code == 404
    assert client.get(_url("change_day", bulky), {"start": "nine"}).status_code == 404


# The capacity table


def test_the_capacity_table_shows_places_booked_and_left_and_closed_days(login, bulky):
    SlotFactory(calendar=bulky, zone="N1", day=TUESDAY, places=20, used=20)
    services.set_day_capacity(bulky, "S1", TUESDAY, places=20, closed=True, note="Crew training", by=None)

    response = login("agent").get(_url("capacity", bulky))

    rows = {(row.day, row.zone): row for row in response.context["rows"]}
    assert rows[(TUESDAY, "N1")].full
    assert rows[(TUESDAY, "S1")].closed
    assert rows[(dt.date(2025, 12, 25), "N1")].reason == "Bank holiday or closure day"
    assert rows[(dt.date(2025, 12, 4), "N1")].left == 20
    assert max(day for day, _zone in rows) == dt.date(2025, 12, 25)  # four weeks from today
    page = response.content.decode()
    assert "Crew training" in page
    assert "Tuesdays: 20, Thursdays: 20" in page
    assert "2pm, 1 working day before" in page


def test_each_day_says_whether_people_can_still_book_it(login, bulky):
    SlotFactory(calendar=bulky, zone="N1", day=dt.date(2025, 12, 4), places=5, used=5)
    client = login("agent")

    with mock.patch("django.utils.timezone.now", return_value=london(2025, 12, 1, 15, 0)):
        states = {(row.day, row.zone): state for row, state in client.get(_url("capacity", bulky)).context["states"]}
        later = client.get(_url("capacity", bulky), {"from": "2026-01-20", "zone": "N1"}).context["states"]

    assert states[(TUESDAY, "N1")] == "past_cutoff"  # 3pm on Monday
    assert states[(dt.date(2025, 12, 4), "N1")] == "full"
    assert states[(dt.date(2025, 12, 9), "N1")] == "open"
    assert states[(dt.date(2025, 12, 25), "N1")] == "closed"
    assert [(row.day, state) for row, state in later][:3] == [
        (dt.date(2026, 1, 20), "open"),
        (dt.date(2026, 1, 22), "open"),
        (dt.date(2026, 1, 27), "not_yet"),  # beyond the 56 days
    ]


def test_the_capacity_table_shows_one_area_and_moves_by_four_weeks(login, bulky):
    response = login("agent").get(_url("capacity", bulky), {"zone": "S1", "from": "2025-12-29"})

    assert {row.zone for row in response.context["rows"]} == {"S1"}
    assert response.context["rows"][0].day == dt.date(2025, 12, 30)
    assert "from=2026-01-26" in response.context["later_url"]
    assert "zone=S1" in response.context["later_url"]


@pytest.mark.parametrize("rows", [3, 30])
def test_the_capacity_table_takes_the_same_queries_however_many_rows(rows, login, bulky, django_assert_num_queries):
    WeeklyCapacity.objects.filter(calendar=bulky).delete()
    for n in range(rows):
        WeeklyCapacity.objects.create(calendar=bulky, zone=f"Z{n:02}", weekday=1, places=5)
        SlotFactory(calendar=bulky, zone=f"Z{n:02}", day=TUESDAY, places=5, used=1, overridden=True)
    client = login("manager")
    client.get(_url("capacity", bulky))  # the council's closure days, now cached

    # The session, the user, the calendar, its usual week, then capacity: the week and the slots.
    with django_assert_num_queries(6):
        response = client.get(_url("capacity", bulky))

    assert len(response.context["rows"]) == rows * 4


# Changing a day


def test_a_manager_changes_a_days_places(login, bulky, people):
    response = login("manager").post(_url("change_day", bulky), {"places": "25", "note": "Extra crew"}, follow=True)

    slot = Slot.objects.get(calendar=bulky, zone="N1", day=TUESDAY)
    assert (slot.places, slot.closed, slot.note, slot.overridden) == (25, False, "Extra crew", True)
    assert "Tuesday 2 December 2025 in area N1 changed" in response.content.decode()
    assert AuditEvent.objects.get(action="bookings.day_changed").actor == people["manager"]


def test_a_manager_closes_a_day(login, bulky):
    login("manager").post(_url("change_day", bulky), {"places": "20", "closed": "on", "note": "Flooding"})

    with pytest.raises(services.BookingError, match="not available"):
        services.hold(bulky, "N1", TUESDAY, units=1)


def test_a_bank_holiday_stays_closed_when_its_form_is_saved_unchanged(login, bulky):
    christmas = dt.date(2025, 12, 25)
    client = login("manager")
    url = reverse("bookings:change_day", args=[bulky.slug, christmas, "N1"])
    form = client.get(url).context["form"]

    client.post(url, {"places": form.initial["places"], "closed": "on" if form.initial["closed"] else ""})

    assert Slot.objects.get(day=christmas).closed


@pytest.mark.parametrize(
    ("places", "message"),
    [
        ("", "Enter the number of places"),
        ("lots", "Places must be a whole number, like 20"),
        ("-1", "Places must be 0 or more"),
        ("2", "Places must be 3 or more, as 3 are already booked"),
    ],
)
def test_a_days_places_are_checked_beside_the_field(places, message, login, bulky):
    services.hold(bulky, "N1", TUESDAY, units=3)

    response = login("manager").post(_url("change_day", bulky), {"places": places})

    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert message in page
    assert response.context["form"].errors["places"] == [message]
    assert Slot.objects.get(day=TUESDAY).places == 20


def test_a_manager_undoes_a_days_change(login, bulky):
    services.set_day_capacity(bulky, "N1", TUESDAY, places=2, closed=True, by=None)
    client = login("manager")
    assert "Use the usual week" in client.get(_url("change_day", bulky)).content.decode()

    client.post(_url("reset_day", bulky))

    slot = Slot.objects.get(day=TUESDAY)
    assert (slot.places, slot.closed, slot.overridden) == (20, False, False)


# An area's usual week


def test_a_manager_changes_an_areas_usual_week(login, bulky):
    week = {f"day_{n}": "0" for n in range(7)} | {"day_0": "4", "day_1": "12"}

    response = login("manager").post(_url("usual_week", bulky), week)

    assert response.status_code == 302
    places = dict(WeeklyCapacity.objects.filter(calendar=bulky, zone="N1").values_list("weekday", "places"))
    assert places == {0: 4, 1: 12}


def test_the_usual_week_form_starts_from_the_current_week(login, bulky):
    form = login("manager").get(_url("usual_week", bulky)).context["form"]

    assert form.initial == {"day_1": 20, "day_3": 20}
    assert "zone" not in form.fields


@pytest.mark.parametrize(
    ("zone", "week", "field", "message"),
    [
        ("N1", {"day_1": "5"}, "zone", "That area already has a usual week: change it instead"),
        ("", {"day_1": "5"}, "zone", "Enter the area's code"),
        ("N/1", {"day_1": "5"}, "zone", "letters, numbers, spaces"),
        ("E1", {}, "day_0", "Enter places for at least one day of the week"),
        ("E1", {"day_1": "x"}, "day_1", "Places must be a whole number, like 20"),
    ],
)
def test_a_new_area_is_checked_beside_the_field(zone, week, field, message, login, bulky):
    data = {f"day_{n}": "0" for n in range(7)} | week | {"zone": zone}

    response = login("manager").post(_url("new_area", bulky), data)

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not WeeklyCapacity.objects.filter(calendar=bulky, zone="E1").exists()


# The day's list


def test_the_days_list_shows_each_booking_with_its_request_and_address(login, bulky):
    home = PropertyFactory()
    case = make_case("Ada Resident", address=home)
    booking = services.hold(bulky, "N1", TUESDAY, units=2, case=case, summary="Sofa, fridge")
    services.confirm(booking)
    services.hold(bulky, "S1", TUESDAY, units=1)

    response = login("agent").get(_url("day", bulky), {"zone": "N1"})

    page = response.content.decode()
    assert [b.pk for b in response.context["bookings"]] == [booking.pk]
    assert case.reference in page
    assert home.single_line in page
    assert "Sofa, fridge" in page
    assert "2 places used" in page
    assert "govuk-!-display-none-print" in page


@pytest.mark.parametrize("rows", [3, 30])
def test_the_days_list_takes_the_same_queries_however_many_bookings(rows, login, bulky, django_assert_num_queries):
    service = ServiceFactory(name="Book a bulky waste collection")
    for n in range(rows):
        case = make_case(f"Resident {n}", address=PropertyFactory(), service=service)
        services.hold(bulky, "N1" if n % 2 else "S1", TUESDAY, units=1, case=case)
    client = login("agent")
    client.get(_url("day", bulky))

    # The session, the user, the calendar, the areas, and the bookings with their requests and addresses.
    with django_assert_num_queries(5):
        response = client.get(_url("day", bulky))

    assert len(response.context["bookings"]) == rows
    assert Booking.objects.count() == rows
