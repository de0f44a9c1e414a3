"""Bulky waste's pages: booking from an address's bin days through to payment, the
collection's own page, changing and cancelling it, and who is refused."""

import datetime as dt
import re

import pytest
from django.template.loader import render_to_string
from django.urls import include, path, reverse

from townhall import urls as project_urls
from townhall.accounts.models import Role
from townhall.accounts.tests.factories import StaffFactory, UserFactory
from townhall.bookings import services as bookings
from townhall.bookings.models import BookingStatus
from townhall.catalogue.models import AWAITING_PAYMENT, Channel
from townhall.payments.models import Payment, Refund
from townhall.payments.providers.sandbox import SandboxProvider
from townhall.waste.models import BulkyBooking
from townhall.waste.tests.test_bulky_services import a_day, booked_and_paid, deliver, make_borough, reload

# Until townhall/urls.py mounts the bulky pages, the tests mount them over the project's.
urlpatterns = list(project_urls.urlpatterns)
if not any(getattr(pattern, "namespace", None) == "bulky" for pattern in urlpatterns):
    urlpatterns.insert(0, path("bins/", include(("townhall.waste.bulky_urls", "bulky"))))

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture
def borough():
    return make_borough()


ITEMS = {"item_sofa": "2", "item_chair": "0", "item_fridge-freezer": "1"}


def url(name: str, *args) -> str:
    return reverse(f"bulky:{name}", args=args)


def walk_to_check(client, borough, *, details=None):
    """Items, day, where and details, as a resident fills them in."""
    home = borough.home.uprn
    day = a_day(borough.calendar)
    assert client.post(url("items", home), ITEMS)["Location"] == url("day", home)
    assert client.post(url("day", home), {"day": day.isoformat()})["Location"] == url("location", home)
    assert client.post(url("location", home), {"location": "Front garden"})["Location"] == url("details", home)
    details = details or {"full_name": "Ada Resident", "email": "ada@example.com", "phone": ""}
    assert client.post(url("details", home), details)["Location"] == url("check", home)
    return day


def submission_key(client, borough) -> str:
    page = client.get(url("check", borough.home.uprn)).content.decode()
    return re.search(r'name="submission_key" value="([^"]+)"', page).group(1)


def pay_on_the_sandbox(client, response, outcome: str = "success"):
    """Follow the redirect to the sandbox card page, choose, and come back."""
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    back = SandboxProvider().complete(token, outcome)
    return client.get(back.replace("http://testserver", ""), follow=True)


# Booking


def test_the_bin_days_page_links_to_booking_a_bulky_collection(client, borough):
    page = client.get(reverse("bins:property", args=[borough.home.uprn]))

    assert url("start", borough.home.uprn) in page.content.decode()


def test_the_start_page_shows_the_prices_and_the_rules(client, borough):
    page = client.get(url("start", borough.home.uprn)).content.decode()

    assert "Book a bulky waste collection" in page
    assert "Up to 3 items" in page and "£35" in page and "£25" in page
    assert "2pm, 1 working day before" in page


def test_an_address_on_no_round_is_told_it_cannot_book_online(client, borough):
    from townhall.gazetteer.tests.factories import PropertyFactory

    shop = PropertyFactory(building_number="1")

    page = client.get(url("start", shop.uprn)).content.decode()

    assert "You cannot book a bulky waste collection online" in page


def test_a_resident_books_pays_and_sees_the_confirmation(client, borough):
    day = walk_to_check(client, borough)
    check = client.get(url("check", borough.home.uprn)).content.decode()
    assert "£60" in check and "2 × Sofa" in check and "We are keeping" in check

    response = client.post(url("check", borough.home.uprn), {"submission_key": submission_key(client, borough)})

    assert response.status_code == 302 and "/payments/sandbox/" in response["Location"]
    booked = BulkyBooking.objects.get()
    assert booked.case.status == AWAITING_PAYMENT["key"] and booked.booking.slot.day == day
    assert booked.case.channel == Channel.WEB
    page = pay_on_the_sandbox(client, response)
    assert page.redirect_chain[-1][0] == url("booking", booked.case.reference)
    text = page.content.decode()
    assert "Collection booked" in text and booked.case.reference in text
    assert reload(booked).booking.status == BookingStatus.CONFIRMED


