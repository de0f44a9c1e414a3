"""Every write to customers, their alerts and their contacts."""

import datetime as dt
import re

from django.db import transaction
from django.utils import timezone

from townhall.core import audit
from townhall.customers.models import (
    AlertKind,
    AliasKind,
    Contact,
    Customer,
    CustomerAlert,
    CustomerAlias,
    CustomerKind,
)
from townhall.gazetteer.models import Property, normalise_postcode

# Fields a merge may fill on the kept record when it has them blank.
MERGE_FILLABLE = ["name", "email", "phone", "date_of_birth", "address", "address_text", "postcode"]


class CustomerError(Exception):
    """A customer change that cannot be made, in words for the member of staff."""


def normalise_phone(text: str) -> str:
    """Digits only, +44 written as 0, so 07700 900982 and +44 7700-900982 match."""
    digits = re.sub(r"\D", "", text or "")
    if digits.startswith("44") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    return digits


def _tidy(customer: Customer) -> None:
    customer.email = (customer.email or "").strip().lower()
    customer.phone_normalised = normalise_phone(customer.phone)
    if customer.address_id and not customer.postcode:
        customer.postcode = customer.address.postcode
    customer.postcode = normalise_postcode(customer.postcode) if customer.postcode else ""


@transaction.atomic
def create_customer(
    *,
    by,
    name: str,
    kind: str = CustomerKind.PERSON,
    email: str = "",
    phone: str = "",
    date_of_birth: dt.date | None = None,
    address: Property | None = None,
    address_text: str = "",
    postcode: str = "",
) -> Customer:
    customer = Customer(
        kind=kind,
        name=name.strip(),
        email=email,
        phone=phone,
        date_of_birth=date_of_birth,
        address=address,
        address_text=address_text,
        postcode=postcode,
    )
    _tidy(customer)
    customer.save()
    audit.record(actor=by, action="customer.created", target=customer)
    return customer


@transaction.atomic
def update_customer(*, customer: Customer, by, **changes) -> Customer:
    before = {name: str(getattr(customer, name)) for name in changes}
    for name, value in changes.items():
        setattr(customer, name, value)
    _tidy(customer)
    customer.save()
    changed = {
        name: [before[name], str(getattr(customer, name))]
        for name in changes
        if before[name] != str(getattr(customer, name))
    }
    audit.record(actor=by, action="customer.updated", target=customer, data={"changes": changed})
    return customer


def match_or_create_requester(
    *, name: str, email: str, phone: str = "", address: Property | None = None
) -> Customer | None:
    """The customer record a request belongs to when only contact details are known.

    An existing record with the same email is used, never changed; otherwise a new one
    is made. Nothing is made for a request with neither name nor email.
    """
    existing = customer_with_email(email)
    if existing:
        return existing
    if not (name or email):
        return None
    return create_customer(by=None, name=name, email=email, phone=phone, address=address)


def customer_with_email(email: str) -> Customer | None:
    """The current record a request or a follower in this email address belongs to: the
    oldest, when duplicates share it."""
    email = (email or "").strip().lower()
    if not email:
        return None
    return Customer.objects.filter(email=email, merged_into__isnull=True).order_by("id").first()


@transaction.atomic
def link_account(*, user) -> Customer:
    """Join a resident's verified account to their customer record, so every request
    made in their email on any channel appears in My Account."""
    existing = getattr(user, "customer", None)
    if existing:
        return existing
    customer = (
        Customer.objects.select_for_update()
        .filter(email=user.email.lower(), merged_into__isnull=True, user__isnull=True)
        .order_by("id")
        .first()
    )
    if customer is None:
        customer = create_customer(by=user, name=user.full_name, email=user.email)
    customer.user = user
    customer.save(update_fields=["user", "updated_at"])
    audit.record(actor=user, action="customer.account_linked", target=customer)
    return customer


@transaction.atomic
def merge_customers(*, keep: Customer, duplicate: Customer, by) -> Customer:
    """Fold `duplicate` into `keep`: cases, contacts, alerts, properties and the cases it
    follows move; blank details are filled, and its other names, email addresses and
    phone numbers become the kept record's aliases, so searching by them still finds the
    person. The duplicate remains as a pointer, so nothing is lost."""
    if keep.pk == duplicate.pk:
        raise CustomerError("A record cannot be merged into itself.")
    keep, duplicate = (Customer.objects.select_for_update().get(pk=c.pk) for c in (keep, duplicate))
    if keep.is_merged or duplicate.is_merged:
        raise CustomerError("One of these records has already been merged.")
    if keep.user_id and duplicate.user_id:
        raise CustomerError("Both records have an online account; they cannot be merged.")
    filled = []
    for name in MERGE_FILLABLE:
        if not getattr(keep, name) and getattr(duplicate, name):
            setattr(keep, name, getattr(duplicate, name))
            filled.append(name)
    moved = {
        "cases": duplicate.cases.update(customer=keep),
        "contacts": duplicate.contacts.update(customer=keep),
        "alerts": duplicate.alerts.update(customer=keep),
        "following": _move_following(duplicate, keep),
    }
    keep.properties.add(*duplicate.properties.all())
    _tidy(keep)
    CustomerAlias.objects.bulk_create(_aliases_from(duplicate, keep), ignore_conflicts=True)
    if duplicate.user_id:
        keep.user, duplicate.user = duplicate.user, None
        duplicate.save(update_fields=["user"])
    duplicate.merged_into = keep
    duplicate.save(update_fields=["merged_into", "updated_at"])
    keep.save()
    audit.record(
        actor=by, action="customer.merged", target=keep, data={"merged": duplicate.pk, "filled": filled, "moved": moved}
    )
    return keep


