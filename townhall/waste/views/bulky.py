"""Booking a bulky waste collection from an address's bin days: the items, a day (held,
its places kept, from the day page on), where they are left, contact details, check, and
off to pay (the collection's own pages are in `bulky_collection`).

The journey keeps its answers in the session, one journey at a time. Staff signed in use
the same pages for a caller: the request is recorded as made by phone and the card is
taken on the phone.
"""

import datetime as dt
import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from townhall.accounts.permissions import is_staff_user
from townhall.bookings import services as bookings
from townhall.bookings.models import Booking, BookingStatus
from townhall.cases.services import Requester
from townhall.catalogue.models import AWAITING_PAYMENT
from townhall.gazetteer.models import Property
from townhall.gazetteer.selectors import property_by_uprn
from townhall.gazetteer.services import MAX_UPRN
from townhall.waste import bulky
from townhall.waste.bulky_forms import DayForm, DetailsForm, ItemsForm, LocationForm
from townhall.waste.bulky_pricing import (
    BulkyError,
    active_items,
    clock_text,
    collection_time,
    describe_items,
    item_lines,
    max_items,
    price_bands,
    price_of,
    quantity_of,
    time_text,
)
from townhall.waste.models import BulkyBooking
from townhall.waste.views.bulky_collection import OWNED, OWNED_KEPT, send_to_pay

JOURNEY = "waste-bulky"
# Engine refusals that mean "choose another day".
DAY_PROBLEMS = {"full", "closed", "no_capacity", "outside_window", "past_cutoff"}


# The journey's answers


def _place(uprn: int) -> Property:
    place = property_by_uprn(uprn) if 0 < uprn <= MAX_UPRN else None
    if place is None:
        raise Http404(_("There is no property with that UPRN in the borough."))
    return place


def _journey(request: HttpRequest, place: Property) -> dict:
    """This browser's booking in progress for `place`; one for another address is dropped."""
    state = request.session.get(JOURNEY)
    if not state or state.get("uprn") != place.uprn:
        if state and state.get("hold"):
            _drop(request, state)
        state = {"uprn": place.uprn, "items": {}, "key": str(uuid.uuid4())}
        request.session[JOURNEY] = state
    return state


def _save(request: HttpRequest, state: dict) -> None:
    request.session[JOURNEY] = state
    request.session.modified = True


def _hold(state: dict) -> Booking | None:
    """The journey's hold, while it still keeps its places."""
    if not state.get("hold"):
        return None
    return (
        Booking.objects.select_related("slot", "calendar")
        .filter(pk=state["hold"], case__isnull=True, status=BookingStatus.HELD)
        .first()
    )


def _drop(request: HttpRequest, state: dict) -> None:
    hold = _hold(state)
    if hold is not None:
        bulky.drop_hold(hold, by=request.user)
    state.pop("hold", None)
    state.pop("day", None)


def _lines(state: dict) -> list[dict]:
    try:
        return item_lines(state.get("items") or {})
    except BulkyError:
        return []


def _assisted(request: HttpRequest) -> bool:
    return is_staff_user(request.user)


def _step(place: Property, name: str, *, returning: bool = False) -> str:
    url = reverse(f"bulky:{name}", args=[place.uprn])
    return f"{url}?return=check" if returning else url


def _returning(request: HttpRequest) -> bool:
    return request.GET.get("return") == "check"


def _first_missing(state: dict, place: Property) -> str | None:
    """Where the journey must go back to, if an earlier answer is missing."""
    if not _lines(state):
        return _step(place, "items")
    if not state.get("day"):
        return _step(place, "day")
    if not state.get("location"):
        return _step(place, "location")
    if not state.get("details"):
        return _step(place, "details")
    return None


def _setup(request: HttpRequest, place: Property) -> bulky.Setup | HttpResponse:
    """What booking here needs, or the page saying it cannot be booked online."""
    try:
        return bulky.require_setup(place)
    except BulkyError as error:
        return render(request, "waste/bulky/unavailable.html", {"place": place, "message": error.message})


# Booking


