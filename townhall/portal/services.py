"""The public site's own writes: saving a form for later, a resident's profile and replies.
Forms in progress are kept by `cases.drafting` and requests made by
`cases.services.submit_case`, the same for every channel."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from townhall.cases.models import Case, Draft, EventKind
from townhall.cases.services import receive_message
from townhall.customers import services as customer_services
from townhall.customers.models import Customer
from townhall.gazetteer.models import Property

# The same reply again within this long is a double click or a resent form, not a new message.
REPLY_REPEAT_WINDOW = dt.timedelta(minutes=10)


@transaction.atomic
def save_draft_for_later(*, draft: Draft, user) -> Draft:
    """Keep a signed-in resident's form in My Account until they come back to it."""
    draft.user = user
    draft.session_key = ""
    draft.saved = True
    draft.save(update_fields=["user", "session_key", "saved", "updated_at"])
    return draft


def _own_customer(user) -> Customer:
    return getattr(user, "customer", None) or customer_services.link_account(user=user)


@transaction.atomic
def update_profile(*, user, full_name: str, phone: str) -> Customer:
    """A resident's own name and phone number, on their account and their customer record."""
    full_name = full_name.strip()
    if user.full_name != full_name:
        user.full_name = full_name
        user.save(update_fields=["full_name"])
    return customer_services.update_customer(customer=_own_customer(user), by=user, name=full_name, phone=phone.strip())


@transaction.atomic
def set_home_address(*, user, address: Property) -> Customer:
    return customer_services.update_customer(
        customer=_own_customer(user), by=user, address=address, address_text="", postcode=address.postcode
    )


@transaction.atomic
def send_reply(*, case: Case, text: str, by) -> Case:
    """A resident's reply to their request, once; returns the request as it now is (perhaps reopened)."""
    locked = Case.objects.select_for_update().select_related("service").get(pk=case.pk)
    text = text.strip()
    repeated = locked.events.filter(
        kind=EventKind.MESSAGE_IN, text=text, at__gte=timezone.now() - REPLY_REPEAT_WINDOW
    ).exists()
    if not repeated:
        receive_message(case=locked, text=text, by=by)
        locked.refresh_from_db()
    return locked