def test_a_second_click_on_pay_finds_the_first_booking(client, borough):
    walk_to_check(client, borough)
    key = submission_key(client, borough)

    first = client.post(url("check", borough.home.uprn), {"submission_key": key})
    second = client.post(url("check", borough.home.uprn), {"submission_key": key})

    assert BulkyBooking.objects.count() == 1
    assert first.status_code == second.status_code == 302


def test_choosing_no_items_shows_the_error_summary(client, borough):
    page = client.post(url("items", borough.home.uprn), {"item_sofa": "0"}).content.decode()

    assert "govuk-error-summary" in page and "Choose at least one item" in page
    assert "<title>Error:" in page


def test_too_many_items_are_refused(client, borough):
    page = client.post(url("items", borough.home.uprn), {"item_fridge-freezer": "7"}).content.decode()

    assert "You can book up to 6 items in one collection" in page


def test_a_day_filled_up_meanwhile_is_refused_with_a_reason(client, borough):
    home = borough.home.uprn
    day = a_day(borough.calendar)
    client.post(url("items", home), ITEMS)
    client.get(url("day", home))
    bookings.hold(borough.calendar, "N1", day, units=19)

    page = client.post(url("day", home), {"day": day.isoformat()}).content.decode()

    assert "govuk-error-summary" in page and "That day is no longer available, choose another" in page


def test_the_day_page_lists_open_days_in_a_few_queries(client, borough, django_assert_max_num_queries):
    client.post(url("items", borough.home.uprn), ITEMS)

    with django_assert_max_num_queries(10):
        page = client.get(url("day", borough.home.uprn))

    assert a_day(borough.calendar).isoformat() in page.content.decode()


def test_staff_book_for_a_caller_on_the_phone(client, borough):
    agent = StaffFactory(role=Role.AGENT)
    client.force_login(agent)
    assert "booking for a caller" in client.get(url("start", borough.home.uprn)).content.decode()
    walk_to_check(client, borough, details={"full_name": "Cal Caller", "email": "", "phone": "07700 900456"})

    response = client.post(url("check", borough.home.uprn), {"submission_key": submission_key(client, borough)})

    booked = BulkyBooking.objects.get()
    assert booked.case.channel == Channel.PHONE and booked.case.requester_phone == "07700 900456"
    payment = Payment.objects.get()
    assert payment.moto and payment.taken_by == agent
    assert "/payments/sandbox/" in response["Location"]


def test_a_payer_back_too_late_is_told_the_day_was_given_back(client, borough):
    walk_to_check(client, borough)
    response = client.post(url("check", borough.home.uprn), {"submission_key": submission_key(client, borough)})
    booked = BulkyBooking.objects.get()
    expired = booked.booking.expires_at - dt.timedelta(hours=1)
    type(booked.booking).objects.filter(pk=booked.booking_id).update(expires_at=expired)

    page = pay_on_the_sandbox(client, response, outcome="cancel").content.decode()

    assert "Your collection was not booked" in page and "gave the day back" in page
    assert reload(booked).case.is_closed


# The collection's pages


@pytest.fixture
def resident():
    return UserFactory(email="ada@example.com", full_name="Ada Resident")


