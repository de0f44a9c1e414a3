"""Bin days: find a property by postcode and address, then its collections as a page, a
printable page, an iCalendar feed and public JSON. The same address finder leads to the
waste services' own pages (`journeys.py`).

Every one reads the cached bin days (`selectors.bin_days`, or `bin_days_ahead` for the
longer calendar and printable views), so once the cache is warm a request costs one query:
the property itself. The feed and the JSON carry an ETag made of the schedule's version,
the property's own generation (its garden waste subscription starting or ending) and the
date, so a client polling them is answered 304 without a body until something changed.
"""

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from townhall.gazetteer.models import Property
from townhall.gazetteer.selectors import property_by_uprn
from townhall.gazetteer.services import MAX_UPRN
from townhall.waste import journeys, selectors
from townhall.waste.forms import BinPostcodeForm
from townhall.waste.schedule import BANK_HOLIDAY_REASON, Collection
from townhall.waste.selectors import UPCOMING_WEEKS, BinDays

CALENDAR_WEEKS = 52  # the feed: a year ahead
PRINT_WEEKS = 13  # the printable view: three months
# How long browsers, apps and shared caches may keep the JSON and the feed without asking
# again; after that an If-None-Match costs them a 304 until the schedule or the date changes.
JSON_MAX_AGE = 15 * 60
CALENDAR_MAX_AGE = 60 * 60


@dataclass(frozen=True)
class Notice:
    """A change to one collection, said in words: a warning for the council's changes and
    cancellations, an inset for the usual bank-holiday slip."""

    text: str
    warning: bool


@dataclass(frozen=True)
class StreamDays:
    bins: BinDays
    how_often: str
    next: str
    last: str
    notices: list[Notice]


@dataclass(frozen=True)
class Item:
    """One collection on one day of the coming weeks."""

    label: str
    note: str = ""
    cancelled: bool = False
    warning: bool = False


@dataclass
class Day:
    date: dt.date
    text: str
    items: list[Item] = field(default_factory=list)


@require_safe
def find(request: HttpRequest) -> HttpResponse:
    """Step 1, a postcode (GET, so the list of addresses can be bookmarked); step 2, its
    addresses, each leading to its bin days or, with `?then=bulky` say, to that flow's
    first page for the address (`journeys.FLOWS`)."""
    then = request.GET.get("then", "")
    flow = journeys.FLOWS.get(then)
    form = BinPostcodeForm(request.GET if "postcode" in request.GET else None)
    context = {"form": form, "flow": flow, "then": then if flow else ""}
    if form.is_bound and form.is_valid():
        addresses = [
            (place, journeys.start_url(then, place) if flow else reverse("bins:property", args=[place.uprn]))
            for place in form.addresses
        ]
        context |= {"postcode": form.cleaned_data["postcode"], "addresses": addresses}
        return render(request, "waste/bins/addresses.html", context)
    return render(request, "waste/bins/find.html", context)


@require_safe
def property_days(request: HttpRequest, uprn: int) -> HttpResponse:
    place = _place(uprn)
    today = _today()
    days = selectors.bin_days(place, today=today)
    return render(
        request,
        "waste/bins/property.html",
        {
            "place": place,
            "today": today,
            "streams": [_stream(bins, today) for bins in days],
            "days": _by_date(days, today),
            "weeks": UPCOMING_WEEKS,
        },
    )


@require_safe
def printable(request: HttpRequest, uprn: int) -> HttpResponse:
    place = _place(uprn)
    today = _today()
    days = selectors.bin_days_ahead(place, weeks=PRINT_WEEKS, today=today)
    return render(
        request,
        "waste/bins/print.html",
        {
            "place": place,
            "today": today,
            "today_text": _in_words(today, today, relative=False, year=True),
            "streams": [_stream(bins, today) for bins in days],
            "days": _by_date(days, today),
        },
    )


@require_safe
def calendar(request: HttpRequest, uprn: int) -> HttpResponseBase:
    """The next year's collections as iCalendar, for calendar apps to import or subscribe to."""
    place = _place(uprn)
    today = _today()
    etag = _etag(place, today)
    response = get_conditional_response(request, etag=etag)
    if response is None:
        days = selectors.bin_days_ahead(place, weeks=CALENDAR_WEEKS, today=today)
        response = HttpResponse(_ical(place, days, today), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="bin-days-{place.uprn}.ics"'
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=CALENDAR_MAX_AGE)
    return response


@require_safe
def collections_json(request: HttpRequest, uprn: int) -> HttpResponseBase:
    """The public JSON of a property's bin days: no key, any site may read it (docs/waste-api.md)."""
    place = _place_or_none(uprn)
    if place is None:
        response: HttpResponseBase = JsonResponse(
            {"error": _("There is no property with UPRN %(uprn)s in the borough.") % {"uprn": uprn}}, status=404
        )
    else:
        today = _today()
        etag = _etag(place, today)
        response = get_conditional_response(request, etag=etag) or JsonResponse(
            selectors.as_json(place, selectors.bin_days(place, today=today))
        )
        response["ETag"] = etag
        patch_cache_control(response, public=True, max_age=JSON_MAX_AGE)
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "ETag"
    return response


def _today() -> dt.date:
    return timezone.localdate()