def _move_following(duplicate: Customer, keep: Customer) -> int:
    """The duplicate's followed cases become the kept record's, once each."""
    duplicate.watching.filter(case__in=keep.watching.values("case")).delete()
    return duplicate.watching.update(customer=keep)


def _aliases_from(duplicate: Customer, keep: Customer) -> list[CustomerAlias]:
    """What the duplicate was known by that the kept record is not."""
    kept = {(kind, _comparable(kind, value)) for kind, value in _known_by(keep)}
    return [
        CustomerAlias(customer=keep, kind=kind, value=value)
        for kind, value in sorted(_known_by(duplicate))
        if (kind, _comparable(kind, value)) not in kept
    ]


def _known_by(customer: Customer) -> set[tuple[str, str]]:
    """A record's own name, email address and phone number and its aliases, as (kind, value)."""
    own = {
        (AliasKind.NAME, customer.name.strip()),
        (AliasKind.EMAIL, customer.email),
        (AliasKind.PHONE, customer.phone_normalised),
    }
    return {(kind, value) for kind, value in own | {(a.kind, a.value) for a in customer.aliases.all()} if value}


def _comparable(kind: str, value: str) -> str:
    # Emails and phone numbers are kept normalised already; names differ in case alone.
    return value.casefold() if kind == AliasKind.NAME else value


@transaction.atomic
def set_alert(*, customer: Customer, kind: str, text: str, by) -> CustomerAlert:
    if kind not in AlertKind.values:
        raise CustomerError("Choose a kind of alert.")
    alert = CustomerAlert.objects.create(customer=customer, kind=kind, text=text.strip(), set_by=by)
    audit.record(actor=by, action="customer.alert_set", target=customer, data={"alert": alert.pk, "kind": kind})
    return alert


@transaction.atomic
def clear_alert(*, alert: CustomerAlert, by) -> CustomerAlert:
    alert = CustomerAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.cleared_at is None:
        alert.cleared_at = timezone.now()
        alert.cleared_by = by
        alert.save(update_fields=["cleared_at", "cleared_by"])
        audit.record(actor=by, action="customer.alert_cleared", target=alert.customer, data={"alert": alert.pk})
    return alert


@transaction.atomic
def log_contact(
    *,
    by,
    channel: str,
    reason: str,
    outcome: str,
    customer: Customer | None = None,
    direction: str = Contact._meta.get_field("direction").default,
    service=None,
    case=None,
    article=None,
    resolved_first_contact: bool = False,
    avoidable: bool = False,
    caller_verified: bool = False,
    duration_seconds: int | None = None,
    phone_number: str = "",
    notes: str = "",
    started_at: dt.datetime | None = None,
) -> Contact:
    contact = Contact.objects.create(
        customer=customer,
        channel=channel,
        direction=direction,
        reason=reason,
        outcome=outcome,
        service=service,
        case=case,
        article=article,
        resolved_first_contact=resolved_first_contact,
        avoidable=avoidable,
        caller_verified=caller_verified,
        duration_seconds=duration_seconds,
        phone_number=phone_number,
        notes=notes,
        agent=by,
        started_at=started_at or timezone.now(),
    )
    audit.record(
        actor=by, action="contact.logged", target=contact, data={"customer": customer.pk if customer else None}
    )
    return contact


def verify_caller(
    *, customer: Customer, postcode: str = "", date_of_birth: dt.date | None = None, email: str = "", by
) -> bool:
    """True when two of the details the caller gives match the record; every attempt is audited."""
    checks = {
        "postcode": bool(postcode) and bool(customer.postcode) and normalise_postcode(postcode) == customer.postcode,
        "date_of_birth": date_of_birth is not None and date_of_birth == customer.date_of_birth,
        "email": bool(email) and bool(customer.email) and email.strip().lower() == customer.email,
    }
    verified = sum(checks.values()) >= 2
    audit.record(
        actor=by,
        action="customer.caller_verified" if verified else "customer.caller_verification_failed",
        target=customer,
        data={"matched": [name for name, ok in checks.items() if ok]},
    )
    return verified
