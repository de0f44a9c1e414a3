"""The garden waste pages: a resident subscribes and pays on the sandbox card page, and
garden waste shows on their bin days; changes, cancelling and not going ahead; staff set
up a subscription for a caller and list a property's subscriptions; who is refused."""

import datetime as dt
import html
import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from townhall.accounts.models import Role
from townhall.accounts.tests.factories import StaffFactory, UserFactory
from townhall.catalogue.models import AWAITING_PAYMENT, Channel
from townhall.payments.models import Payment, Refund
from townhall.payments.providers.sandbox import SandboxProvider
from townhall.waste.garden import renewals, rules
from townhall.waste.garden import services as garden_services
from townhall.waste.garden_models import GardenChange, GardenStatus, GardenSubscription
from townhall.waste.tests.test_garden_helpers import TODAY, URLCONF, clock, garden_home, make_service, pay

pytestmark = [pytest.mark.django_db, pytest.mark.urls(URLCONF)]


@pytest.fixture
def home():
    make_service()
    return garden_home()


@pytest.fixture
def resident():
    return UserFactory(email="rosa@example.com", full_name="Rosa Resident")


@pytest.fixture
def signed_in(client: Client, resident) -> Client:
    client.force_login(resident)
    return client


def text_of(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def subscribed(home, user, *, bins: int = 1, day: dt.date = TODAY) -> GardenSubscription:
    with clock(day):
        subscription = garden_services.subscribe(place=home, bins=bins, concession=False, channel=Channel.WEB, by=user)
        pay(subscription.case)
    subscription.refresh_from_db()
    return subscription


def pay_on_the_sandbox_page(client: Client, response, outcome: str = "success"):
    """Follow the redirect to the sandbox card page, choose the outcome, come back."""
    assert response.status_code == 302
    token = urlsplit(response["Location"]).path.rstrip("/").rsplit("/", 1)[-1]
    back = SandboxProvider().complete(token, outcome)
    return client.get(urlsplit(back).path, follow=True)


# The resident's journey


def test_the_garden_page_shows_the_prices_and_asks_a_visitor_to_sign_in(client: Client, home):
    response = client.get(f"/bins/{home.uprn}/garden/")

    text = text_of(response)
    assert response.status_code == 200
    assert "Prices for a year" in text and "£65" in text and "£110" in text and "£32.50" in text
    assert "Sign in to subscribe" in text


def test_a_flat_is_told_it_has_no_garden_waste_collection(client: Client, home):
    flat = garden_home(number="3A", classification="RD06", garden_round=False)

    response = client.get(f"/bins/{flat.uprn}/garden/")

    assert "We do not collect garden waste from this address" in text_of(response)
    assert "Subscribe" not in text_of(response)


def test_the_bin_day_page_links_to_garden_waste(client: Client, home):
    assert f"/bins/{home.uprn}/garden/" in client.get(f"/bins/{home.uprn}/").content.decode()


def test_a_resident_subscribes_pays_and_sees_garden_waste_on_their_bin_days(signed_in: Client, home):
    with clock(TODAY):
        form = signed_in.get(f"/bins/{home.uprn}/garden/subscribe/")
        assert "How many garden waste bins do you want?" in text_of(form)
        assert "Caller" not in text_of(form)

        to_check = signed_in.post(f"/bins/{home.uprn}/garden/subscribe/", {"bins": "2", "concession": "no"})
        assert to_check["Location"] == f"/bins/{home.uprn}/garden/check/"
        check = signed_in.get(to_check["Location"])
        assert "£110" in text_of(check) and "From 10 June 2026 to 9 June 2027" in text_of(check)

        to_pay = signed_in.post(f"/bins/{home.uprn}/garden/check/")
        case = GardenSubscription.objects.get().case
        assert case.status == AWAITING_PAYMENT["key"] and case.fee == 11000
        done = pay_on_the_sandbox_page(signed_in, to_pay)

    assert done.redirect_chain[-1][0] == f"/bins/{home.uprn}/garden/requests/{case.reference}/"
    assert "Subscription confirmed" in text_of(done) and "Payment received" in text_of(done)
    subscription = GardenSubscription.objects.get()
    assert subscription.status == GardenStatus.ACTIVE and subscription.bins == 2
    # The bin day page now lists garden waste (the cached days were dropped on payment).
    with clock(TODAY):
        bin_days = text_of(signed_in.get(f"/bins/{home.uprn}/"))
    assert "Garden waste" in bin_days and "Renew, change or cancel your garden waste subscription" in bin_days


def test_the_subscribe_form_shows_the_error_summary(signed_in: Client, home):
    response = signed_in.post(f"/bins/{home.uprn}/garden/subscribe/", {})

    text = text_of(response)
    assert "There is a problem" in text
    assert "Select how many bins you want" in text and "Select yes if you get Council Tax Support" in text


def test_a_declined_card_can_be_tried_again_or_not_gone_ahead_with(signed_in: Client, home):
    with clock(TODAY):
        signed_in.post(f"/bins/{home.uprn}/garden/subscribe/", {"bins": "1", "concession": "yes"})
        declined = pay_on_the_sandbox_page(signed_in, signed_in.post(f"/bins/{home.uprn}/garden/check/"), "decline")
        assert "Your payment was not taken" in text_of(declined)
        case = GardenSubscription.objects.get().case

        again = signed_in.post(f"/bins/{home.uprn}/garden/requests/{case.reference}/", {"action": "pay"})
        assert "/payments/sandbox/" in again["Location"]

        signed_in.post(f"/bins/{home.uprn}/garden/requests/{case.reference}/", {"action": "withdraw"})

    subscription = GardenSubscription.objects.get()
    assert subscription.status == GardenStatus.CANCELLED
    assert not Payment.objects.filter(status="success").exists()


def test_a_resident_adds_a_bin_and_pays_the_difference(signed_in: Client, home, resident):
    subscribed(home, resident)

    with clock(dt.date(2026, 9, 25)):
        signed_in.force_login(resident)  # sessions are dated by the clock
        signed_in.post(f"/bins/{home.uprn}/garden/change/", {"bins": "2"})
        check = text_of(signed_in.get(f"/bins/{home.uprn}/garden/check/"))
        assert "£30 for the extra bins for the 8 whole months left" in check
        done = pay_on_the_sandbox_page(signed_in, signed_in.post(f"/bins/{home.uprn}/garden/check/"))

    assert "Change made" in text_of(done) and "You now have 2 garden waste bins" in text_of(done)
    assert GardenSubscription.objects.get().bins == 2


def test_a_resident_gives_up_a_bin_and_is_refunded_at_once(signed_in: Client, home, resident):
    subscribed(home, resident, bins=2)

    with clock(dt.date(2027, 1, 5)):
        signed_in.force_login(resident)  # sessions are dated by the clock
        signed_in.post(f"/bins/{home.uprn}/garden/change/", {"bins": "1"})
        assert "We will refund £18.75" in text_of(signed_in.get(f"/bins/{home.uprn}/garden/check/"))
        done = signed_in.post(f"/bins/{home.uprn}/garden/check/", follow=True)

    assert "We are refunding £18.75" in text_of(done)
    assert Refund.objects.get().amount == 1875


def test_a_resident_cancels_and_is_told_the_refund(signed_in: Client, home, resident):
    subscribed(home, resident, bins=1)

    with clock(dt.date(2026, 12, 1)):
        signed_in.force_login(resident)  # sessions are dated by the clock
        confirm = text_of(signed_in.get(f"/bins/{home.uprn}/garden/cancel/"))
        assert "We will refund £32.50" in confirm
        done = signed_in.post(f"/bins/{home.uprn}/garden/cancel/", {"submission_key": "not-a-key"}, follow=True)

    assert "Subscription cancelled" in text_of(done)
    assert GardenSubscription.objects.get().status == GardenStatus.CANCELLED
    assert Refund.objects.get().amount == 3250


def test_a_resident_renews_inside_the_window(signed_in: Client, home, resident):
    # On the real clock: the sandbox card page expires payments by it.
    today = timezone.localdate()
    first = subscribed(home, resident, day=today - dt.timedelta(days=340))

    assert "Renew for another year" in text_of(signed_in.get(f"/bins/{home.uprn}/garden/"))
    signed_in.post(f"/bins/{home.uprn}/garden/renew/", {"bins": "1", "concession": "no"})
    starts = first.end_date + dt.timedelta(days=1)
    check = text_of(signed_in.get(f"/bins/{home.uprn}/garden/check/"))
    assert f"From {starts:%-d %B %Y} to {rules.term_end(starts):%-d %B %Y}" in check
    done = pay_on_the_sandbox_page(signed_in, signed_in.post(f"/bins/{home.uprn}/garden/check/"))

    assert "Subscription renewed" in text_of(done)
    assert GardenSubscription.objects.filter(status=GardenStatus.ACTIVE).count() == 2


def test_my_account_lists_the_residents_subscriptions(signed_in: Client, home, resident):
    subscribed(home, resident, bins=2)
    template = "{% load garden_tags %}{% garden_subscriptions %}"
    from django.template import Context, Template

    with clock(TODAY):
        section = Template(template).render(Context({"user": resident}))

    assert "Garden waste" in section and "2 bins, 10 June 2026 to 9 June 2027" in section
    assert f"/bins/{home.uprn}/garden/" in section
    assert "Garden waste" not in Template(template).render(Context({"user": UserFactory()}))


# Staff on a caller's behalf


def test_an_agent_sets_up_a_subscription_for_a_caller_and_takes_the_card_on_the_phone(client: Client, home):
    agent = StaffFactory(role=Role.AGENT)
    client.force_login(agent)

    with clock(TODAY):
        form = text_of(client.get(f"/bins/{home.uprn}/garden/subscribe/"))
        assert "Caller's full name" in form
        refused = client.post(f"/bins/{home.uprn}/garden/subscribe/", {"bins": "1", "concession": "no"})
        assert "Enter the caller's full name" in text_of(refused)

        client.post(
            f"/bins/{home.uprn}/garden/subscribe/",
            {"bins": "1", "concession": "no", "caller_name": "Cal Caller", "caller_email": "cal@example.com"},
        )
        assert "Cal Caller" in text_of(client.get(f"/bins/{home.uprn}/garden/check/"))
        done = pay_on_the_sandbox_page(client, client.post(f"/bins/{home.uprn}/garden/check/"))

    assert "Subscription confirmed" in text_of(done)
    subscription = GardenSubscription.objects.select_related("case", "customer").get()
    assert subscription.case.channel == Channel.PHONE and subscription.customer.email == "cal@example.com"
    payment = Payment.objects.get()
    assert payment.moto and payment.channel == Channel.PHONE and payment.taken_by == agent


def test_an_agent_arriving_from_a_customer_record_is_not_asked_who_calls(client: Client, home):
    from townhall.customers.tests.factories import CustomerFactory

    caller = CustomerFactory(name="Known Caller")
    client.force_login(StaffFactory(role=Role.AGENT))

    with clock(TODAY):
        form = text_of(client.get(f"/bins/{home.uprn}/garden/subscribe/?customer={caller.pk}"))
        assert "Setting up a subscription for Known Caller" in form and "Caller's full name" not in form
        client.post(f"/bins/{home.uprn}/garden/subscribe/", {"bins": "1", "concession": "no", "customer": caller.pk})
        client.post(f"/bins/{home.uprn}/garden/check/")

    assert GardenSubscription.objects.get().customer == caller


def test_an_agent_may_change_a_residents_subscription(client: Client, home, resident):
    subscribed(home, resident, bins=2)

    with clock(dt.date(2027, 1, 5)):
        client.force_login(StaffFactory(role=Role.AGENT))  # sessions are dated by the clock
        client.post(f"/bins/{home.uprn}/garden/change/", {"bins": "1"})
        client.post(f"/bins/{home.uprn}/garden/check/")

    change = GardenChange.objects.select_related("case").get()
    assert change.case.channel == Channel.PHONE and change.case.customer.user == resident


def test_the_staff_page_lists_every_subscription_of_a_property_in_few_queries(
    client: Client, home, resident, django_assert_max_num_queries
):
    first = subscribed(home, resident)
    with clock(dt.date(2027, 5, 20)):
        pay(renewals.renew(subscription=first, bins=2, concession=False, channel=Channel.WEB, by=resident).case)
        garden_services.change_bins(subscription=first, bins=3, channel=Channel.WEB, by=resident)
    client.force_login(StaffFactory(role=Role.OFFICER))

    # Session and user, the property, subscriptions, their changes; the console's navigation.
    with django_assert_max_num_queries(12):
        response = client.get(f"/staff/garden/{home.uprn}/")

    text = text_of(response)
    assert "2 subscriptions" in text and first.case.reference in text and "More bins: 1 → 3" in text


def test_the_staff_find_page_flags_the_addresses_with_a_subscription(client: Client, home, resident):
    subscribed(home, resident)
    garden_home(number="14")
    client.force_login(StaffFactory(role=Role.AGENT))

    with clock(TODAY):
        text = text_of(client.get("/staff/garden/?postcode=wx1 2ab"))

    assert text.count("Subscribed") == 1 and text.count("No subscription") == 1


# Who is refused


@pytest.mark.parametrize("page", ["subscribe/", "change/", "cancel/", "renew/", "check/"])
def test_anonymous_visitors_are_sent_to_sign_in(client: Client, home, page):
    response = client.get(f"/bins/{home.uprn}/garden/{page}")

    assert response.status_code == 302 and response["Location"].startswith("/account/auth/login/")


@pytest.mark.parametrize("page", ["change/", "cancel/", "renew/"])
def test_another_resident_cannot_manage_someone_elses_subscription(client: Client, home, resident, page):
    subscription = subscribed(home, resident)

    with clock(dt.date(2027, 5, 20)):
        client.force_login(UserFactory())  # sessions are dated by the clock
        response = client.post(f"/bins/{home.uprn}/garden/{page}", {"bins": "2", "concession": "no"})

    assert response.status_code == 404
    subscription.refresh_from_db()
    assert subscription.status == GardenStatus.ACTIVE and subscription.bins == 1
    assert not GardenChange.objects.exists() and GardenSubscription.objects.count() == 1


def test_another_resident_cannot_see_a_request_page(client: Client, home, resident):
    subscription = subscribed(home, resident)
    client.force_login(UserFactory())

    response = client.get(f"/bins/{home.uprn}/garden/requests/{subscription.case.reference}/")

    assert response.status_code == 404


def test_the_owner_sees_a_subscription_at_another_address_only_as_existing(client: Client, home, resident):
    subscribed(home, resident)
    client.force_login(UserFactory())

    text = text_of(client.get(f"/bins/{home.uprn}/garden/"))

    assert "This address has a garden waste subscription until 9 June 2027" in text
    assert "Cancel your subscription" not in text


@pytest.mark.parametrize(
    ("user", "status"),
    [(None, 302), ("resident", 403), (Role.AUDITOR, 200), (Role.AGENT, 200)],
)
def test_only_staff_see_the_staff_pages(client: Client, home, user, status):
    if user == "resident":
        client.force_login(UserFactory())
    elif user is not None:
        client.force_login(StaffFactory(role=user))

    assert client.get(f"/staff/garden/{home.uprn}/").status_code == status
    assert client.get("/staff/garden/").status_code == status


def test_an_auditor_may_look_but_not_subscribe_for_anyone(client: Client, home):
    client.force_login(StaffFactory(role=Role.AUDITOR))

    response = client.post(f"/bins/{home.uprn}/garden/subscribe/", {"bins": "1", "concession": "no"})

    assert response.status_code == 403 and not GardenSubscription.objects.exists()