def _place_or_none(uprn: int) -> Property | None:
    return property_by_uprn(uprn) if 0 < uprn <= MAX_UPRN else None


def _place(uprn: int) -> Property:
    place = _place_or_none(uprn)
    if place is None:
        raise Http404(_("There is no property with that UPRN in the borough."))
    return place


def _etag(place: Property, today: dt.date) -> str:
    # What the cached bin days are keyed by: they change only with these.
    return f'"bins-{selectors.schedule_version()}-{selectors.property_generation(place)}-{today:%Y%m%d}"'


def _in_words(day: dt.date, today: dt.date, *, relative: bool = True, year: bool = False) -> str:
    """'Tuesday 16 June', with the year when it is not this year's, and 'Today' or 'Tomorrow' first when so."""
    text = date_format(day, "l j F Y" if year or day.year != today.year else "l j F")
    if relative and day == today:
        return _("Today, %(day)s") % {"day": text}
    if relative and day == today + dt.timedelta(days=1):
        return _("Tomorrow, %(day)s") % {"day": text}
    return text


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?" else f"{text}."


def _notice(bins: BinDays, collection: Collection, today: dt.date) -> Notice:
    words = {
        "stream": bins.label,
        "usual": _in_words(collection.scheduled, today, relative=False),
        "date": _in_words(collection.date, today, relative=False),
    }
    if collection.cancelled:
        text = _("%(stream)s collection on %(usual)s is cancelled.") % words
    else:
        text = _("%(stream)s collection moved from %(usual)s to %(date)s.") % words
    return Notice(
        text=" ".join(filter(None, [text, _sentence(collection.reason)])),
        warning=collection.cancelled or collection.reason != BANK_HOLIDAY_REASON,
    )


def _stream(bins: BinDays, today: dt.date) -> StreamDays:
    # The changes a resident needs before their next collection: it moved, or the ones before it were cancelled.
    ahead = [c for c in bins.upcoming if bins.next is None or c.date <= bins.next.date]
    return StreamDays(
        bins=bins,
        how_often=_("%(frequency)s on %(weekday)s") % {"frequency": bins.frequency_label, "weekday": bins.weekday_name},
        next=_in_words(bins.next.date, today)
        if bins.next
        else _("No collection in the next %(weeks)d weeks") % {"weeks": UPCOMING_WEEKS},
        last=_in_words(bins.last.date, today) if bins.last else _("None in the last few weeks"),
        notices=[_notice(bins, collection, today) for collection in ahead if collection.moved],
    )


def _by_date(days: list[BinDays], today: dt.date) -> list[Day]:
    """Every coming collection of every stream, a row per date."""
    rows: dict[dt.date, Day] = {}
    for bins in days:
        for collection in bins.upcoming:
            row = rows.setdefault(collection.date, Day(collection.date, _in_words(collection.date, today)))
            if collection.cancelled:
                note = _("Cancelled.")
            elif collection.moved:
                note = _("Moved from %(usual)s.") % {"usual": _in_words(collection.scheduled, today, relative=False)}
            else:
                note = ""
            row.items.append(
                Item(
                    label=bins.label,
                    note=" ".join(filter(None, [note, _sentence(collection.reason)])),
                    cancelled=collection.cancelled,
                    warning=collection.moved and collection.reason != BANK_HOLIDAY_REASON,
                )
            )
    return [rows[date] for date in sorted(rows)]


def _ical(place: Property, days: list[BinDays], today: dt.date) -> bytes:
    """One all-day event per stream per collection; cancelled collections left out.

    An event's UID is the property, the stream and the collection's usual date, so it stays
    the same when the collection moves: a subscribed calendar moves the event, never doubles it.
    """
    host = urlsplit(settings.SITE_URL).hostname or "townhall"
    stamp = dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC)
    feed = icalendar.Calendar()
    feed.add("prodid", "-//Townhall//Bin collection days//EN")
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("method", "PUBLISH")
    feed.add("x-wr-calname", _("Bin collections: %(address)s") % {"address": place.single_line})
    feed.add("x-wr-timezone", settings.TIME_ZONE)
    feed.add("refresh-interval", dt.timedelta(days=1), parameters={"VALUE": "DURATION"})
    feed.add("x-published-ttl", "P1D")
    for bins in days:
        for collection in bins.upcoming:
            if collection.cancelled:
                continue
            event = icalendar.Event()
            event.add("uid", f"bins-{place.uprn}-{bins.stream}-{collection.scheduled:%Y%m%d}@{host}")
            event.add("dtstamp", stamp)
            event.add("dtstart", collection.date)
            event.add("dtend", collection.date + dt.timedelta(days=1))
            event.add("summary", _("%(stream)s collection") % {"stream": bins.label})
            lines = [place.single_line]
            if collection.moved:
                lines.insert(
                    0,
                    " ".join(
                        [
                            _("Moved from %(usual)s.")
                            % {"usual": _in_words(collection.scheduled, today, relative=False, year=True)},
                            _sentence(collection.reason),
                        ]
                    ).strip(),
                )
            event.add("description", "\n".join(lines))
            event.add("transp", "TRANSPARENT")
            feed.add_component(event)
    return feed.to_ical()
