"""Reads of customer records that the console's search, 360 view and contact pages share."""

import re

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from townhall.core.references import normalise_reference
from townhall.customers.models import AliasKind, Contact, Customer, CustomerAlert, CustomerAlias
from townhall.customers.services import normalise_phone
from townhall.gazetteer.models import Property, normalise_postcode

# A full UK postcode, spaced or not: the outward code, then digit and two letters.
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2}$", re.IGNORECASE)
# Fewer digits than this are part of a name or house number, not a phone number.
_MIN_PHONE_DIGITS = 6


def with_alert_flag(customers: QuerySet[Customer]) -> QuerySet[Customer]:
    """Marks each customer with an active alert, so lists can warn without a query per row."""
    active = CustomerAlert.objects.filter(customer=OuterRef("pk"), cleared_at__isnull=True)
    return customers.annotate(has_alert=Exists(active))


def search_customers(text: str) -> QuerySet[Customer]:
    """Current (unmerged) customers matching `text` as a name, email, phone number,
    postcode or the reference of one of their cases, or as another name, email or phone
    number they are known by (a merged duplicate's)."""
    text = (text or "").strip()
    if not text:
        return Customer.objects.none()
    words = text.split()
    matches = Q(*[Q(name__icontains=word) for word in words])
    aliases = Q(*[Q(value__icontains=word) for word in words], kind=AliasKind.NAME)
    if "@" in text:
        matches |= Q(email=text.lower())
        aliases |= Q(kind=AliasKind.EMAIL, value=text.lower())
    digits = normalise_phone(text)
    if len(digits) >= _MIN_PHONE_DIGITS:
        matches |= Q(phone_normalised=digits)
        aliases |= Q(kind=AliasKind.PHONE, value=digits)
    if _POSTCODE.match(text):
        matches |= Q(postcode=normalise_postcode(text))
    # Owners of a case or of an alias are looked up first, by their own indexes: as a
    # subquery in this OR, either would make PostgreSQL read every customer instead of
    # using the indexes of the other matches.
    owners = list(CustomerAlias.objects.filter(aliases).values_list("customer_id", flat=True))
    reference = normalise_reference(text)
    if "-" in reference:
        owners += Customer.objects.filter(cases__reference=reference).values_list("pk", flat=True)
    if owners:
        matches |= Q(pk__in=owners)
    return with_alert_flag(Customer.objects.filter(matches, merged_into__isnull=True)).order_by("name", "id")


def customers_with_phone(phone: str) -> QuerySet[Customer]:
    """Current customers whose number is `phone` however either was written."""
    digits = normalise_phone(phone)
    if not digits:
        return Customer.objects.none()
    return with_alert_flag(Customer.objects.filter(phone_normalised=digits, merged_into__isnull=True)).order_by(
        "name", "id"
    )


def find_duplicates(customer: Customer) -> QuerySet[Customer]:
    """Other current records that are probably the same person: the same email, the same
    phone number, or the same name at the same postcode."""
    same = Q()
    if customer.email:
        same |= Q(email=customer.email)
    if customer.phone_normalised:
        same |= Q(phone_normalised=customer.phone_normalised)
    if customer.postcode and customer.name:  # people whose names we were not told are not alike
        same |= Q(name__iexact=customer.name, postcode=customer.postcode)
    if not same:
        return Customer.objects.none()
    return Customer.objects.filter(same, merged_into__isnull=True).exclude(pk=customer.pk).order_by("name", "id")


def current_record(customer: Customer) -> Customer:
    """The record a merged customer now lives in (itself when never merged)."""
    seen = {customer.pk}
    while customer.merged_into_id is not None and customer.merged_into_id not in seen:
        seen.add(customer.merged_into_id)
        customer = Customer.objects.get(pk=customer.merged_into_id)
    return customer


def customer_for_360(customer_id: int) -> Customer | None:
    """One customer with what the 360 view shows of them, in a fixed number of queries."""
    return (
        Customer.objects.select_related("address__street", "address__ward", "user")
        .prefetch_related(Prefetch("properties", queryset=Property.objects.select_related("street")), "aliases")
        .filter(pk=customer_id)
        .first()
    )


def active_alerts(customer: Customer) -> QuerySet[CustomerAlert]:
    return customer.alerts.filter(cleared_at__isnull=True).select_related("set_by")


def customer_contacts(customer: Customer) -> QuerySet[Contact]:
    return customer.contacts.select_related("agent", "case", "service", "article")


def recent_contacts_by(agent) -> QuerySet[Contact]:
    return Contact.objects.filter(agent=agent).select_related("customer", "case", "service")
