"""An Open311 GeoReport v2 client: how Townhall reaches a council's back office.

One `Open311Client` per `BackOfficeEndpoint` speaks the calls Townhall needs, in the
endpoint's format (XML, which every endpoint has, or JSON): POST requests, GET
tokens/<token>, GET requests by id, and the updates extension (GET and POST
servicerequestupdates). It only talks: what to send and what to do with the answers is
`integrations.backoffice`'s.

Every failure (network, timeout, an error status, an answer it cannot read) raises
`Open311Error`, so the outbox message behind the call is retried.

Townhall's extension, for an endpoint that says it has it (`finds_by_reference`):
`GET requests.<format>?<reference attribute>=<case reference>` lists the requests that were
posted with `attribute[<reference attribute>]=<case reference>`. It lets a retry after a
timeout find the request the first attempt created instead of creating a second one.
"""

import datetime as dt
import json
import xml.etree.ElementTree as ET  # expat >= 2.4 refuses entity bombs; external entities are never loaded
from collections.abc import Iterable
from dataclasses import dataclass

import requests
from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from townhall.integrations.models import BackOfficeEndpoint, FeedFormat

Fields = list[tuple[str, str]]


class Open311Error(Exception):
    """The back office could not be reached, refused the call or answered nonsense.
    `status` is the HTTP status of an error answer, None when there was none."""

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Created:
    """The answer to POST requests: an id, or a token to exchange for one later."""

    service_request_id: str
    token: str
    service_notice: str


@dataclass(frozen=True)
class RemoteRequest:
    service_request_id: str
    status: str
    status_notes: str
    updated_at: dt.datetime | None


@dataclass(frozen=True)
class RemoteUpdate:
    update_id: str
    service_request_id: str
    status: str
    description: str
    updated_at: dt.datetime


def w3c(moment: dt.datetime) -> str:
    """A datetime as GeoReport v2 writes it: to the second, with its offset."""
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _moment(text: str) -> dt.datetime | None:
    moment = parse_datetime(text.strip()) if text else None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)  # the spec wants an offset; assume the council's time
    return moment


class Open311Client:
    def __init__(self, endpoint: BackOfficeEndpoint, *, timeout: float | None = None):
        self.endpoint = endpoint
        self.timeout = timeout if timeout is not None else settings.BACKOFFICE_TIMEOUT_SECONDS

    def create_request(self, fields: Fields) -> Created:
        """POST requests: `fields` are the form fields (repeated names allowed)."""
        records = self._call("POST", "requests", data=fields)
        if not records:
            raise Open311Error("The back office answered the new request with no request")
        record = records[0]
        created = Created(
            service_request_id=record.get("service_request_id", ""),
            token=record.get("token", ""),
            service_notice=record.get("service_notice", ""),
        )
        if not (created.service_request_id or created.token):
            raise Open311Error("The back office answered the new request with neither an id nor a token")
        return created

    def find_by_reference(self, reference: str) -> str:
        """The id of the request posted with this case reference, or "" (Townhall's extension)."""
        records = self._call("GET", "requests", params=[(self.endpoint.reference_attribute, reference)])
        return next((r["service_request_id"] for r in records if r.get("service_request_id")), "")

    def resolve_token(self, token: str) -> str:
        """The id a token stands for, or "" while the back office has not made one yet."""
        try:
            records = self._call("GET", f"tokens/{token}")
        except Open311Error as error:
            if error.status == 404:  # some back offices 404 until the id exists
                return ""
            raise
        return next((r["service_request_id"] for r in records if r.get("service_request_id")), "")

    def requests(self, ids: Iterable[str]) -> list[RemoteRequest]:
        """GET requests for these ids (the caller keeps the list short enough for a URL)."""
        records = self._call("GET", "requests", params=[("service_request_id", ",".join(ids))])
        return [
            RemoteRequest(
                service_request_id=record.get("service_request_id", ""),
                status=record.get("status", "").lower(),
                status_notes=record.get("status_notes", ""),
                updated_at=_moment(record.get("updated_datetime", "")),
            )
            for record in records
            if record.get("service_request_id")
        ]

    def updates(self, *, start: dt.datetime, end: dt.datetime) -> list[RemoteUpdate]:
        """GET servicerequestupdates between two moments, oldest first."""
        records = self._call(
            "GET", "servicerequestupdates", params=[("start_date", w3c(start)), ("end_date", w3c(end))]
        )
        updates = []
        for record in records:
            updated_at = _moment(record.get("updated_datetime", ""))
            if not (record.get("update_id") and record.get("service_request_id") and updated_at):
                continue  # the extension requires all three: an update without them cannot be placed
            updates.append(
                RemoteUpdate(
                    update_id=record["update_id"],
                    service_request_id=record["service_request_id"],
                    status=record.get("status", "").upper(),
                    description=record.get("description", ""),
                    updated_at=updated_at,
                )
            )
        return sorted(updates, key=lambda update: (update.updated_at, update.update_id))

    def post_update(self, fields: Fields) -> str:
        """POST servicerequestupdates; the back office's id for the update."""
        records = self._call("POST", "servicerequestupdates", data=fields)
        return records[0].get("update_id", "") if records else ""

    def _call(self, method: str, resource: str, *, params: Fields | None = None, data: Fields | None = None):
        endpoint = self.endpoint
        common = [("api_key", endpoint.api_key)] if endpoint.api_key else []
        if endpoint.jurisdiction_id:
            common.append(("jurisdiction_id", endpoint.jurisdiction_id))
        url = f"{endpoint.base_url.rstrip('/')}/{resource}.{endpoint.format}"
        try:
            response = requests.request(
                method,
                url,
                params=[*common, *(params or [])] if method == "GET" else None,
                data=[*common, *(data or [])] if method == "POST" else None,
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.Timeout as error:
            raise Open311Error(f"{endpoint.name} did not answer within {self.timeout:g} seconds") from error
        except requests.RequestException as error:
            raise Open311Error(f"Could not reach {endpoint.name}: {error}") from error
        if not 200 <= response.status_code < 300:
            problem = "; ".join(
                f"{error.get('code', '')} {error.get('description', '')}".strip() for error in _errors(response)
            )
            raise Open311Error(
                f"{endpoint.name} answered {response.status_code}{f': {problem}' if problem else ''}",
                status=response.status_code,
            )
        return _records(response.content, endpoint.format) if response.content else []


def _records(content: bytes, format: str) -> list[dict[str, str]]:
    """The answer's list of records (requests, updates, errors), each as field -> text."""
    try:
        if format == FeedFormat.JSON:
            data = json.loads(content)
            items = data if isinstance(data, list) else [data]
            return [{key: _text(value) for key, value in item.items()} for item in items if isinstance(item, dict)]
        root = ET.fromstring(content)  # noqa: S314 - see the import
    except (ValueError, ET.ParseError) as error:
        raise Open311Error(f"The back office's answer could not be read: {error}") from error
    return [{field.tag: (field.text or "").strip() for field in item} for item in root]


def _errors(response: requests.Response) -> list[dict[str, str]]:
    """The spec's error list from an error answer, if it sent one (a proxy's HTML page is not)."""
    format = FeedFormat.JSON if "json" in response.headers.get("Content-Type", "") else FeedFormat.XML
    try:
        return _records(response.content, format) if response.content else []
    except Open311Error:
        return []


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
