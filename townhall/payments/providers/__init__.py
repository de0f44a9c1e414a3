"""Payment providers: the one interface every card provider is reached through.

Townhall never sees card details. A provider takes the resident (or an agent taking a
card on the phone) to its own payment page and back to a return URL; Townhall then asks
the provider what happened and never trusts the return alone. One module per provider;
`PAYMENTS_PROVIDER` in settings names the one in use.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class ProviderError(Exception):
    """The provider could not do what was asked."""


class ProviderUnavailable(ProviderError):
    """The provider is down, slow or refusing for now (network error, 5xx, 429): try again later."""


class ProviderRefused(ProviderError):
    """The provider refused the request itself (4xx): trying again will not help."""

    def __init__(self, message: str, *, code: str = "", status: int | None = None):
        super().__init__(message)
        self.code = code
        self.status = status


# The provider's view of a payment's state, in GOV.UK Pay's vocabulary (every adapter maps to it).
CREATED = "created"
STARTED = "started"
SUBMITTED = "submitted"
CAPTURABLE = "capturable"
SUCCESS = "success"
FAILED = "failed"
CANCELLED = "cancelled"
ERROR = "error"
FINISHED_STATES = {SUCCESS, FAILED, CANCELLED, ERROR}

# Failure codes, as GOV.UK Pay gives them.
DECLINED = "P0010"
EXPIRED = "P0020"
CANCELLED_BY_USER = "P0030"
CANCELLED_BY_SERVICE = "P0040"
PROVIDER_ERROR = "P0050"


@dataclass(frozen=True)
class ProviderPayment:
    provider_id: str
    status: str
    amount: int  # pence
    reference: str = ""
    description: str = ""
    finished: bool = False
    failure_code: str = ""
    failure_message: str = ""
    next_url: str = ""  # where to send the payer; only while the payment is unfinished
    created_at: dt.datetime | None = None
    # Refund summary: how much can still be refunded, and whether refunds are possible now.
    refund_status: str = ""  # pending, unavailable, available, full
    amount_available: int = 0
    amount_refunded: int = 0
    metadata: dict = field(default_factory=dict)


# Refund states.
REFUND_SUBMITTED = "submitted"
REFUND_SUCCESS = "success"
REFUND_ERROR = "error"


@dataclass(frozen=True)
class ProviderRefund:
    refund_id: str
    amount: int
    status: str  # submitted, success, error
    created_at: dt.datetime | None = None


@dataclass(frozen=True)
class WebhookEvent:
    message_id: str  # unique per delivery of an event: a replay carries the same id
    event_type: str
    provider_id: str  # the payment the event is about


class Provider(Protocol):
    name: str

    def create_payment(
        self,
        *,
        amount: int,
        reference: str,
        description: str,
        return_url: str,
        email: str = "",
        moto: bool = False,
        metadata: dict | None = None,
        idempotency_key: str = "",
    ) -> ProviderPayment: ...

    def get_payment(self, provider_id: str) -> ProviderPayment: ...

    def cancel_payment(self, provider_id: str) -> None: ...

    def refund(self, provider_id: str, *, amount: int, amount_available: int) -> ProviderRefund: ...

    def get_refund(self, provider_id: str, refund_id: str) -> ProviderRefund: ...

    def search_payments(self, *, from_date: dt.datetime, to_date: dt.datetime) -> list[ProviderPayment]: ...

    def parse_webhook(self, body: bytes, headers) -> WebhookEvent:
        """The event in a webhook delivery; raises ProviderRefused if its signature does not verify."""
        ...


def get_provider(name: str | None = None) -> Provider:
    """The configured provider, or the one a payment was taken with."""
    providers = settings.PAYMENTS_PROVIDERS
    return import_string(providers[name or settings.PAYMENTS_PROVIDER])()
