"""The ((placeholders)) of a request's emails: which ones each event fills in, what they
mean, and the checks a template passes before it is saved.

This is the one list both sides keep to: `services.notify_requester` fills in exactly the
placeholders of its event, and the service builder refuses a template using any other.
"""

import re
from dataclasses import dataclass

from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from townhall.catalogue.models import NotificationEvent


@dataclass(frozen=True)
class Placeholder:
    about: str  # what officers are told it is
    example: str  # what a preview shows in its place


PLACEHOLDERS: dict[str, Placeholder] = {
    "name": Placeholder(gettext_lazy("the requester’s name"), "Ada Lovelace"),
    "reference": Placeholder(gettext_lazy("the request’s reference"), "WX-4K7P-2QRT"),
    "service": Placeholder(gettext_lazy("the name of the service"), "Report a blocked drain"),
    "status": Placeholder(gettext_lazy("the request’s status"), "In progress"),
    "track_url": Placeholder(gettext_lazy("the link to follow the request"), "https://www.wexmoor.example/track/"),
    "council": Placeholder(gettext_lazy("the council’s name"), "Borough of Wexmoor"),
    "reopen_days": Placeholder(gettext_lazy("days in which a reply reopens a resolved request"), "28"),
    "deadline_sentence": Placeholder(
        gettext_lazy("when we aim to deal with it, as a sentence"), "We aim to deal with it by 9 December 2026."
    ),
    "update": Placeholder(
        gettext_lazy("the text of the update or message"), "Our team will clear the drain on Monday."
    ),
    "amount": Placeholder(gettext_lazy("the amount paid or refunded"), "£35"),
    "payment_reference": Placeholder(gettext_lazy("the payment’s reference"), "7F3A9C21B0"),
    "paid_at": Placeholder(gettext_lazy("when it was paid"), "25 November 2026, 10:42am"),
    "method": Placeholder(gettext_lazy("how it was paid"), "card, online"),
}

# Every request's email knows these, from the request itself.
REQUEST_PLACEHOLDERS = ("name", "reference", "service", "status", "track_url", "council", "reopen_days")

# What each event adds: the sender works these out (the deadline) or is given them
# (the update's text, a receipt's payment details).
EVENT_PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    NotificationEvent.SUBMITTED: ("deadline_sentence",),
    NotificationEvent.PUBLIC_UPDATE: ("update",),
    NotificationEvent.RESOLVED: ("update",),
    NotificationEvent.MESSAGE: ("update",),
    NotificationEvent.PAYMENT_RECEIVED: ("amount", "payment_reference", "paid_at", "method"),
    NotificationEvent.REFUNDED: ("amount",),
}

_PLACEHOLDER = re.compile(r"\(\(([^()]*)\)\)")
_OPENED = re.compile(r"\(\(([^()\s]*)")


def placeholders_for(event: str) -> tuple[str, ...]:
    """The names an email for `event` may use, in the order officers are shown them."""
    return REQUEST_PLACEHOLDERS + EVENT_PLACEHOLDERS[event]


def fill_placeholders(text: str, values: dict[str, str]) -> str:
    """Replaces ((name)) with its value; an unknown placeholder is left for a person to see."""
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), text)


def placeholder_error(text: str, event: str) -> str | None:
    """What is wrong with the placeholders of `text` for an email about `event`: any it
    cannot fill in, and any not closed, with the ones it can use. None when all is well."""
    allowed = placeholders_for(event)
    unknown = dict.fromkeys(f"(({name}))" for name in _PLACEHOLDER.findall(text) if name not in allowed)
    # What is left once the whole placeholders are gone: a "((" still there was never closed.
    unclosed = dict.fromkeys(f"“(({name}”" for name in _OPENED.findall(_PLACEHOLDER.sub("", text)))
    if not (unknown or unclosed):
        return None
    problems = []
    if unknown:
        problems.append(_("This email cannot use %(names)s.") % {"names": get_text_list(list(unknown), _("or"))})
    if unclosed:
        problems.append(
            _("Close %(names)s with two closing brackets.") % {"names": get_text_list(list(unclosed), _("and"))}
        )
    usable = get_text_list([f"(({name}))" for name in allowed], _("and"))
    return " ".join([*problems, _("It can use %(names)s.") % {"names": usable}])
