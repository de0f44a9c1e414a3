"""Reports out to the back offices that take them (issue 5, item 5).

A catalogue service routed to a `BackOfficeEndpoint` (`ServiceRoute`) has its cases sent
there by Open311 GeoReport v2. Nothing here runs in a request: the case-event fan-out
(`integrations.fanout`) calls `queue_deliveries` for each event, which queues

- `backoffice_send` when a case is received: POST requests, once;
- `backoffice_update` when the resident writes again, for an endpoint with the updates
  extension: POST servicerequestupdates, so their comment reaches the back office.

Each has its own delivery key, and the key `backoffice:<endpoint>:case:<case>` orders
them, so a case's messages reach a back office in order and a back office that is down
holds up only its own. The handlers raise on any failure and the outbox retries with
back-off.

A report is sent once: an id or token stored on its `ExternalRequest` means it arrived,
and a message delivered again finds it there. A timeout after the back office created
the request is the hard case: every request carries the case reference as an attribute
(`reference_attribute`), which lets the back office spot the repeat, and an endpoint
that can be asked (`finds_by_reference`) is asked first.

Status updates coming back are `integrations.backoffice_sync`'s.
"""

import logging

from django.conf import settings
from django.utils import timezone

from townhall.cases.models import Case, CaseEvent, EventKind
from townhall.catalogue.answering import display_answer
from townhall.catalogue.questions import parse_questions
from townhall.core import outbox
from townhall.integrations.models import BackOfficeEndpoint, ExternalRequest, ServiceRoute
from townhall.integrations.open311.client import Fields, Open311Client, w3c
from townhall.streetcare.models import StreetReport

logger = logging.getLogger(__name__)

SEND_TOPIC = "backoffice_send"
UPDATE_TOPIC = "backoffice_update"
# Answers that travel as fields of their own (location, address) or not at all (files).
_NOT_ATTRIBUTES = {"address", "location", "file"}
# Field sizes highways asset systems are known to accept: shortened here, never refused there.
NAME_LIMIT = 50
PHONE_LIMIT = 20


class BackOfficeNotReady(Exception):
    """The message cannot go yet (the endpoint is switched off, the case not yet known
    there): the outbox tries again later."""


def ordering_key(endpoint_id: int, case_id: int) -> str:
    return f"backoffice:{endpoint_id}:case:{case_id}"


def queue_deliveries(event: CaseEvent) -> None:
    """Queue what this case event means for back offices (called by the fan-out)."""
    if event.kind == EventKind.SUBMITTED:
        _queue_send(event.case)
    elif event.kind == EventKind.MESSAGE_IN:
        _queue_update(event)


def _queue_send(case: Case) -> None:
    route = ServiceRoute.objects.select_related("endpoint").filter(service_id=case.service_id).first()
    if route is None or not route.endpoint.enabled:
        return
    external, _created = ExternalRequest.objects.get_or_create(case=case, defaults={"endpoint": route.endpoint})
    outbox.enqueue(
        topic=SEND_TOPIC,
        payload={
            "external_request_id": external.pk,
            "case_reference": case.reference,
            "receiver": external.endpoint.name,
        },
        key=external.send_key,
        ordering_key=ordering_key(external.endpoint_id, case.pk),
    )


def _queue_update(event: CaseEvent) -> None:
    external = (
        ExternalRequest.objects.select_related("endpoint")
        .filter(case_id=event.case_id, endpoint__supports_updates=True)
        .first()
    )
    if external is None:
        return
    outbox.enqueue(
        topic=UPDATE_TOPIC,
        payload={
            "external_request_id": external.pk,
            "event_id": event.pk,
            "case_reference": event.case.reference,
            "receiver": external.endpoint.name,
        },
        key=f"backoffice-update:{event.pk}",
        ordering_key=ordering_key(external.endpoint_id, event.case_id),
    )


def _client(endpoint: BackOfficeEndpoint) -> Open311Client:
    if not endpoint.enabled:
        raise BackOfficeNotReady(f"{endpoint.name} is switched off: this waits until it is switched on")
    return Open311Client(endpoint)


