"""Bulky waste in Chromium: a resident books a collection from their bin days and pays on
the sandbox card page, then cancels it and sees the refund (and the back office hears of
both); another changes the items and the day after a declined card; a payer back too late
is told the day went; one starting from the service's start page finds the address and
books on the bulky pages. Every page on the way is scanned with axe and kept as a
screenshot."""

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from django.urls import include, path
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, screenshot
from tests.e2e.test_journeys import sign_in
from townhall import urls as project_urls
from townhall.accounts.tests.factories import UserFactory
from townhall.bookings.models import Booking, BookingStatus
from townhall.cases.models import Draft
from townhall.gazetteer.tests.factories import PropertyFactory
from townhall.payments.models import Refund, RefundStatus
from townhall.waste.models import BulkyBooking, WasteBackOfficeEvent
from townhall.waste.tests.test_bulky_services import make_borough

# Until townhall/urls.py mounts the bulky pages, these tests mount them over the project's.
urlpatterns = list(project_urls.urlpatterns)
if not any(getattr(pattern, "namespace", None) == "bulky" for pattern in urlpatterns):
    urlpatterns.insert(0, path("bins/", include(("townhall.waste.bulky_urls", "bulky"))))

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls(__name__)]


@pytest.fixture
def borough():
    """12 Mill Lane on a refuse round in area N1, the bulky waste service, calendar and
    catalogue, and Rosa, a resident with an account."""
    place = make_borough()
    resident = UserFactory(email="rosa@example.com", full_name="Rosa Resident")
    EmailAddress.objects.create(user=resident, email=resident.email, verified=True, primary=True)
    place.resident = resident
    return place


def check(page: Page, name: str) -> None:
    assert_accessible(page)
    screenshot(page, f"bulky-{name}")


