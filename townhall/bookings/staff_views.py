"""The bookings pages of the staff console: the calendars, each calendar's places for the
coming weeks per area, changing a day or an area's usual week, and the day's bookings
(the crews' printable list).

Any member of staff reads them; team managers and council administrators change
capacity. Like the finance pages, they sit in their own app and check roles with
`accounts.permissions`, since nothing imports the console; they extend its templates.
"""

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from townhall.accounts.models import Role
from townhall.accounts.permissions import has_role, staff_required
from townhall.bookings import selectors, services
from townhall.bookings.models import Calendar
from townhall.bookings.staff_forms import DayCapacityForm, UsualWeekForm

CAPACITY_EDITORS = frozenset({Role.TEAM_MANAGER, Role.COUNCIL_ADMIN})
DAYS_SHOWN = 28

any_staff = staff_required()
capacity_editor = staff_required(*CAPACITY_EDITORS)


def can_edit_capacity(user) -> bool:
    return has_role(user, *CAPACITY_EDITORS)


def _calendar(slug: str) -> Calendar:
    return get_object_or_404(Calendar, slug=slug)


def _day_from(text: str | None, default: dt.date) -> dt.date:
    """The day in `text` (2025-12-02), or `default` when there is none, it is not a day, or it
    is more than ten years away."""
    try:
        day = dt.date.fromisoformat(text) if text else default
    except ValueError:
        return default
    return day if abs((day - default).days) <= 3653 else default


def _start_time(request: HttpRequest) -> dt.time | None:
    text = request.GET.get("start") or request.POST.get("start")
    if not text:
        return None
    try:
        return dt.time.fromisoformat(text)
    except ValueError as error:
        raise Http404 from error


def _capacity_url(calendar: Calendar, *, zone: str | None = None, start: dt.date | None = None) -> str:
    query = {key: value for key, value in (("zone", zone), ("from", start and start.isoformat())) if value}
    url = reverse("bookings:capacity", args=[calendar.slug])
    return f"{url}?{urlencode(query)}" if query else url


def _day_name(day: dt.date) -> str:
    return date_format(day, "l j F Y")


@require_GET
@any_staff
def calendars(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "bookings/staff/calendars.html",
        {"calendars": Calendar.objects.filter(active=True).order_by("name")},
    )


@require_GET
@any_staff
def capacity(request: HttpRequest, calendar: str) -> HttpResponse:
    """Places booked and left per day and area for four weeks, closed days included."""
    calendar = _calendar(calendar)
    today = timezone.localdate()
    start = _day_from(request.GET.get("from"), today)
    end = start + dt.timedelta(days=DAYS_SHOWN - 1)
    usual = selectors.usual_week(calendar)
    zone = request.GET.get("zone") or None
    rows = selectors.capacity(calendar, start=start, end=end, zones=None if zone is None else [zone])
    now = timezone.now()
    step = dt.timedelta(days=DAYS_SHOWN)
    return render(
        request,
        "bookings/staff/capacity.html",
        {
            "calendar": calendar,
            "rows": rows,
            "states": selectors.with_states(calendar, rows, now=now),
            "usual": usual,
            "zone": zone,
            "zones": sorted(usual),
            "start": start,
            "end": end,
            "today": today,
            "earlier_url": _capacity_url(calendar, zone=zone, start=start - step),
            "later_url": _capacity_url(calendar, zone=zone, start=start + step),
            "can_edit": can_edit_capacity(request.user),
            "cutoff": services.describe_cutoff_rule(calendar),
        },
    )


@require_GET
@any_staff
def day_bookings(request: HttpRequest, calendar: str, day: dt.date) -> HttpResponse:
    """The day's bookings, by area and time: what the crews take out, printable."""
    calendar = _calendar(calendar)
    zone = request.GET.get("zone") or None
    bookings = list(selectors.day_list(calendar, zone, day))
    return render(
        request,
        "bookings/staff/day_list.html",
        {
            "calendar": calendar,
            "day": day,
            "zone": zone,
            "zones": selectors.zones(calendar),
            "bookings": bookings,
            "units": sum(booking.units for booking in bookings),
            "back_url": _capacity_url(calendar, zone=zone, start=day - dt.timedelta(days=day.weekday())),
        },
    )


