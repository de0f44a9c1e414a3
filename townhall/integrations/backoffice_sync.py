"""Status updates back from the back offices, onto the case timeline (issue 5, item 5).

A periodic task (`integrations.tasks.poll_backoffice_updates`, every
`BACKOFFICE_POLL_SECONDS`) asks each switched-on endpoint what changed:

- tokens handed out for batch services are exchanged for ids (GET tokens/<token>);
- an endpoint with the updates extension is asked for the updates since the last poll
  (GET servicerequestupdates, with an overlap so a late-committed update is not missed,
  and each update applied once);
- any other is asked for the status of its open requests, a batch of ids at a time
  (GET requests?service_request_id=…).

A changed status or note reaches the case through the cases services, by the system: a
status change when the back office's status means another step of the service's
workflow, else a public update, so the resident sees it and is told.
"""

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from townhall.cases import services as case_services
from townhall.cases.models import Case
from townhall.integrations.models import BackOfficeEndpoint, ExternalRequest
from townhall.integrations.open311.client import Open311Client, Open311Error

logger = logging.getLogger(__name__)

POLL_BATCH = 50  # ids per GET requests: well inside any server's URL limit
UPDATES_OVERLAP = dt.timedelta(minutes=10)
FIRST_UPDATES_WINDOW = dt.timedelta(days=1)
KEEP_UPDATE_IDS = 20

# Statuses of GeoReport v2 (open, closed) and of the updates extension, lower-cased.
CLOSED_STATUSES = frozenset(
    {
        "closed",
        "fixed",
        "no_further_action",
        "not_councils_responsibility",
        "duplicate",
        "cancelled",
        "internal_referral",
    }
)
WORK_STATUSES = frozenset({"investigating", "action_scheduled", "in_progress", "planned", "reopen"})
# What the resident reads when the back office gave no words of its own.
STATUS_WORDS = {
    "fixed": "The problem has been fixed.",
    "closed": "This request has been closed.",
    "no_further_action": "We have looked into this and no further action is needed.",
    "not_councils_responsibility": "This is not something the council is responsible for.",
    "duplicate": "This problem had already been reported, and is being dealt with under that report.",
    "cancelled": "This request has been cancelled.",
    "internal_referral": "This has been passed to another team.",
    "investigating": "We are looking into this.",
    "action_scheduled": "Work to put this right has been scheduled.",
    "in_progress": "Work to put this right is under way.",
    "planned": "Work to put this right is planned.",
    "reopen": "This request has been reopened.",
}


def poll_all() -> None:
    """Poll every switched-on endpoint; one that is down is tried again next time."""
    for endpoint in BackOfficeEndpoint.objects.filter(enabled=True):
        try:
            poll_endpoint(endpoint)
        except Open311Error as error:
            logger.warning("Could not fetch updates from %s: %s", endpoint.name, error)


