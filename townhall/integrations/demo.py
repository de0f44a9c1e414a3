"""The demo borough's API clients: published keys anyone can try the APIs with."""

import shlex

from townhall.catalogue.models import Channel, Service
from townhall.integrations.models import Scope
from townhall.integrations.services import issue_api_key

# Published in the README on purpose: the demo's key, for trying the API.
DEMO_OPEN311_KEY = "th_demo_open311_key_for_trying_the_api"
# The REST API's demo key acts for the street-care officer, with that officer's reach.
DEMO_REST_KEY = "th_demo_rest_key_acting_for_the_officer"
DEMO_REST_SCOPES = [Scope.SERVICES_READ, Scope.CASES_READ, Scope.CASES_WRITE, Scope.CUSTOMERS_READ]
# A pothole in the middle of Wexmoor: what `make run` and the README show being posted.
EXAMPLE_REPORT = {
    "service_code": "WX-POTHOLE",
    "lat": "51.42",
    "long": "-0.19",
    "attribute[where_on_street]": "road",
    "description": "Deep pothole by the bus stop",
}


def build_demo_api_keys(*, by, officer) -> None:
    """Offers the services that have an Open311 code to API clients, and issues the demo keys."""
    for service in Service.objects.filter(open311_code__isnull=False).order_by("pk"):
        if not service.offers(Channel.API):
            service.channels = [*service.channels, Channel.API]
            service.save(update_fields=["channels"])
    issue_api_key(client_name="Demo Open311 client", scopes=[Scope.OPEN311], secret=DEMO_OPEN311_KEY, by=by)
    issue_api_key(client_name="Demo REST client", scopes=DEMO_REST_SCOPES, user=officer, secret=DEMO_REST_KEY, by=by)


def curl_example(site_url: str) -> str:
    """The command that posts EXAMPLE_REPORT to the demo's Open311 server."""
    fields = {"api_key": DEMO_OPEN311_KEY, **EXAMPLE_REPORT}
    data = " ".join(f"-d {shlex.quote(f'{name}={value}')}" for name, value in fields.items())
    return f"curl {data} {site_url}/open311/v2/requests.json"
