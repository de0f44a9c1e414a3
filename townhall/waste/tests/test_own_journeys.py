"""The waste services made on their own pages are never made with the catalogue's generic
form: the portal's start page and the console's "raise a request" send residents and staff
to the module's pages, by way of the address finder when the address is not known."""

import uuid

import pytest
from django.urls import reverse

from townhall.accounts.models import Role
from townhall.accounts.tests.factories import StaffFactory
from townhall.cases.models import Draft
from townhall.catalogue.models import Channel
from townhall.catalogue.tests.factories import ServiceFactory
from townhall.console.contacts import SESSION_KEY
from townhall.customers.tests.factories import CustomerFactory
from townhall.gazetteer.tests.factories import PropertyFactory, StreetFactory

pytestmark = pytest.mark.django_db

# Each waste service run by its own pages (the demo's slugs), and where it starts for an address.
OWN_PAGES = {
    "missed-bin": ("missed", "/bins/{uprn}/missed/"),
    "bulky-waste": ("bulky", "/bins/{uprn}/bulky/"),
    "garden-waste": ("garden", "/bins/{uprn}/garden/"),
    "new-bin": ("containers", "/bins/{uprn}/containers/"),
    "assisted-collection": ("assisted", "/bins/{uprn}/assisted/"),
}


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def home():
    return PropertyFactory(street=StreetFactory(name="Alder Road"), building_number="12", postcode="WX1 2AB")


# The portal


@pytest.mark.parametrize(("slug", "flow"), [(slug, flow) for slug, (flow, _url) in OWN_PAGES.items()])
def test_starting_a_waste_service_on_the_portal_finds_the_address_for_its_own_pages(client, slug, flow):
    ServiceFactory(slug=slug)

    response = client.post(reverse("portal:start", args=[slug]))

    assert response.status_code == 302 and response["Location"] == f"/bins/?then={flow}"
    assert not Draft.objects.exists()


def test_other_services_still_start_their_form(client):
    service = ServiceFactory(slug="blocked-drain")

    client.post(reverse("portal:start", args=[service.slug]))

    assert Draft.objects.get().service == service


def test_the_start_page_itself_is_still_shown(client):
    ServiceFactory(slug="bulky-waste", name="Book a bulky waste collection")

    response = client.get(reverse("portal:service", args=["bulky-waste"]))

    assert response.status_code == 200 and "Book a bulky waste collection" in response.content.decode()


# The address finder


@pytest.mark.parametrize(("flow", "start"), list(OWN_PAGES.values()))
def test_the_address_finder_leads_to_the_flows_first_page(client, home, flow, start):
    finder = client.get("/bins/", {"then": flow})
    addresses = client.get("/bins/", {"then": flow, "postcode": "wx1 2ab"})

    page = finder.content.decode()
    assert "Find the address" in page and f'name="then" value="{flow}"' in page
    assert f'href="{start.format(uprn=home.uprn)}"' in addresses.content.decode()
    assert f'href="/bins/?then={flow}"' in addresses.content.decode()  # back, and change postcode


def test_the_address_finder_without_a_known_flow_leads_to_bin_days(client, home):
    addresses = client.get("/bins/", {"then": "fly-tipping", "postcode": "WX1 2AB"}).content.decode()

    assert f'href="/bins/{home.uprn}/"' in addresses
    assert "fly-tipping" not in addresses and "Choose your address" in addresses


def test_a_wrong_postcode_keeps_the_flow(client, home):
    page = client.get("/bins/", {"then": "bulky", "postcode": "WX9 9ZZ"}).content.decode()

    assert "We could not find any addresses" in page and 'name="then" value="bulky"' in page


# The console


@pytest.fixture
def agent_on_a_call(client, home):
    """An agent on a call from Rosa, whose record has her address; `verify()` verifies her."""
    rosa = CustomerFactory(name="Rosa Resident", email="rosa@example.com", postcode="WX1 2AB", address=home)
    client.force_login(StaffFactory(role=Role.AGENT))
    client.post(reverse("console:contact_start"), {"channel": Channel.PHONE, "phone": ""})
    (token,) = client.session[SESSION_KEY]
    client.post(reverse("console:contact_caller", args=[token]), {"customer": rosa.pk})

    def verify() -> None:
        client.post(
            reverse("console:contact_verify", args=[token]), {"postcode": "WX1 2AB", "email": "rosa@example.com"}
        )

    client.token, client.verify = token, verify
    return client


def raise_request(client, service):
    return client.post(
        reverse("console:contact_raise", args=[client.token]), {"service": service.pk, "once": str(uuid.uuid4())}
    )


@pytest.mark.parametrize(("slug", "flow", "start"), [(slug, *pages) for slug, pages in OWN_PAGES.items()])
def test_raising_a_waste_service_for_a_verified_caller_opens_its_own_pages_at_their_address(
    agent_on_a_call, home, slug, flow, start
):
    service = ServiceFactory(slug=slug)
    agent_on_a_call.verify()

    response = raise_request(agent_on_a_call, service)

    assert response.status_code == 302 and response["Location"] == start.format(uprn=home.uprn)
    assert not Draft.objects.exists()


def test_raising_a_waste_service_for_a_caller_not_verified_finds_the_address_first(agent_on_a_call):
    service = ServiceFactory(slug="bulky-waste")

    response = raise_request(agent_on_a_call, service)

    assert response["Location"] == "/bins/?then=bulky"  # their record's address is not read out
    assert not Draft.objects.exists()


def test_raising_another_service_still_uses_its_form(agent_on_a_call):
    service = ServiceFactory(slug="blocked-drain")
    agent_on_a_call.verify()

    response = raise_request(agent_on_a_call, service)

    assert response.status_code == 302 and "/questions/" in response["Location"]
    assert Draft.objects.get().service == service
