"""A local fake of GOV.UK Pay's public API, for tests: a real HTTP server on 127.0.0.1.

It follows the published API reference (https://docs.payments.service.gov.uk/api_reference/)
and the OpenAPI file in alphagov/pay-publicapi: the same paths, field names, state names,
`_links`, error bodies (`{"field": ..., "code": "P0102", "description": ...}`) and status
codes. It keeps payments in memory and checks the bearer key on every request.

Tests drive what the payer and GOV.UK Pay do through methods on the fake, never HTTP:
`progress`, `complete`, `refund_succeeds`, `refund_fails`, `fail_next`, `hang_next`,
`go_down` / `come_back`. `webhook` builds a correctly signed webhook delivery.

What it does not model: delayed capture, MOTO through the API, agreements, events, the
`pending` refund wait of live accounts, rate limits (use `fail_next(429)`).
"""

import datetime as dt
import hashlib
import hmac
import json
import re
import secrets
import string
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

API_KEY = "api_test_fake_key"
WEBHOOK_SECRET = "webhook_test_secret"
MAX_AMOUNT = 10_000_000
UNFINISHED = ("created", "started", "submitted", "capturable")
# complete()'s outcomes: (status, failure code, failure message), as GOV.UK Pay reports them.
OUTCOMES = {
    "success": ("success", "", ""),
    "declined": ("failed", "P0010", "Payment method rejected"),
    "expired": ("failed", "P0020", "Payment expired"),
    "cancelled_by_user": ("failed", "P0030", "Payment was cancelled by the user"),
    "error": ("error", "P0050", "Payment provider returned an error"),
}
CANCELLED_BY_SERVICE = ("cancelled", "P0040", "Payment was cancelled by the service")
OUTAGE_ERRORS = {429: ("P0900", "Too many requests")}
IDEMPOTENCY_KEY = re.compile(r"^[a-zA-Z0-9-]{1,255}$")
SEARCH_DATE = "%Y-%m-%dT%H:%M:%SZ"
# A test card's details: GOV.UK Pay returns these once the payer has entered a card.
TEST_CARD = {
    "last_digits_card_number": "4242",
    "first_digits_card_number": "424242",
    "cardholder_name": "Ada Resident",
    "expiry_date": "04/30",
    "billing_address": None,
    "card_brand": "Visa",
    "card_type": "debit",
}


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # names in lower case
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Refused(Exception):
    """An error answer: its status and GOV.UK Pay's error body."""

    def __init__(self, status: int, code: str = "", description: str = "", **where: str):
        super().__init__(description)
        self.status, self.body = status, {**where, "code": code, "description": description} if code else None


