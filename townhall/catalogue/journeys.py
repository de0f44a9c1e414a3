"""Services run by a module's own pages instead of their form.

Most services are their form: the portal's journey and the console's "raise a request" ask
its questions. A few are run by a service module's own pages, which do what a form cannot
(bulky waste books a day in the calendar and prices the items, garden waste sets up a
subscription). Such a module registers, from its app's `ready()`, where a request to the
service starts; the portal's start page and the console's "raise a request" send people
there, so that no request bypasses the module's rules.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

from townhall.catalogue.models import Service

if TYPE_CHECKING:
    from townhall.gazetteer.models import Property

# Given the address the request is about (None when it is not known yet), the URL of the
# module's first page.
StartUrl = Callable[["Property | None"], str]
_own_journeys: dict[str, StartUrl] = {}
# For modules whose services are known by their data, not a slug (any service with street
# settings is a street category): given the service and address, a URL or None.
JourneyFinder = Callable[[Service, "Property | None"], str | None]
_finders: list[JourneyFinder] = []


def register_own_journey(slug: str, start_url: StartUrl) -> None:
    """Requests to the service with `slug` start at `start_url(address)`, and only there."""
    _own_journeys[slug] = start_url


def register_journey_finder(finder: JourneyFinder) -> None:
    """`finder` names the first page of the services its module runs."""
    if finder not in _finders:
        _finders.append(finder)


def own_journey_url(service: Service, *, place: "Property | None" = None) -> str | None:
    """Where a request to `service` starts when a module runs it; None when its form does."""
    if start_url := _own_journeys.get(service.slug):
        return start_url(place)
    return next((url for finder in _finders if (url := finder(service, place))), None)


def only_on_own_pages(service: Service) -> bool:
    """No API may raise a request to `service`: only its module's pages apply its rules
    (a missed bin checked against the crews' records, a bulky collection's booked day)."""
    return service.slug in _own_journeys
