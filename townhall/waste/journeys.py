"""The waste services whose requests are made on their own pages, never with the catalogue's
generic form: their rules (a missed bin's reporting window, a bulky collection's day and
price, a garden waste subscription, the council's container rules) live in those pages.

`register` (called from the app's `ready()`) tells the catalogue where each starts
(`catalogue.journeys`), so the portal's start page and the console's "raise a request"
send residents and staff there. Every one starts from an address: at its own page when the
address is known, else at the bin-days address finder, which then leads there
(`/bins/?then=bulky`).
"""

from dataclasses import dataclass
from functools import partial
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from townhall.catalogue.journeys import register_own_journey
from townhall.gazetteer.models import Property


@dataclass(frozen=True)
class Flow:
    url_name: str  # its first page, given the address's UPRN
    title: str | Promise  # what finding the address is for


FLOWS = {
    "missed": Flow("missed:start", _("Report a missed bin collection")),
    "bulky": Flow("bulky:start", _("Book a bulky waste collection")),
    "garden": Flow("garden:overview", _("Garden waste collections")),
    "containers": Flow("containers:choose", _("Request a bin, box or caddy")),
    "assisted": Flow("containers:assisted", _("Apply for an assisted collection")),
}
# The setting naming each flow's catalogue service.
SERVICE_SETTINGS = {
    "missed": "WASTE_MISSED_SERVICE",
    "bulky": "WASTE_BULKY_SERVICE",
    "garden": "WASTE_GARDEN_SERVICE",
    "containers": "WASTE_CONTAINERS_SERVICE",
    "assisted": "WASTE_ASSISTED_SERVICE",
}


def start_url(flow: str, place: Property | None = None) -> str:
    """The flow's first page for `place`, or the address finder leading there."""
    if place is not None:
        return reverse(FLOWS[flow].url_name, args=[place.uprn])
    return f"{reverse('bins:find')}?{urlencode({'then': flow})}"


def register() -> None:
    for flow, setting in SERVICE_SETTINGS.items():
        register_own_journey(getattr(settings, setting), partial(start_url, flow))
