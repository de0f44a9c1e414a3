"""A contact in progress: what the agent has done on this call so far.

It lives in the agent's session, keyed by a token in the URL, so two calls in two tabs
never mix. Nothing is written to the contact log until the agent ends the contact; the
log line then records the caller, whether they were verified, the article used, the
request raised and the call's length.
"""

import datetime as dt
import uuid
from dataclasses import asdict, dataclass, field

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from townhall.catalogue.models import Channel
from townhall.customers.models import Contact, Customer
from townhall.customers.selectors import current_record
from townhall.customers.services import log_contact, normalise_phone

SESSION_KEY = "console_contacts"
# Oldest contacts are dropped past this, so a session never grows without end.
MAX_OPEN_CONTACTS = 10


@dataclass
class ContactInProgress:
    token: str
    channel: str
    started_at: str
    phone: str = ""
    customer_id: int | None = None
    customer_name: str = ""
    verified: bool = False
    article_id: int | None = None
    progress_case: str = ""
    # Cases raised on this contact, by reference, and the drafts in progress for it.
    raised: list[str] = field(default_factory=list)
    drafts: list[str] = field(default_factory=list)
    # Set once the agent chose to go on without identifying the caller.
    anonymous: bool = False

    @property
    def started(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.started_at)

    @property
    def caller_known(self) -> bool:
        return self.customer_id is not None or self.anonymous

    def identify(self, customer: Customer | None, *, anonymous: bool = False) -> None:
        """The caller is `customer` (or nobody yet, or someone who stays anonymous): not verified yet."""
        self.customer_id = customer.pk if customer else None
        self.customer_name = customer.display_name if customer else ""
        self.anonymous = anonymous
        self.verified = False

    @property
    def channel_label(self) -> str:
        return Channel(self.channel).label

    @property
    def url(self) -> str:
        return reverse("console:contact", args=[self.token])


def caller(contact: ContactInProgress) -> Customer | None:
    """The caller's record; one merged while the call went on is followed to where it went."""
    if contact.customer_id is None:
        return None
    return current_record(get_object_or_404(Customer, pk=contact.customer_id))


def _store(request: HttpRequest) -> dict:
    return request.session.get(SESSION_KEY, {})


def in_progress(request: HttpRequest) -> list[ContactInProgress]:
    return [ContactInProgress(**data) for data in _store(request).values()]


def start(request: HttpRequest, *, channel: str, phone: str = "") -> ContactInProgress:
    contact = ContactInProgress(
        token=uuid.uuid4().hex[:12], channel=channel, started_at=timezone.now().isoformat(), phone=phone
    )
    save(request, contact)
    return contact


def call_in_progress(request: HttpRequest, phone: str) -> ContactInProgress | None:
    """The agent's latest contact in progress with a call from `phone`, however the number
    was written. A withheld number (none given) never matches: its calls cannot be told apart."""
    number = normalise_phone(phone)
    if not number:
        return None
    calls = [c for c in in_progress(request) if c.channel == Channel.PHONE and normalise_phone(c.phone) == number]
    return max(calls, key=lambda call: call.started_at, default=None)


def get_or_404(request: HttpRequest, token: str) -> ContactInProgress:
    data = _store(request).get(token)
    if data is None:
        raise Http404
    return ContactInProgress(**data)


def save(request: HttpRequest, contact: ContactInProgress) -> None:
    store = _store(request)
    store[contact.token] = asdict(contact)
    while len(store) > MAX_OPEN_CONTACTS:
        store.pop(min(store, key=lambda token: store[token]["started_at"]))
    request.session[SESSION_KEY] = store


def forget(request: HttpRequest, token: str) -> None:
    store = _store(request)
    store.pop(token, None)
    request.session[SESSION_KEY] = store


def end(*, contact: ContactInProgress, by, **details) -> Contact:
    """Write the contact log line, timing the contact from its start to now."""
    duration = max(int((timezone.now() - contact.started).total_seconds()), 0)
    return log_contact(
        by=by,
        channel=contact.channel,
        caller_verified=contact.verified,
        duration_seconds=duration,
        phone_number=contact.phone,
        started_at=contact.started,
        **details,
    )
