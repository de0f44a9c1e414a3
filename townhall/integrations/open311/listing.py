"""GET requests: reading its filters, and what each request shows.

What a request shows is what anyone may see, since no key is needed to read: its
service, status and dates always; where it is, what it says, its photo link and its
updates only for a street report the council shows on its public map (public, of a
category that is not private, text not hidden by a moderator). Nothing names or
contacts the person who made it, and a request about a home never shows the home.
"""

import datetime as dt
from dataclasses import dataclass

from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from townhall.cases.models import Case
from townhall.catalogue.models import Service
from townhall.integrations.open311.formats import Open311Error, w3c

# The window a list covers when no dates are given, and the widest one it may ask for.
WINDOW = dt.timedelta(days=90)
MAX_REFERENCES = 1000
STATUSES = frozenset({"open", "closed"})


@dataclass(frozen=True)
class RequestFilters:
    references: list[str] | None
    services: list[Service]
    statuses: frozenset[str]
    start: dt.datetime | None
    end: dt.datetime | None


def read_filters(params: QueryDict, offered: list[Service]) -> RequestFilters:
    """The filters of GET requests, from its query; raises Open311Error for bad ones."""
    references = _comma_list(params.get("service_request_id", ""))
    if references:
        if len(references) > MAX_REFERENCES:
            raise Open311Error(400, _("service_request_id: ask for %(n)s or fewer at once") % {"n": MAX_REFERENCES})
        return RequestFilters(references, offered, frozenset(), None, None)
    by_code = {service.open311_code: service for service in offered}
    codes = _comma_list(params.get("service_code", ""))
    if unknown := [code for code in codes if code not in by_code]:
        raise Open311Error(404, *(_("service_code: no service has the code %(code)s") % {"code": c} for c in unknown))
    statuses = frozenset(status.lower() for status in _comma_list(params.get("status", "")))
    if statuses - STATUSES:
        raise Open311Error(400, _("status: give open, closed or open,closed"))
    start, end = _moment(params, "start_date"), _moment(params, "end_date")
    end = end or timezone.now()
    start = start or end - WINDOW
    if end < start:
        raise Open311Error(400, _("end_date: must be after start_date"))
    if end - start > WINDOW:
        raise Open311Error(400, _("start_date, end_date: ask for %(days)s days or fewer") % {"days": WINDOW.days})
    return RequestFilters(None, [by_code[code] for code in codes] or offered, statuses, start, end)


def _comma_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _moment(params: QueryDict, name: str) -> dt.datetime | None:
    """A W3C date and time (a date alone means its start); London time if no offset is given."""
    text = params.get(name, "").strip()
    if not text:
        return None
    try:
        moment = parse_datetime(text)
        if moment is None and (day := parse_date(text)):
            moment = dt.datetime.combine(day, dt.time())
    except ValueError:
        moment = None
    if moment is None:
        raise Open311Error(400, _("%(name)s: give a date and time like 2026-11-22T10:15:00+00:00") % {"name": name})
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def request_item(case: Case) -> dict:
    """One request as GET requests shows it (see the module's docstring for what is public).

    The case's optional rows (street category and report, Open311 submission) are read
    with getattr: a missing one-to-one row raises an AttributeError."""
    category = getattr(case.service, "street_category", None)
    report = getattr(case, "street_report", None)
    if report is not None and (not report.public or (category and category.private)):
        report = None  # not on the public map: it shows neither where it is nor what it says
    submission = getattr(case, "open311_submission", None)
    return {
        "service_request_id": case.reference,
        "status": "closed" if case.is_closed else "open",
        "status_notes": case.latest_update if report and case.latest_update else case.status_label,
        "service_name": case.service.name,
        "service_code": case.service.open311_code,
        "description": _description(report),
        "agency_responsible": case.team.name,
        "service_notice": (category.notice if category else "") or None,
        "requested_datetime": w3c(case.submitted_at),
        "updated_datetime": w3c(case.updated_at),
        "expected_datetime": _end_of(case.due_date),
        # A street, never a home's number: where a problem is, not who lives there.
        "address": str(case.address.street) if report and case.address else None,
        "address_id": None,
        "zipcode": None,
        "lat": float(report.latitude) if report else None,
        "long": float(report.longitude) if report else None,
        "media_url": (submission.media_url or None) if report and submission else None,
    }


def _description(report) -> str | None:
    if report is None or report.text_hidden:
        return None
    return "\n\n".join(part for part in (report.title, report.detail) if part) or None


def _end_of(day: dt.date | None) -> str | None:
    """A due date as the moment it runs out: the end of that day in London."""
    if day is None:
        return None
    return w3c(timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59))))
