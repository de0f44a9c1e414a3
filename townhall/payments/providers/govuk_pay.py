"""GOV.UK Pay, the public sector's card payment service (https://docs.payments.service.gov.uk/).

The payer pays on GOV.UK Pay's own pages (`next_url`); Townhall then asks the API what
happened. Every call carries the council's API key as a bearer token and gives up after
`GOVUK_PAY_TIMEOUT_SECONDS`. Network failures, timeouts, 5xx and 429 raise
`ProviderUnavailable` (try again later); any other refusal raises `ProviderRefused` with
GOV.UK Pay's error code (`P0102`, `P0604`, ...). Webhooks are trusted only when their
`Pay-Signature` verifies against `GOVUK_PAY_WEBHOOK_SECRET`.

Nothing here logs the API key, and card details in GOV.UK Pay's answers are never read.
"""

import datetime as dt
import hashlib
import hmac
import json
import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import requests
from django.conf import settings

from townhall.payments import providers as p

logger = logging.getLogger(__name__)

PAGE_SIZE = 500  # the most results GOV.UK Pay gives in one page of a search
MAX_PAGES = 1_000  # a guard against a server that always claims another page


class GovUkPayProvider:
    name = "govuk_pay"

    def create_payment(
        self,
        *,
        amount: int,
        reference: str,
        description: str,
        return_url: str,
        email: str = "",
        moto: bool = False,
        metadata: dict | None = None,
        idempotency_key: str = "",
    ) -> p.ProviderPayment:
        body: dict[str, Any] = {
            "amount": amount,
            "reference": reference,
            "description": description,
            "return_url": return_url,
            "language": "en",
        }
        if email:
            body["email"] = email
        if moto:
            body["moto"] = True
        if metadata:
            body["metadata"] = metadata
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        return _payment(self._call("POST", "/v1/payments", json_body=body, headers=headers))

    def get_payment(self, provider_id: str) -> p.ProviderPayment:
        return _payment(self._call("GET", _payment_path(provider_id)))

    def cancel_payment(self, provider_id: str) -> None:
        self._call("POST", f"{_payment_path(provider_id)}/cancel")

    def refund(self, provider_id: str, *, amount: int, amount_available: int) -> p.ProviderRefund:
        body = {"amount": amount, "refund_amount_available": amount_available}
        return _refund(self._call("POST", f"{_payment_path(provider_id)}/refunds", json_body=body))

    def get_refund(self, provider_id: str, refund_id: str) -> p.ProviderRefund:
        return _refund(self._call("GET", f"{_payment_path(provider_id)}/refunds/{quote(refund_id, safe='')}"))

    def search_payments(self, *, from_date: dt.datetime, to_date: dt.datetime) -> list[p.ProviderPayment]:
        """Every payment created from `from_date` (inclusive) to `to_date` (exclusive), all pages.

        GOV.UK Pay takes whole UTC seconds, so the window is widened to whole seconds: a
        reconciliation may see a payment twice, never miss one. Search is eventually
        consistent on GOV.UK Pay's side: the newest payments may not show yet.
        """
        query = {"from_date": _utc_seconds(from_date), "to_date": _utc_seconds(to_date, round_up=True)}
        found: list[p.ProviderPayment] = []
        for page in range(1, MAX_PAGES + 1):
            # Ask for the next page ourselves rather than follow `_links.next_page.href`,
            # so the API key only ever goes to the configured host.
            answer = self._call("GET", "/v1/payments", params={**query, "page": page, "display_size": PAGE_SIZE})
            results = answer.get("results") or []
            found.extend(_payment(result) for result in results)
            if not results or not (answer.get("_links") or {}).get("next_page"):
                return found
        raise p.ProviderUnavailable(f"GOV.UK Pay's search did not end after {MAX_PAGES} pages")

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> p.WebhookEvent:
        secret = settings.GOVUK_PAY_WEBHOOK_SECRET
        if not secret:
            raise p.ProviderRefused(
                "GOVUK_PAY_WEBHOOK_SECRET is not set, so no webhook can be trusted.", code="no_webhook_secret"
            )
        signature = _header(headers, "Pay-Signature").strip().lower()
        if not signature:
            raise p.ProviderRefused("The webhook has no Pay-Signature header.", code="missing_signature")
        expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected.encode(), signature.encode()):
            raise p.ProviderRefused("The webhook's Pay-Signature does not match its body.", code="bad_signature")
        try:
            message = json.loads(body)
            resource = message.get("resource") or {}
            return p.WebhookEvent(
                message_id=str(message["webhook_message_id"]),
                event_type=str(message["event_type"]),
                # A refund's message names the refund as its resource; the payment is inside it.
                provider_id=str(resource.get("payment_id") or message["resource_id"]),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise p.ProviderRefused("The webhook is not a GOV.UK Pay message.", code="bad_message") from error

    def _call(
        self,
        method: str,
        path: str,
        *,
        json_body: dict | None = None,
        params: dict | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict:
        """GOV.UK Pay's JSON answer to one request ({} for 204 No Content)."""
        api_key = settings.GOVUK_PAY_API_KEY
        if not api_key:
            raise p.ProviderRefused("GOVUK_PAY_API_KEY is not set.", code="no_api_key")
        try:
            response = requests.request(
                method,
                settings.GOVUK_PAY_API_URL.rstrip("/") + path,
                json=json_body,
                params=params,
                headers={"Authorization": f"Bearer {api_key}", "Accept": "application/json", **(headers or {})},
                timeout=settings.GOVUK_PAY_TIMEOUT_SECONDS,
                allow_redirects=False,
            )
        except requests.Timeout as error:
            logger.warning("GOV.UK Pay did not answer %s %s in time", method, path)
            raise p.ProviderUnavailable(f"GOV.UK Pay did not answer {method} {path} in time.") from error
        except requests.RequestException as error:
            logger.warning("GOV.UK Pay could not be reached for %s %s: %s", method, path, type(error).__name__)
            raise p.ProviderUnavailable(f"GOV.UK Pay could not be reached for {method} {path}.") from error

        status = response.status_code
        if status == 429 or status >= 500:
            logger.warning("GOV.UK Pay answered %s to %s %s", status, method, path)
            raise p.ProviderUnavailable(f"GOV.UK Pay answered {status} to {method} {path}; try again later.")
        if status >= 300:
            error = _json(response)
            code, description = str(error.get("code") or ""), str(error.get("description") or "")
            logger.info("GOV.UK Pay refused %s %s: %s %s %s", method, path, status, code, description)
            raise p.ProviderRefused(
                description or f"GOV.UK Pay answered {status} to {method} {path}.", code=code, status=status
            )
        if status == 204 or not response.content:
            return {}
        answer = _json(response)
        if not answer:
            raise p.ProviderUnavailable(f"GOV.UK Pay's answer to {method} {path} was not a JSON object.")
        return answer


def _payment(answer: dict) -> p.ProviderPayment:
    if not answer.get("payment_id"):
        raise p.ProviderUnavailable("GOV.UK Pay's answer has no payment_id.")
    state = answer.get("state") or {}
    summary = answer.get("refund_summary") or {}
    status = str(state.get("status") or "")
    finished = bool(state.get("finished")) or status in p.FINISHED_STATES
    next_link = (answer.get("_links") or {}).get("next_url") or {}
    return p.ProviderPayment(
        provider_id=str(answer["payment_id"]),
        status=status,
        amount=int(answer.get("amount") or 0),
        reference=str(answer.get("reference") or ""),
        description=str(answer.get("description") or ""),
        finished=finished,
        failure_code=str(state.get("code") or ""),
        failure_message=str(state.get("message") or ""),
        next_url="" if finished else str(next_link.get("href") or ""),
        created_at=_datetime(answer.get("created_date")),
        refund_status=str(summary.get("status") or ""),
        amount_available=int(summary.get("amount_available") or 0),
        amount_refunded=int(summary.get("amount_submitted") or 0),
        metadata=dict(answer.get("metadata") or {}),
    )


def _refund(answer: dict) -> p.ProviderRefund:
    if not answer.get("refund_id"):
        raise p.ProviderUnavailable("GOV.UK Pay's answer has no refund_id.")
    return p.ProviderRefund(
        refund_id=str(answer["refund_id"]),
        amount=int(answer.get("amount") or 0),
        status=str(answer.get("status") or ""),
        created_at=_datetime(answer.get("created_date")),
    )


def _payment_path(provider_id: str) -> str:
    return f"/v1/payments/{quote(provider_id, safe='')}"


def _json(response: requests.Response) -> dict:
    try:
        answer = response.json()
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def _datetime(value: Any) -> dt.datetime | None:
    """GOV.UK Pay's UTC timestamps (`2022-03-25T13:11:29.019Z`) as aware datetimes."""
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def _utc_seconds(moment: dt.datetime, *, round_up: bool = False) -> str:
    """An aware datetime as GOV.UK Pay's search wants it: UTC, whole seconds, `Z`."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("GOV.UK Pay's search needs aware datetimes.")
    moment = moment.astimezone(dt.UTC)
    if round_up and moment.microsecond:
        moment += dt.timedelta(seconds=1)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _header(headers: Mapping[str, str], name: str) -> str:
    """A header by name, whatever its case; also finds it in a WSGI environ (`HTTP_PAY_SIGNATURE`)."""
    wanted = {name.lower(), "http_" + name.lower().replace("-", "_")}
    return next((str(value) for key, value in headers.items() if key.lower() in wanted), "")