@pytest.fixture
def paid(borough, resident):
    return booked_and_paid(borough, {"sofa": 2, "chair": 2}, by=resident)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("anonymous", False), ("other resident", False), ("auditor", False), ("owner", True), ("agent", True)],
)
def test_a_collections_page_is_for_its_resident_and_staff_only(client, paid, resident, who, allowed):
    users = {
        "other resident": lambda: UserFactory(),
        "auditor": lambda: StaffFactory(role=Role.AUDITOR),
        "owner": lambda: resident,
        "agent": lambda: StaffFactory(role=Role.AGENT),
    }
    if who in users:
        client.force_login(users[who]())
    reference = paid.case.reference

    for name in ("booking", "change_items", "change_day", "cancel"):
        response = client.get(url(name, reference))
        assert (response.status_code == 200) is allowed, name
        if not allowed:
            assert response.status_code == 404
    refused = client.post(url("cancel", reference))
    assert reload(paid).booking.status == BookingStatus.CONFIRMED or allowed
    if not allowed:
        assert refused.status_code == 404


def test_the_collections_page_shows_it_in_a_few_queries(client, paid, resident, django_assert_max_num_queries):
    client.force_login(resident)

    with django_assert_max_num_queries(12):
        page = client.get(url("booking", paid.case.reference))

    text = page.content.decode()
    assert "2 × Sofa" in text and "Change the items" in text and "£55" in text


def test_fewer_items_show_the_refund_before_it_is_made(client, paid, resident):
    client.force_login(resident)
    reference = paid.case.reference

    confirm = client.post(url("change_items", reference), {"item_sofa": "2"}).content.decode()
    assert "We refund to your card" in confirm and "£20" in confirm
    assert reload(paid).items[1]["quantity"] == 2  # nothing changed yet

    done = client.post(url("change_items", reference), {"item_sofa": "2", "confirm": "1"})
    deliver()

    assert done["Location"] == url("booking", reference)
    assert Refund.objects.get().amount == 2000
    assert reload(paid).price == 3500


def test_more_items_send_the_resident_to_pay_the_difference(client, paid, resident):
    client.force_login(resident)
    reference = paid.case.reference

    response = client.post(
        url("change_items", reference),
        {"item_sofa": "2", "item_chair": "2", "item_fridge-freezer": "1", "confirm": "1"},
    )

    assert "/payments/sandbox/" in response["Location"]
    page = pay_on_the_sandbox(client, response)
    assert "Your change is paid for" in page.content.decode()
    assert reload(paid).price == 5500 + 2500


def test_a_resident_cancels_and_the_refund_is_on_its_way(client, paid, resident):
    client.force_login(resident)
    reference = paid.case.reference
    assert "We will refund £55" in client.get(url("cancel", reference)).content.decode()

    response = client.post(url("cancel", reference), follow=True)
    deliver()

    assert "Your collection is cancelled. We are refunding £55 to your card." in response.content.decode()
    assert Refund.objects.get().amount == 5500
    assert reload(paid).booking.status == BookingStatus.CANCELLED


def test_after_the_cutoff_the_resident_cannot_change_or_cancel(client, paid, resident):
    client.force_login(resident)
    paid.booking.calendar.cutoff_days = 60  # the day's cut-off is now long past
    paid.booking.calendar.save()

    page = client.get(url("booking", paid.case.reference)).content.decode()
    refused = client.post(url("cancel", paid.case.reference), follow=True).content.decode()

    assert "The cut-off for changes and cancellations was" in page and "Cancel the collection" not in page
    assert "can no longer be changed online" in refused
    assert reload(paid).booking.status == BookingStatus.CONFIRMED


def test_a_requests_page_can_show_its_collection_and_the_way_to_change_it(paid):
    html = render_to_string("waste/bulky/includes/request_actions.html", {"case": paid.case})

    assert url("booking", paid.case.reference) in html and "See, change or cancel the collection" in html


def test_staff_see_the_items_and_where_they_are_left_on_the_days_list(client, paid):
    client.force_login(StaffFactory(role=Role.OFFICER))

    page = client.get(reverse("bookings:day", args=["bulky-waste", paid.booking.slot.day])).content.decode()

    assert "2 × Sofa, 2 × Chair. Left: Front garden, by the gate" in page
