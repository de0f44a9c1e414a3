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


def register_own_journey(slug: str, start_url: StartUrl) -> None:
    """Requests to the service with `slug` start at `start_url(address)`."""
    _own_journeys[slug] = start_url


def own_journey_url(service: Service, *, place: "Property | None" = None) -> str | None:
    """Where a request to `service` starts when a module runs it; None when its form does."""
    start_url = _own_journeys.get(service.slug)
    return start_url(place) if start_url else None
