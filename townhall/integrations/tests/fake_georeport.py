"""A local fake of a back office speaking Open311 GeoReport v2, for tests: a real HTTP server
on 127.0.0.1, answering in XML or JSON as the path asks.

It follows the GeoReport v2 specification (POST requests form-encoded with `api_key`, GET
requests by `service_request_id` list, GET tokens/<token>, the spec's error list) and the
updates extension (GET and POST servicerequestupdates). Like an adapter written for
Townhall, `GET requests?townhall_reference=<reference>` finds requests by the reference
attribute they were posted with.

Tests drive the back office through methods, never HTTP: `set_status`, `add_update`,
`issue_ids` (for batch services, which answer with a token), `hang_next` (create the next
request, but answer only after the client gave up), `go_down` (the
server really stops: connections are refused) and `come_back` (on the same port).
`created` holds every request created, so a test counts what arrived.
"""

import datetime as dt
import itertools
import json
import threading
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

API_KEY = "fake-back-office-key"
REFERENCE_ATTRIBUTE = "townhall_reference"
ROOTS = {
    "requests": ("service_requests", "request"),
    "servicerequestupdates": ("service_request_updates", "request_update"),
}


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class FakeGeoReport:
    def __init__(self, *, batch: bool = False):
        self.batch = batch  # answer POST requests with a token, as a batch service does
        self.created: list[dict[str, Any]] = []
        self.updates: list[dict[str, str]] = []
        self.posted_updates: list[dict[str, list[str]]] = []
        self.calls: list[tuple[str, str]] = []
        self._ids = itertools.count(1001)
        self._hang = 0.0
        self._lock = threading.RLock()
        self._release = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._port = 0

    # Running.
    def start(self) -> "FakeGeoReport":
        self._server = ThreadingHTTPServer(("127.0.0.1", self._port), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self  # type: ignore[attr-defined]
        self._port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
        return self

    def stop(self) -> None:
        self._release.set()
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def go_down(self) -> None:
        self.stop()
        self._release.clear()

    def come_back(self) -> None:
        self.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}/open311/v2"

    # What the back office does.
    def hang_next(self, seconds: float) -> None:
        """Create the next request posted, then answer only after `seconds`."""
        with self._lock:
            self._hang = seconds

    def request(self, service_request_id: str) -> dict[str, Any]:
        return next(r for r in self.created if r["service_request_id"] == service_request_id)

    def set_status(self, service_request_id: str, status: str, notes: str = "") -> None:
        with self._lock:
            record = self.request(service_request_id)
            record.update(status=status, status_notes=notes, updated_datetime=_now())

    def add_update(self, service_request_id: str, status: str, description: str = "") -> str:
        with self._lock:
            update_id = f"U{len(self.updates) + 1}"
            self.updates.append(
                {
                    "update_id": update_id,
                    "service_request_id": service_request_id,
                    "status": status,
                    "description": description,
                    "updated_datetime": _now(),
                }
            )
            return update_id

    def issue_ids(self) -> None:
        """A batch service gets round to its queue: each token now stands for an id."""
        with self._lock:
            for record in self.created:
                record["service_request_id"] = record["service_request_id"] or str(next(self._ids))

    # The API.
    def answer(self, method: str, target: str, body: bytes) -> tuple[int, str, list[dict] | None, str]:
        """(status, root element name, records, format)."""
        split = urlsplit(target)
        resource, _dot, format = split.path.removeprefix("/open311/v2/").rpartition(".")
        query = parse_qs(split.query)
        form = parse_qs(body.decode()) if body else {}
        with self._lock:
            self.calls.append((method, resource))
            hang = 0.0
            if (method, resource) == ("POST", "requests"):
                hang, self._hang = self._hang, 0.0
        if format not in ("xml", "json"):
            return 404, "errors", [{"code": "404", "description": "Unknown format"}], "xml"
        with self._lock:
            status, records = self._route(method, resource, query, form)
        if hang:
            self._release.wait(hang)
        root = ROOTS.get(resource.split("/")[0], ("service_requests", "request"))[0] if status < 400 else "errors"
        return status, root, records, format

    def _route(self, method: str, resource: str, query: dict, form: dict) -> tuple[int, list[dict]]:
        if method == "POST" and form.get("api_key", [""])[0] != API_KEY:
            return 403, [{"code": "403", "description": "Invalid api_key"}]
        match method, resource.split("/"):
            case "POST", ["requests"] if not form.get("service_code"):
                return 400, [{"code": "400", "description": "service_code is required"}]
            case "POST", ["requests"]:
                return 200, [self._create(form)]
            case "GET", ["requests"]:
                return 200, self._search(query)
            case "GET", ["tokens", token]:
                found = [r for r in self.created if r["token"] == token]
                if not found:
                    return 404, [{"code": "404", "description": "Unknown token"}]
                return 200, [{"service_request_id": found[0]["service_request_id"], "token": token}]
            case "GET", ["servicerequestupdates"]:
                start, end = (dt.datetime.fromisoformat(query[name][0]) for name in ("start_date", "end_date"))
                return 200, [
                    u for u in self.updates if start <= dt.datetime.fromisoformat(u["updated_datetime"]) <= end
                ]
            case "POST", ["servicerequestupdates"]:
                self.posted_updates.append(form)
                return 200, [{"update_id": f"B{len(self.posted_updates)}"}]
        return 404, [{"code": "404", "description": "Not found"}]

    def _create(self, form: dict[str, list[str]]) -> dict[str, str]:
        record = {
            "service_request_id": "" if self.batch else str(next(self._ids)),
            "token": f"T{len(self.created) + 1}" if self.batch else "",
            "status": "open",
            "status_notes": "",
            "updated_datetime": _now(),
            "form": form,
            "reference": form.get(f"attribute[{REFERENCE_ATTRIBUTE}]", [""])[0],
        }
        self.created.append(record)
        if self.batch:
            return {"token": record["token"]}
        return {"service_request_id": record["service_request_id"], "service_notice": ""}

    def _search(self, query: dict[str, list[str]]) -> list[dict]:
        if REFERENCE_ATTRIBUTE in query:
            found = [r for r in self.created if r["reference"] == query[REFERENCE_ATTRIBUTE][0]]
        else:
            ids = query.get("service_request_id", [""])[0].split(",")
            found = [r for r in self.created if r["service_request_id"] and r["service_request_id"] in ids]
        return [
            {key: r[key] for key in ("service_request_id", "status", "status_notes", "updated_datetime")} for r in found
        ]


def _xml(root: str, records: list[dict]) -> bytes:
    item_tag = {"service_requests": "request", "service_request_updates": "request_update", "errors": "error"}[root]
    element = ET.Element(root)
    for record in records:
        item = ET.SubElement(element, item_tag)
        for key, value in record.items():
            ET.SubElement(item, key).text = str(value)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


class _Handler(BaseHTTPRequestHandler):
    server_version = "FakeGeoReport/1.0"

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status, root, records, format = self.server.fake.answer(method, self.path, body)  # type: ignore[attr-defined]
        if format == "json":
            content, content_type = json.dumps(records).encode(), "application/json; charset=utf-8"
        else:
            content, content_type = _xml(root, records or []), "text/xml; charset=utf-8"
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)
        except OSError:  # the client gave up waiting (a timeout test)
            pass

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: pytest shows failures well enough."""