def poll_endpoint(endpoint: BackOfficeEndpoint, *, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    client = Open311Client(endpoint)
    _resolve_tokens(endpoint, client)
    if endpoint.supports_updates:
        _fetch_updates(endpoint, client, now)
    else:
        _fetch_statuses(endpoint, client, now)


def _resolve_tokens(endpoint: BackOfficeEndpoint, client: Open311Client) -> None:
    waiting = ExternalRequest.objects.filter(endpoint=endpoint, service_request_id="").exclude(token="")
    for external in waiting:
        if service_request_id := client.resolve_token(external.token):
            ExternalRequest.objects.filter(pk=external.pk).update(service_request_id=service_request_id)


def _fetch_statuses(endpoint: BackOfficeEndpoint, client: Open311Client, now: dt.datetime) -> None:
    still_open = (
        ExternalRequest.objects.filter(endpoint=endpoint, remote_closed=False)
        .exclude(service_request_id="")
        .select_related("endpoint")
        .order_by("id")
    )
    after = 0
    while batch := list(still_open.filter(id__gt=after)[:POLL_BATCH]):
        after = batch[-1].pk
        remote = {found.service_request_id: found for found in client.requests(e.service_request_id for e in batch)}
        for external in batch:
            if found := remote.get(external.service_request_id):
                apply_remote_status(external, status=found.status, notes=found.status_notes, at=found.updated_at or now)
        ExternalRequest.objects.filter(pk__in=[e.pk for e in batch]).update(last_fetched_at=now)


def _fetch_updates(endpoint: BackOfficeEndpoint, client: Open311Client, now: dt.datetime) -> None:
    since = endpoint.updates_fetched_until
    start = since - UPDATES_OVERLAP if since else now - FIRST_UPDATES_WINDOW
    updates = client.updates(start=start, end=now)
    externals = {
        external.service_request_id: external
        for external in ExternalRequest.objects.filter(
            endpoint=endpoint, service_request_id__in={update.service_request_id for update in updates}
        ).select_related("endpoint")
    }
    for update in updates:
        external = externals.get(update.service_request_id)
        if external is not None:
            apply_remote_status(
                external,
                status=update.status,
                notes=update.description,
                at=update.updated_at,
                update_id=update.update_id,
            )
    ExternalRequest.objects.filter(pk__in=[e.pk for e in externals.values()]).update(last_fetched_at=now)
    BackOfficeEndpoint.objects.filter(pk=endpoint.pk).update(updates_fetched_until=now)


def apply_remote_status(
    external: ExternalRequest, *, status: str, notes: str, at: dt.datetime, update_id: str = ""
) -> bool:
    """Record what the back office says of a request; True if the case heard of it.

    Nothing changes for a status and note already recorded, or an update already applied,
    so polling the same answer again is harmless."""
    status, notes = status.strip().lower(), notes.strip()
    if not _is_news(external, status, notes, update_id):
        return False
    with transaction.atomic():
        # Under the row lock, in case another poll is applying the same answer right now.
        locked = ExternalRequest.objects.select_for_update().get(pk=external.pk)
        if not _is_news(locked, status, notes, update_id):
            return False
        case = Case.objects.select_related("service").get(pk=locked.case_id)
        _tell_the_case(case, external.endpoint, locked, status, notes)
        locked.remote_status = status
        locked.remote_notes = notes
        locked.remote_updated_at = at
        locked.remote_closed = status in CLOSED_STATUSES
        if update_id:
            locked.applied_update_ids = [*locked.applied_update_ids, update_id][-KEEP_UPDATE_IDS:]
        locked.save(
            update_fields=["remote_status", "remote_notes", "remote_updated_at", "remote_closed", "applied_update_ids"]
        )
    for name in ("remote_status", "remote_notes", "remote_updated_at", "remote_closed", "applied_update_ids"):
        setattr(external, name, getattr(locked, name))
    return True


def _is_news(external: ExternalRequest, status: str, notes: str, update_id: str) -> bool:
    if update_id and update_id in external.applied_update_ids:
        return False
    return status != external.remote_status or notes != external.remote_notes


def _tell_the_case(case: Case, endpoint: BackOfficeEndpoint, known: ExternalRequest, status: str, notes: str) -> None:
    new_notes = notes if notes != known.remote_notes else ""
    words = new_notes or (STATUS_WORDS.get(status, "") if status != known.remote_status else "")
    target = _workflow_state(case, status)
    try:
        if target is not None and target != case.status:
            case_services.change_status(
                case=case, status=target, by=None, reason=f"{endpoint.name} reported {status}", public_text=words
            )
        elif words:
            case_services.add_public_update(case=case, text=words, by=None)
    except case_services.CaseError as error:  # a request waiting for payment, say: keep the news for staff
        logger.warning("%s: could not record %s from %s: %s", case.reference, status, endpoint.name, error)


def _workflow_state(case: Case, status: str) -> str | None:
    """The step of the case's workflow the back office's status means, or None for no move."""
    service = case.service
    if status in CLOSED_STATUSES:
        if case.is_closed:
            return case.status
        return next(state["key"] for state in service.workflow if state["closed"])
    if case.is_closed and (status in WORK_STATUSES or status == "open"):
        return service.reopen_state
    if status in WORK_STATUSES and case.status == service.initial_state:
        return service.reopen_state  # the first open step after "received": work has started
    return None