def choose_on_the_card_page(page: Page, outcome: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_contain_text("Enter card details")
    page.get_by_label(outcome).check()
    page.get_by_role("button", name="Continue").click()


def book_up_to_payment(page: Page, borough, *, sofas: int = 2, fridges: int = 1, shots: bool = False) -> None:
    """From the bin days page to the card page."""
    page.goto(f"/bins/{borough.home.uprn}/")
    page.get_by_role("link", name="Book a bulky waste collection").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book a bulky waste collection")
    if shots:
        check(page, "1-start")
    page.get_by_role("button", name="Start now").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("What do you want us to collect?")
    if shots:
        page.get_by_role("button", name="Continue").click()  # nothing chosen: the error summary
        expect(page.locator(".govuk-error-summary")).to_contain_text("Choose at least one item")
        check(page, "2-items-error")
    page.get_by_label("Sofa", exact=True).fill(str(sofas))
    page.get_by_label("Fridge or freezer", exact=True).fill(str(fridges))
    if shots:
        check(page, "2-items")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a collection day")
    if shots:
        check(page, "3-day")
    page.locator("input[name=day]").first.check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Where will you leave the items?")
    page.get_by_label("Where will you leave the items?").fill("In the front garden, by the gate")
    if shots:
        check(page, "4-where")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your contact details")
    expect(page.get_by_label("Email address")).to_have_value("rosa@example.com")  # the account's
    if shots:
        check(page, "5-details")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your booking")
    if shots:
        check(page, "6-check")
    page.get_by_role("button", name="Accept and pay").click()


def test_a_resident_books_pays_then_cancels_and_sees_the_refund(page: Page, borough):
    sign_in(page, "rosa@example.com")
    book_up_to_payment(page, borough, shots=True)
    screenshot(page, "bulky-7-card-page")
    choose_on_the_card_page(page, "The payment succeeds")

    expect(page.locator(".govuk-panel")).to_contain_text("Collection booked")
    expect(page.get_by_text("2 × Sofa")).to_be_visible()
    expect(page.get_by_text("Payment reference")).to_be_visible()
    check(page, "8-booked")
    booked = BulkyBooking.objects.get()
    assert booked.booking.status == BookingStatus.CONFIRMED and booked.price == 6000

    page.get_by_role("link", name="Cancel the collection").click()
    expect(page.get_by_text("We will refund £60 to the card you paid with")).to_be_visible()
    check(page, "9-cancel")
    page.get_by_role("button", name="Cancel the collection").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text("We are refunding £60 to your card")
    expect(page.get_by_text("Cancelled", exact=True)).to_be_visible()
    expect(page.get_by_text("(£60 refunded)")).to_be_visible()
    check(page, "10-cancelled")
    refund = Refund.objects.get()
    assert refund.amount == 6000 and refund.requested_by is None
    assert refund.status == RefundStatus.SUCCESS  # made through the provider, not by a staff email
    assert Booking.objects.get(pk=booked.booking_id).status == BookingStatus.CANCELLED
    # The waste back office heard of both, through the outbox.
    assert list(WasteBackOfficeEvent.objects.order_by("id").values_list("topic", flat=True)) == [
        "bulky_booking.created",
        "bulky_booking.cancelled",
    ]


def test_starting_from_the_services_start_page_finds_the_address_then_books_on_the_bulky_pages(page: Page, borough):
    page.goto("/services/bulky-waste/")
    page.get_by_role("button", name="Start now").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Find the address")
    expect(page.locator(".govuk-caption-l")).to_have_text("Book a bulky waste collection")
    page.get_by_role("button", name="Find address").click()  # no postcode: the error summary
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a postcode")
    check(page, "0-find-address")
    page.get_by_label("Postcode").fill(borough.home.postcode)
    page.get_by_role("button", name="Find address").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Choose the address")
    check(page, "0-choose-address")
    page.get_by_role("link", name=borough.home.single_line).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Book a bulky waste collection")
    assert page.url.endswith(f"/bins/{borough.home.uprn}/bulky/")
    assert not Draft.objects.exists()  # never the generic form


def test_a_resident_retries_a_declined_card_then_changes_the_items_and_the_day(page: Page, borough):
    sign_in(page, "rosa@example.com")
    book_up_to_payment(page, borough, sofas=1, fridges=0)
    choose_on_the_card_page(page, "The card is declined")

    expect(page.get_by_role("heading", level=1)).to_have_text("Your payment was not taken")
    check(page, "pay-declined")
    page.get_by_role("button", name="Try the payment again").click()
    choose_on_the_card_page(page, "The payment succeeds")
    expect(page.locator(".govuk-panel")).to_contain_text("Collection booked")

    page.get_by_role("link", name="Change the items").click()
    check(page, "change-items")
    page.get_by_label("Fridge or freezer", exact=True).fill("1")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your change")
    expect(page.get_by_text("To pay now")).to_be_visible()
    check(page, "change-confirm")
    page.get_by_role("button", name="Confirm and pay £25").click()
    choose_on_the_card_page(page, "The payment succeeds")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your change is paid for")
    expect(page.get_by_text("1 × Fridge or freezer")).to_be_visible()

    page.get_by_role("link", name="Change the collection day").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a collection day")
    check(page, "change-day")
    page.locator("input[name=day]").first.check()
    page.get_by_role("button", name="Change the day").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your collection has moved to")
    booked = BulkyBooking.objects.get()
    assert booked.price == 6000 and booked.booking.units == 2


def test_a_payer_back_too_late_is_told_the_day_was_given_back(page: Page, borough):
    sign_in(page, "rosa@example.com")
    book_up_to_payment(page, borough)
    booked = BulkyBooking.objects.get()
    Booking.objects.filter(pk=booked.booking_id).update(expires_at=booked.booking.expires_at - dt.timedelta(hours=1))
    choose_on_the_card_page(page, "The payer cancels")

    expect(page.get_by_role("heading", level=1)).to_have_text("Your collection was not booked")
    expect(page.get_by_text("Nothing was taken from your card")).to_be_visible()
    check(page, "too-late")


def test_an_address_with_no_collections_is_told_it_cannot_book_online(page: Page, borough):
    shop = PropertyFactory(building_number="1", classification="CR08")

    page.goto(f"/bins/{shop.uprn}/bulky/")

    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot book a bulky waste collection online")
    check(page, "unavailable")