def _day_row(calendar: Calendar, zone: str, day: dt.date, start: dt.time | None) -> selectors.DayCapacity | None:
    for row in selectors.capacity(calendar, start=day, end=day, zones=[zone]):
        if row.start == start:
            return row
    return None


@require_http_methods(["GET", "HEAD", "POST"])
@capacity_editor
def change_day(request: HttpRequest, calendar: str, day: dt.date, zone: str) -> HttpResponse:
    """Change a day's places in an area, or close it; a day the usual week has none can be opened."""
    calendar = _calendar(calendar)
    start = _start_time(request)
    row = _day_row(calendar, zone, day, start)
    used = row.used if row else 0
    initial = {"places": row.places if row else 0, "closed": row.closed if row else False}
    initial["note"] = row.reason if row and row.overridden else ""
    form = DayCapacityForm(request.POST if request.method == "POST" else None, used=used, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_day_capacity(
                calendar,
                zone,
                day,
                places=form.cleaned_data["places"],
                closed=form.cleaned_data["closed"],
                note=form.cleaned_data["note"],
                start=start,
                by=request.user,
            )
        except services.BookingError as error:
            form.add_error("places", error.message)
        else:
            messages.success(request, _("%(day)s in area %(zone)s changed") % {"day": _day_name(day), "zone": zone})
            return redirect(_capacity_url(calendar, zone=zone, start=day - dt.timedelta(days=day.weekday())))
    usual_places = selectors.usual_places(calendar, zone, day, start)
    return render(
        request,
        "bookings/staff/change_day.html",
        {
            "calendar": calendar,
            "zone": zone,
            "day": day,
            "start": start,
            "row": row,
            "usual_places": usual_places,
            "form": form,
            "back_url": _capacity_url(calendar, zone=zone, start=day - dt.timedelta(days=day.weekday())),
        },
    )


@require_POST
@capacity_editor
def reset_day(request: HttpRequest, calendar: str, day: dt.date, zone: str) -> HttpResponse:
    """The day follows the usual week and the bank holidays again."""
    calendar = _calendar(calendar)
    services.reset_day_capacity(calendar, zone, day, start=_start_time(request), by=request.user)
    messages.success(
        request, _("%(day)s in area %(zone)s follows the usual week again") % {"day": _day_name(day), "zone": zone}
    )
    return redirect(_capacity_url(calendar, zone=zone, start=day - dt.timedelta(days=day.weekday())))


@require_http_methods(["GET", "HEAD", "POST"])
@capacity_editor
def usual_week(request: HttpRequest, calendar: str, zone: str | None = None) -> HttpResponse:
    """An area's places on each day of a usual week; with no `zone`, a new area."""
    calendar = _calendar(calendar)
    weeks = selectors.usual_week(calendar)
    if zone is not None and (zone not in weeks or weeks[zone].timed):
        raise Http404  # areas booked by time of day are set up in the admin
    initial = {f"day_{weekday}": places for weekday, places in weeks[zone].items()} if zone else {}
    form = UsualWeekForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        new_zone=zone is None,
        existing_zones=list(weeks),
    )
    if request.method == "POST" and form.is_valid():
        area = zone if zone is not None else form.cleaned_data["zone"]
        try:
            services.set_weekly_places(calendar, area, form.places_by_weekday(), by=request.user)
        except services.BookingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The usual week for area %(zone)s is saved") % {"zone": area})
            return redirect(_capacity_url(calendar, zone=area))
    return render(
        request,
        "bookings/staff/usual_week.html",
        {"calendar": calendar, "zone": zone, "form": form, "back_url": _capacity_url(calendar, zone=zone)},
    )