def send_request(payload: dict, delivery_key: str) -> None:
    """Outbox handler (topic backoffice_send): POST the case to its back office, once."""
    external = (
        ExternalRequest.objects.select_related("endpoint", "case__service", "case__form", "case__address")
        .filter(pk=payload["external_request_id"])
        .first()
    )
    if external is None or external.is_sent:
        return  # the case is gone, or this is a repeat delivery: the back office has it
    case, endpoint = external.case, external.endpoint
    client = _client(endpoint)
    route = ServiceRoute.objects.filter(service_id=case.service_id, endpoint=endpoint).first()
    if route is None:
        raise BackOfficeNotReady(f"{case.service} is no longer routed to {endpoint.name}: route it, or leave it")
    if endpoint.finds_by_reference and (found := client.find_by_reference(case.reference)):
        logger.info("%s already had %s as %s: not sent again", endpoint.name, case.reference, found)
        _mark_sent(external, service_request_id=found)
        return
    created = client.create_request(request_fields(case, route))
    _mark_sent(external, service_request_id=created.service_request_id, token=created.token)


def _mark_sent(external: ExternalRequest, *, service_request_id: str, token: str = "") -> None:
    external.service_request_id = service_request_id
    external.token = token
    external.sent_at = timezone.now()
    external.save(update_fields=["service_request_id", "token", "sent_at"])


def send_update(payload: dict, delivery_key: str) -> None:
    """Outbox handler (topic backoffice_update): the resident's message, as an update of
    the request. Its update_id is stable, so a back office can ignore a repeat."""
    external = ExternalRequest.objects.select_related("endpoint").filter(pk=payload["external_request_id"]).first()
    event = CaseEvent.objects.select_related("case").filter(pk=payload["event_id"]).first()
    if external is None or event is None:
        return  # the case is gone: nothing left to tell
    if not external.service_request_id:
        raise BackOfficeNotReady(f"{external.endpoint.name} has not given {event.case.reference} an id yet")
    case = event.case
    fields = [
        ("update_id", f"townhall-{event.pk}"),
        ("service_request_id", external.service_request_id),
        ("status", "CLOSED" if case.is_closed else "OPEN"),
        ("updated_datetime", w3c(event.at)),
        ("description", _shorten(event.text, external.endpoint.description_limit)),
        *_reporter_fields(case),
    ]
    _client(external.endpoint).post_update(fields)


def request_fields(case: Case, route: ServiceRoute) -> Fields:
    """The case as GeoReport v2 POST requests fields, within the endpoint's limits."""
    endpoint = route.endpoint
    street_report = StreetReport.objects.filter(case=case).select_related("asset").first()
    fields: Fields = [("service_code", route.service_code)]
    if case.latitude is not None and case.longitude is not None:
        fields += [("lat", str(case.latitude)), ("long", str(case.longitude))]
    if case.address is not None:
        fields += [("address_string", case.address.single_line), ("address_id", str(case.address.uprn))]
    fields.append((f"attribute[{endpoint.reference_attribute}]", case.reference))
    fields += _attribute_fields(case, route.attribute_map)
    if street_report is not None and street_report.asset is not None:
        fields.append(("attribute[asset_id]", street_report.asset.asset_id))
    fields.append(("description", _shorten(_description(case, street_report), endpoint.description_limit)))
    fields += _reporter_fields(case)
    if street_report is not None and (photo := street_report.photos.filter(hidden=False).first()):
        fields.append(("media_url", _absolute(photo.image.url)))
    return fields


def _attribute_fields(case: Case, attribute_map: dict[str, str]) -> Fields:
    fields: Fields = []
    for question in parse_questions(case.form.questions):
        answer = case.answers.get(question.key)
        if question.type in _NOT_ATTRIBUTES or answer in (None, "", []):
            continue
        code = attribute_map.get(question.key, question.key)
        if isinstance(answer, list):  # a multivaluelist repeats the field, as the spec writes it
            fields += [(f"attribute[{code}][]", str(value)) for value in answer]
        else:
            fields.append((f"attribute[{code}]", str(answer)))
    return fields


def _description(case: Case, street_report: StreetReport | None) -> str:
    """The report's own words; a case without them is described by its answers."""
    if street_report is not None:
        return "\n\n".join(filter(None, [street_report.title, street_report.detail]))
    lines = []
    for question in parse_questions(case.form.questions):
        if question.key in case.answers and question.type != "file":
            lines.append(f"{question.label}: {display_answer(question, case.answers[question.key])}")
    return "\n".join(lines) or case.service.name


def _reporter_fields(case: Case) -> Fields:
    first, _space, last = case.requester_name.strip().partition(" ")
    candidates = [
        ("email", case.requester_email),
        ("first_name", first[:NAME_LIMIT]),
        ("last_name", last.strip()[:NAME_LIMIT]),
        ("phone", case.requester_phone[:PHONE_LIMIT]),
    ]
    return [(name, value) for name, value in candidates if value]


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _absolute(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else f"{settings.SITE_URL}{url}"