def sign(body: bytes, secret: str) -> str:
    """The `Pay-Signature` GOV.UK Pay sends: lower-case hex HMAC-SHA256 of the raw body."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _new_id() -> str:
    return "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(26))


def _timestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class FakeGovUkPay:
    def __init__(self, *, api_key: str = API_KEY, webhook_secret: str = WEBHOOK_SECRET):
        self.api_key = api_key
        self.webhook_secret = webhook_secret
        self.clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
        self.payments: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, dict[str, Any]]] = {}  # payment_id -> refund_id -> refund
        self.requests: list[Recorded] = []
        self._by_key: dict[str, tuple[dict, str]] = {}  # Idempotency-Key -> (request body, payment_id)
        self._failures: list[int] = []
        self._down = False
        self._hang = 0.0
        self._lock = threading.RLock()
        self._release = threading.Event()
        self._server: ThreadingHTTPServer | None = None

    # Running.
    def start(self) -> "FakeGovUkPay":
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self  # type: ignore[attr-defined]
        # A short poll, because stop() waits for one.
        serve = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
        serve.start()
        return self

    def stop(self) -> None:
        self._release.set()
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server, "start() the fake first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # What the payer and GOV.UK Pay do.
    def progress(self, payment_id: str, status: str) -> None:
        """Move an unfinished payment on: `started` (payer on the card page), `submitted`, `capturable`."""
        assert status in UNFINISHED, status
        with self._lock:
            payment = self.payments[payment_id]
            assert payment["state"]["status"] in UNFINISHED, "the payment has already finished"
            payment["state"] = {"status": status, "finished": False}

    def complete(self, payment_id: str, outcome: str = "success") -> None:
        """Finish the payer's journey: success, declined, expired, cancelled_by_user or error."""
        status, code, message = OUTCOMES[outcome]
        with self._lock:
            payment = self.payments[payment_id]
            assert payment["state"]["status"] in UNFINISHED, "the payment has already finished"
            self._finish(payment, status, code, message)
            if outcome in ("success", "declined"):
                payment["card_details"] = dict(TEST_CARD)
            if outcome == "success":
                payment["refund_summary"]["status"] = "available"
                payment["settlement_summary"] = {"capture_submit_time": _timestamp(self.clock())}

    def refund_succeeds(self, payment_id: str, refund_id: str | None = None) -> None:
        """The payment's submitted refunds (or just `refund_id`) reach the payer."""
        self._settle_refunds(payment_id, refund_id, "success")

    def refund_fails(self, payment_id: str, refund_id: str | None = None) -> None:
        """The payment's submitted refunds (or just `refund_id`) fail; their amount can be refunded again."""
        self._settle_refunds(payment_id, refund_id, "error")

    # Outages.
    def fail_next(self, status: int = 503, times: int = 1) -> None:
        with self._lock:
            self._failures.extend([status] * times)

    def hang_next(self, seconds: float) -> None:
        """Answer the next request only after `seconds` (to make a client time out)."""
        with self._lock:
            self._hang = seconds

    def go_down(self) -> None:
        self._down = True

    def come_back(self) -> None:
        self._down = False

    # Webhooks.
    def sign(self, body: bytes) -> str:
        return sign(body, self.webhook_secret)

    def webhook(
        self, payment_id: str, event_type: str = "card_payment_succeeded", *, message_id: str = ""
    ) -> tuple[bytes, dict[str, str]]:
        """A webhook delivery about the payment, as GOV.UK Pay would POST it: (body, headers)."""
        with self._lock:
            resource = self._render(self.payments[payment_id], links=False)
        message = {
            "webhook_message_id": message_id or _new_id(),
            "created_date": _timestamp(self.clock()),
            "resource_id": payment_id,
            "api_version": 1,
            "resource_type": "payment",
            "event_type": event_type,
            "resource": resource,
        }
        body = json.dumps(message).encode()
        return body, {"Content-Type": "application/json", "Pay-Signature": self.sign(body)}

    # The API.
    def answer(self, method: str, target: str, headers: dict[str, str], body: bytes) -> tuple[int, dict | None]:
        split = urlsplit(target)
        query = {key: values[-1] for key, values in parse_qs(split.query).items()}
        with self._lock:
            self.requests.append(Recorded(method, split.path, query, headers, body))
            hang, self._hang = self._hang, 0.0
            failure = self._failures.pop(0) if self._failures else None
        if hang:
            self._release.wait(hang)
        if self._down and failure is None:
            failure = 503
        if failure is not None:
            code, description = OUTAGE_ERRORS.get(failure, ("P0999", "GOV.UK Pay is temporarily unavailable"))
            return failure, {"code": code, "description": description}
        if headers.get("authorization") != f"Bearer {self.api_key}":
            return 401, None
        try:
            with self._lock:
                return self._route(method, split.path, query, headers, body)
        except Refused as refusal:
            return refusal.status, refusal.body

    def _route(self, method: str, path: str, query: dict, headers: dict, body: bytes) -> tuple[int, dict | None]:
        parts = path.strip("/").split("/")
        if parts[:2] != ["v1", "payments"]:
            raise Refused(404)
        match method, parts[2:]:
            case "POST", []:
                return self._create(headers, body)
            case "GET", []:
                return 200, self._search(query)
            case "GET", [payment_id]:
                return 200, self._render(self._payment(payment_id, "P0200"))
            case "POST", [payment_id, "cancel"]:
                return self._cancel(self._payment(payment_id, "P0500"))
            case "POST", [payment_id, "refunds"]:
                return 202, self._refund(self._payment(payment_id, "P0600"), body)
            case "GET", [payment_id, "refunds"]:
                self._payment(payment_id, "P0800")
                refunds = list(self.refunds.get(payment_id, {}).values())
                return 200, {"payment_id": payment_id, "_embedded": {"refunds": refunds}}
            case "GET", [payment_id, "refunds", refund_id]:
                refund = self.refunds.get(payment_id, {}).get(refund_id)
                if refund is None:
                    raise Refused(404, "P0700", "Not found")
                return 200, refund
        raise Refused(404)

    def _create(self, headers: dict, body: bytes) -> tuple[int, dict]:
        request = _parse(body, "P0197")
        key = headers.get("idempotency-key")
        if key is not None and not IDEMPOTENCY_KEY.match(key):
            raise Refused(
                422,
                "P0102",
                "Invalid header value: Idempotency-Key. Must match ^[a-zA-Z0-9-]+$",
                header="Idempotency-Key",
            )
        if key and key in self._by_key:
            earlier, payment_id = self._by_key[key]
            if earlier != request:
                raise Refused(
                    409,
                    "P0191",
                    "The `Idempotency-Key` you sent in the request header has already been used to create a payment.",
                    header="Idempotency-Key",
                )
            return 200, self._render(self.payments[payment_id])
        _validate_payment(request)
        payment_id = _new_id()
        payment = {
            "amount": request["amount"],
            "description": request["description"],
            "reference": request["reference"],
            "language": request.get("language", "en"),
            "state": {"status": "created", "finished": False},
            "payment_id": payment_id,
            "payment_provider": "sandbox",
            "created_date": _timestamp(self.clock()),
            "refund_summary": {"status": "pending", "amount_available": request["amount"], "amount_submitted": 0},
            "settlement_summary": {},
            "delayed_capture": False,
            "moto": bool(request.get("moto", False)),
            "return_url": request["return_url"],
            "authorisation_mode": "web",
            "_next_token": secrets.token_hex(16),
        }
        for optional in ("email", "metadata"):
            if optional in request:
                payment[optional] = request[optional]
        self.payments[payment_id] = payment
        if key:
            self._by_key[key] = (request, payment_id)
        return 201, self._render(payment)

    def _search(self, query: dict[str, str]) -> dict:
        window = {}
        for name in ("from_date", "to_date"):
            if name in query:
                try:
                    window[name] = dt.datetime.strptime(query[name], SEARCH_DATE).replace(tzinfo=dt.UTC)
                except ValueError:
                    raise Refused(422, "P0401", _bad_search(name)) from None
        page, size = _whole(query, "page", 1, 1, None), _whole(query, "display_size", 500, 1, 500)
        matches = [
            payment
            for payment in self.payments.values()
            if window.get("from_date", dt.datetime.min.replace(tzinfo=dt.UTC))
            <= dt.datetime.fromisoformat(payment["created_date"])
            < window.get("to_date", dt.datetime.max.replace(tzinfo=dt.UTC))
            and query.get("reference", payment["reference"]).lower() == payment["reference"].lower()
            and query.get("state", payment["state"]["status"]) == payment["state"]["status"]
        ]
        matches.sort(key=lambda payment: payment["created_date"], reverse=True)  # newest first, as GOV.UK Pay does
        last = max(1, -(-len(matches) // size))
        if page > last:
            raise Refused(404, "P0402", "Page not found")

        def link(number: int) -> dict:
            return {"href": f"{self.url}/v1/payments?{urlencode({**query, 'page': number, 'display_size': size})}"}

        links = {"self": link(page), "first_page": link(1), "last_page": link(last)}
        if page > 1:
            links["prev_page"] = link(page - 1)
        if page < last:
            links["next_page"] = link(page + 1)
        results = [self._render(payment, search=True) for payment in matches[(page - 1) * size : page * size]]
        return {"total": len(matches), "count": len(results), "page": page, "results": results, "_links": links}

    def _cancel(self, payment: dict) -> tuple[int, None]:
        if payment["state"]["status"] not in UNFINISHED:
            raise Refused(400, "P0501", "Cancellation of payment failed")
        self._finish(payment, *CANCELLED_BY_SERVICE)
        return 204, None

    def _refund(self, payment: dict, body: bytes) -> dict:
        request = _parse(body, "P0697")
        amount = request.get("amount")
        if amount is None:
            raise Refused(422, "P0601", "Missing mandatory attribute: amount", field="amount")
        if problem := _amount_problem(amount):
            raise Refused(422, "P0602", f"Invalid attribute value: amount. {problem}", field="amount")
        summary = payment["refund_summary"]
        if summary["status"] != "available":
            raise Refused(
                400, "P0603", f"The payment is not available for refund. Payment refund status: {summary['status']}"
            )
        if request.get("refund_amount_available", summary["amount_available"]) != summary["amount_available"]:
            raise Refused(412, "P0604", "Refund amount available mismatch.")
        if amount > summary["amount_available"]:
            raise Refused(
                400, "P0603", "The payment is not available for refund. Payment refund status: amount_not_available"
            )
        summary["amount_available"] -= amount
        summary["amount_submitted"] += amount
        summary["status"] = "full" if summary["amount_available"] == 0 else "available"
        refund_id, base = _new_id(), f"{self.url}/v1/payments/{payment['payment_id']}"
        refund = {
            "refund_id": refund_id,
            "created_date": _timestamp(self.clock()),
            "amount": amount,
            "status": "submitted",
            "settlement_summary": {},
            "_links": {
                "self": {"href": f"{base}/refunds/{refund_id}", "method": "GET"},
                "payment": {"href": base, "method": "GET"},
            },
        }
        self.refunds.setdefault(payment["payment_id"], {})[refund_id] = refund
        return refund

    def _settle_refunds(self, payment_id: str, refund_id: str | None, status: str) -> None:
        with self._lock:
            summary = self.payments[payment_id]["refund_summary"]
            for refund in self.refunds.get(payment_id, {}).values():
                if refund["status"] == "submitted" and refund_id in (None, refund["refund_id"]):
                    refund["status"] = status
                    if status == "error":
                        summary["amount_available"] += refund["amount"]
                        summary["amount_submitted"] -= refund["amount"]
                        summary["status"] = "available"

    def _payment(self, payment_id: str, not_found_code: str) -> dict:
        if payment_id not in self.payments:
            raise Refused(404, not_found_code, "Not found")
        return self.payments[payment_id]

    def _finish(self, payment: dict, status: str, code: str, message: str) -> None:
        payment["state"] = {"status": status, "finished": True}
        if code:  # `message` and `code` appear only on a payment that did not succeed
            payment["state"] |= {"message": message, "code": code}
        if status != "success":
            payment["refund_summary"] = {"status": "unavailable", "amount_available": 0, "amount_submitted": 0}

    def _render(self, payment: dict, *, links: bool = True, search: bool = False) -> dict:
        answer = {key: value for key, value in payment.items() if not key.startswith("_")}
        answer["state"] = dict(payment["state"])
        answer["refund_summary"] = dict(payment["refund_summary"])
        if not links:
            return answer
        base, status = f"{self.url}/v1/payments/{payment['payment_id']}", payment["state"]["status"]
        answer["_links"] = {
            "self": {"href": base, "method": "GET"},
            "events": {"href": f"{base}/events", "method": "GET"},
            "refunds": {"href": f"{base}/refunds", "method": "GET"},
            "cancel": {"href": f"{base}/cancel", "method": "POST"} if status in UNFINISHED else None,
            "capture": None,
        }
        if status == "created" and not search:
            token = payment["_next_token"]
            answer["_links"]["next_url"] = {"href": f"{self.url}/secure/{token}", "method": "GET"}
            answer["_links"]["next_url_post"] = {
                "type": "application/x-www-form-urlencoded",
                "params": {"chargeTokenId": token},
                "href": f"{self.url}/secure",
                "method": "POST",
            }
        return answer


def _parse(body: bytes, code: str) -> dict:
    try:
        request = json.loads(body)
    except ValueError:
        request = None
    if not isinstance(request, dict):
        raise Refused(400, code, "Unable to parse JSON")
    return request


def _validate_payment(request: dict) -> None:
    """Refuse as GOV.UK Pay does: 422, P0101 for a missing attribute, P0102 for a bad value."""
    for name in ("amount", "description", "reference", "return_url"):
        if request.get(name) is None:
            raise Refused(422, "P0101", f"Missing mandatory attribute: {name}", field=name)

    def invalid(name: str, why: str) -> Refused:
        return Refused(422, "P0102", f"Invalid attribute value: {name}. {why}", field=name)

    if problem := _amount_problem(request["amount"]):
        raise invalid("amount", problem)
    for name, longest in (("reference", 255), ("description", 255), ("return_url", 2000), ("email", 254)):
        value = request.get(name, "")
        if not isinstance(value, str) or len(value) > longest:
            raise invalid(name, f"Must be less than or equal to {longest} characters length")
    if not re.match(r"^https?://[^\s/]+", request["return_url"]):
        raise invalid("return_url", "Must be a valid URL format")
    if request.get("language", "en") not in ("en", "cy"):
        raise invalid("language", 'Must be "en" or "cy"')
    if not isinstance(request.get("moto", False), bool):
        raise invalid("moto", "Must be true or false")
    if "metadata" in request:
        _validate_metadata(request["metadata"], invalid)


def _amount_problem(amount: Any) -> str:
    if not isinstance(amount, int) or isinstance(amount, bool):
        return "Must be a valid numeric format"
    if amount < 1:
        return "Must be greater than or equal to 1"
    return f"Must be less than or equal to {MAX_AMOUNT}" if amount > MAX_AMOUNT else ""


def _validate_metadata(metadata: Any, invalid: Callable[[str, str], Refused]) -> None:
    """1 to 15 keys of 1 to 30 characters; values strings up to 100 characters, numbers or booleans."""
    if not isinstance(metadata, dict) or not 1 <= len(metadata) <= 15:
        raise invalid("metadata", "Must contain between 1 and 15 keys")
    for key, value in metadata.items():
        if not 1 <= len(key) <= 30:
            raise invalid("metadata", "Keys must be between 1 and 30 characters long")
        if not (
            value is None or isinstance(value, bool | int | float) or (isinstance(value, str) and len(value) <= 100)
        ):
            raise invalid("metadata", "Values must be strings of at most 100 characters, numbers or booleans")


def _bad_search(name: str) -> str:
    return f"Invalid parameters: {name}. See Public API documentation for the correct data formats"


def _whole(query: dict, name: str, default: int, least: int, most: int | None) -> int:
    try:
        value = int(query.get(name, default))
    except ValueError:
        raise Refused(422, "P0401", _bad_search(name)) from None
    if value < least or (most is not None and value > most):
        raise Refused(422, "P0401", _bad_search(name))
    return value


class _Handler(BaseHTTPRequestHandler):
    server_version = "FakeGovUkPay/1.0"

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {key.lower(): value for key, value in self.headers.items()}
        status, payload = self.server.fake.answer(method, self.path, headers, body)  # type: ignore[attr-defined]
        content = json.dumps(payload).encode() if payload is not None else b""
        try:
            self.send_response(status)
            if content:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)
        except OSError:  # the client gave up waiting (a timeout test)
            pass

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: pytest shows failures well enough."""