@require_safe
def start(request: HttpRequest, uprn: int) -> HttpResponse:
    place = _place(uprn)
    setup = _setup(request, place)
    if isinstance(setup, HttpResponse):
        return setup
    calendar = setup.calendar
    items = active_items()
    return render(
        request,
        "waste/bulky/start.html",
        {
            "place": place,
            "items": items,
            "own_prices": [item for item in items if item.price_pence is not None],
            "banded": any(item.price_pence is None for item in items),
            "bands": price_bands(),
            "max_items": max_items(),
            "calendar": calendar,
            "cutoff": bookings.describe_cutoff_rule(calendar),
            "collection_time": time_text(collection_time()),
            "assisted": _assisted(request),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def items(request: HttpRequest, uprn: int) -> HttpResponse:
    place = _place(uprn)
    setup = _setup(request, place)
    if isinstance(setup, HttpResponse):
        return setup
    state = _journey(request, place)
    catalogue = active_items()
    form = ItemsForm(
        request.POST if request.method == "POST" else None, items=catalogue, initial_selection=state["items"]
    )
    if request.method == "POST" and form.is_valid():
        state["items"] = form.selection()
        hold = _hold(state)
        if hold is not None and hold.units != quantity_of(form.lines):
            try:
                state["hold"] = bulky.hold_day(
                    place=place, day=hold.slot.day, lines=form.lines, replacing=hold, by=request.user
                ).pk
            except BulkyError as error:
                _drop(request, state)
                _save(request, state)
                messages.error(request, error.message)
                return redirect(_step(place, "day"))
        _save(request, state)
        if _returning(request) and _hold(state) is not None:
            return redirect(_step(place, "check"))
        return redirect(_step(place, "day"))
    back = _step(place, "check") if _returning(request) else reverse("bulky:start", args=[place.uprn])
    return render(request, "waste/bulky/items.html", {"place": place, "form": form, "back_url": back})


def _day_choices(place: Property, units: int, hold: Booking | None, setup: bulky.Setup) -> list[dt.date]:
    days = [available.day for available in bulky.available_days(place, units=units, setup=setup)]
    if hold is not None and hold.slot.day not in days:
        days = sorted([*days, hold.slot.day])  # our own hold may have taken its last places
    return days


@require_http_methods(["GET", "HEAD", "POST"])
def day(request: HttpRequest, uprn: int) -> HttpResponse:
    place = _place(uprn)
    setup = _setup(request, place)
    if isinstance(setup, HttpResponse):
        return setup
    state = _journey(request, place)
    lines = _lines(state)
    if not lines:
        return redirect(_step(place, "items"))
    hold = _hold(state)
    days = _day_choices(place, quantity_of(lines), hold, setup)
    calendar = setup.calendar
    form = DayForm(
        request.POST if request.method == "POST" else None,
        days=days,
        initial={"day": hold.slot.day.isoformat()} if hold else None,
        help_text=_(
            "For %(items)s. We collect from %(time)s on the day. You can change or cancel up to the cut-off: "
            "%(cutoff)s."
        )
        % {
            "items": describe_items(lines),
            "time": time_text(collection_time()),
            "cutoff": bookings.describe_cutoff_rule(calendar),
        },
    )
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["day"]
        if hold is None or hold.slot.day != chosen or hold.units != quantity_of(lines):
            try:
                hold = bulky.hold_day(place=place, day=chosen, lines=lines, replacing=hold, by=request.user)
            except BulkyError as error:
                form.add_error("day", error.message)
        if not form.errors:
            state["hold"], state["day"] = hold.pk, chosen.isoformat()
            _save(request, state)
            if _returning(request) and state.get("details"):
                return redirect(_step(place, "check"))
            return redirect(_step(place, "location"))
    back = _step(place, "check") if _returning(request) else _step(place, "items")
    return render(
        request,
        "waste/bulky/day.html",
        {"place": place, "form": form, "days": days, "items": describe_items(lines), "back_url": back},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def location(request: HttpRequest, uprn: int) -> HttpResponse:
    place = _place(uprn)
    state = _journey(request, place)
    if not _lines(state) or not state.get("day"):
        return redirect(_step(place, "day"))
    form = LocationForm(
        request.POST if request.method == "POST" else None, initial={"location": state.get("location", "")}
    )
    if request.method == "POST" and form.is_valid():
        state["location"] = form.cleaned_data["location"]
        _save(request, state)
        return redirect(_step(place, "check" if state.get("details") else "details"))
    back = _step(place, "check") if _returning(request) else _step(place, "day")
    return render(request, "waste/bulky/location.html", {"place": place, "form": form, "back_url": back})


def _known_details(request: HttpRequest, state: dict) -> dict:
    if state.get("details"):
        return state["details"]
    user = request.user
    if user.is_authenticated and not _assisted(request):
        customer = getattr(user, "customer", None)
        return {
            "full_name": user.full_name or (customer.name if customer else ""),
            "email": user.email,
            "phone": customer.phone if customer else "",
        }
    return {}


@require_http_methods(["GET", "HEAD", "POST"])
def details(request: HttpRequest, uprn: int) -> HttpResponse:
    place = _place(uprn)
    state = _journey(request, place)
    if not state.get("location"):
        return redirect(_first_missing(state, place) or _step(place, "location"))
    form = DetailsForm(
        request.POST if request.method == "POST" else None,
        initial=_known_details(request, state),
        assisted=_assisted(request),
    )
    if request.method == "POST" and form.is_valid():
        state["details"] = form.cleaned_data
        _save(request, state)
        return redirect(_step(place, "check"))
    back = _step(place, "check") if _returning(request) else _step(place, "location")
    return render(
        request,
        "waste/bulky/details.html",
        {"place": place, "form": form, "back_url": back, "assisted": _assisted(request)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def check(request: HttpRequest, uprn: int) -> HttpResponse:
    place = _place(uprn)
    setup = _setup(request, place)
    if isinstance(setup, HttpResponse):
        return setup
    state = request.session.get(JOURNEY) or {}
    if state.get("uprn") != place.uprn:
        if request.method == "POST" and (done := _already_booked(request)) is not None:
            return done
        return redirect(_step(place, "items"))
    if (missing := _first_missing(state, place)) is not None:
        return redirect(missing)
    if request.method == "POST":
        return _book(request, place, state)
    lines = _lines(state)
    hold = _hold(state)
    return render(
        request,
        "waste/bulky/check.html",
        {
            "place": place,
            "lines": lines,
            "price": price_of(lines),
            "day": dt.date.fromisoformat(state["day"]),
            "location": state["location"],
            "details": state["details"],
            "hold": hold,
            "hold_until": clock_text(hold.expires_at) if hold else "",
            "hold_minutes": setup.calendar.hold_minutes,
            "submission_key": state["key"],
            "collection_time": time_text(collection_time()),
            "assisted": _assisted(request),
            "back_url": _step(place, "details"),
            "steps": {name: _step(place, name, returning=True) for name in ("items", "day", "location", "details")},
        },
    )


def _already_booked(request: HttpRequest) -> HttpResponse | None:
    """A second click on "Continue to payment": the first one's booking, on its way to pay."""
    try:
        key = uuid.UUID(request.POST.get("submission_key", ""))
    except ValueError:
        return None
    found = BulkyBooking.objects.filter(case__submission_key=key).select_related("case").first()
    if found is None or found.case.reference not in request.session.get(OWNED, []):
        return None
    return redirect("bulky:pay", found.case.reference)


def _book(request: HttpRequest, place: Property, state: dict) -> HttpResponse:
    if request.POST.get("submission_key") != state["key"]:
        return _already_booked(request) or redirect(_step(place, "check"))
    details = state["details"]
    try:
        booked = bulky.book(
            place=place,
            selection=state["items"],
            day=dt.date.fromisoformat(state["day"]),
            location=state["location"],
            requester=Requester(name=details["full_name"], email=details["email"], phone=details.get("phone", "")),
            channel=bulky.assisted_channel(request.user),
            by=request.user,
            submission_key=uuid.UUID(state["key"]),
            hold=_hold(state),
        )
    except BulkyError as error:
        messages.error(request, error.message)
        if error.code in DAY_PROBLEMS:
            _drop(request, state)
            _save(request, state)
            return redirect(_step(place, "day"))
        return redirect(_step(place, "check"))
    request.session.pop(JOURNEY, None)
    _remember(request, booked.case.reference)
    if booked.case.status == AWAITING_PAYMENT["key"]:
        return send_to_pay(request, booked)
    return redirect("bulky:booking", booked.case.reference)


def _remember(request: HttpRequest, reference: str) -> None:
    owned = [ref for ref in request.session.get(OWNED, []) if ref != reference]
    request.session[OWNED] = [*owned, reference][-OWNED_KEPT:]
