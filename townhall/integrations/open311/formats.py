"""Writing GeoReport v2 answers in either of its formats, errors included.

Every answer is built once as plain Python (dicts, lists, strings, numbers, booleans,
None) and written as JSON or as XML. The XML follows the specification's shapes: a root
element (`services`, `service_requests`, `errors`, ...) holding one element per item,
and a list inside an item wrapped in its plural (`<values><value>...</value></values>`).
"""

import datetime as dt
import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence

from django.http import HttpResponse
from django.utils import timezone

JSON, XML = "json", "xml"
CONTENT_TYPES = {JSON: "application/json; charset=utf-8", XML: "text/xml; charset=utf-8"}
# The element each list's items take in XML, by the list's own name.
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


class Open311Error(Exception):
    """An answer of errors: the HTTP status, one description per thing wrong, and any
    headers the status calls for (`Allow`, `Retry-After`)."""

    def __init__(self, status: int, *descriptions: str, headers: dict[str, str] | None = None):
        super().__init__(*descriptions)
        self.status = status
        self.descriptions = descriptions
        self.headers = headers or {}


def w3c(moment: dt.datetime | None) -> str | None:
    """A moment as GeoReport v2 writes it: local time to the second, with its offset."""
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def render(data: object, *, root: str, fmt: str, status: int = 200) -> HttpResponse:
    """`data` (a list of items or one item) as the body of an answer in `fmt` (json or xml)."""
    if fmt == JSON:
        body = json.dumps(data, ensure_ascii=False)
    else:
        body = ET.tostring(_element(root, data), encoding="unicode", xml_declaration=True)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def render_errors(error: Open311Error, *, fmt: str) -> HttpResponse:
    items = [{"code": error.status, "description": description} for description in error.descriptions]
    response = render(items, root="errors", fmt=fmt, status=error.status)
    for name, value in error.headers.items():
        response[name] = value
    return response


def _element(name: str, value: object) -> ET.Element:
    element = ET.Element(name)
    if isinstance(value, Mapping):
        for key, child in value.items():
            element.append(_element(key, child))
    elif isinstance(value, Sequence) and not isinstance(value, str):
        item_name = ITEM_NAMES[name]
        for child in value:
            element.append(_element(item_name, child))
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)
    return element
