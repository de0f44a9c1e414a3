"""The crews' pages, under /staff/crews/: made for a phone in the cab, with big buttons and
no JavaScript. Today's rounds; a round's day with its streets and properties (its worklist,
`crew_selectors.worklist`: assisted collections and missed bins marked), each marked
collected or not out in one tap, or with more (blocked, contaminated, a note, a photo) on
their own page; the round started and finished.

Officers and team managers of the crews' team and council administrators use them
(`crews.can_record`); everyone else is refused. The round's page costs the same few
queries however many streets it has.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

import filetype
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from townhall.core import audit, calendar
from townhall.gazetteer.models import Property, Street
from townhall.waste import crew_selectors, crews, schedule
from townhall.waste.crew_forms import CrewRecordForm
from townhall.waste.crew_selectors import Recorded
from townhall.waste.models import CrewOutcome, CrewRecord, PropertyRound, Round, RoundDay, Stream

# Outcomes one tap records from the round's page; the rest are on a place's own page.
QUICK = {"property": (CrewOutcome.DONE, CrewOutcome.NOT_PRESENTED), "street": (CrewOutcome.DONE,)}


def crew_only(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not crews.can_record(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@dataclass(frozen=True)
class RoundRow:
    round: Round
    stream_label: str
    properties: int
    streets: int
    day: RoundDay | None
    moved_from: dt.date | None


def _in_words(day: dt.date) -> str:
    return date_format(day, "l j F Y")


# Today's rounds


@require_GET
@crew_only
def rounds(request: HttpRequest) -> HttpResponse:
    """The rounds collecting on a day (today unless ?date= says otherwise), after bank holidays and changes."""
    today = timezone.localdate()
    try:
        day = dt.date.fromisoformat(request.GET["date"]) if request.GET.get("date") else today
    except ValueError:
        day = today
    day = min(day, today)  # a round is recorded on its day, not before
    active = list(Round.objects.filter(active=True))
    changes = schedule.changes_between(day, day, active)
    holidays = calendar.non_working_days()
    collecting: dict[int, dt.date | None] = {}
    for round_ in active:
        for collection in schedule.collections(round_, day, day, changes=changes, holidays=holidays):
            if not collection.cancelled:
                collecting[round_.pk] = collection.scheduled if collection.moved else None
    counts = {
        row["round"]: row
        for row in PropertyRound.objects.filter(round__in=collecting)
        .values("round")
        .annotate(properties=Count("id"), streets=Count("property__street", distinct=True))
        .order_by()
    }
    days = {d.round_id: d for d in RoundDay.objects.filter(round__in=collecting, date=day)}
    rows = [
        RoundRow(
            round=round_,
            stream_label=str(Stream(round_.stream).label),
            properties=counts.get(round_.pk, {}).get("properties", 0),
            streets=counts.get(round_.pk, {}).get("streets", 0),
            day=days.get(round_.pk),
            moved_from=collecting[round_.pk],
        )
        for round_ in sorted((r for r in active if r.pk in collecting), key=lambda r: (r.area, r.name))
    ]
    return render(
        request,
        "waste/crews/rounds.html",
        {
            "day": day,
            "day_text": _in_words(day),
            "is_today": day == today,
            "rows": rows,
            "previous": day - dt.timedelta(days=1),
            "next": day + dt.timedelta(days=1) if day < today else None,
            "today": today,
        },
    )


# A round's day


def _round_and_day(code: str, day: dt.date) -> Round:
    round_ = get_object_or_404(Round, code=code)
    if day > timezone.localdate():
        raise Http404(_("A round's day can be recorded on the day, not before."))
    return round_


@require_GET
@crew_only
def round_day(request: HttpRequest, code: str, day: dt.date) -> HttpResponse:
    round_ = _round_and_day(code, day)
    work = crew_selectors.worklist(round_, day)
    stops = work.stops
    counts = dict.fromkeys(CrewOutcome.values, 0)
    for stop in stops:
        if stop.recorded is not None:
            counts[stop.recorded.outcome] += 1
    return render(
        request,
        "waste/crews/round.html",
        {
            "round": round_,
            "stream_label": str(Stream(round_.stream).label),
            "day": day,
            "day_text": _in_words(day),
            "is_today": day == timezone.localdate(),
            "round_day": work.round_day,
            "streets": work.streets,
            "homes": len(stops),
            "recorded": sum(counts.values()),
            "counts": [(CrewOutcome(outcome).label, count) for outcome, count in counts.items() if count],
            "collects": work.collects,
            "quick": {kind: [(o, CrewOutcome(o).label) for o in outcomes] for kind, outcomes in QUICK.items()},
        },
    )


def _back_to(round_: Round, day: dt.date, anchor: str = "") -> str:
    url = reverse("crews:round", args=[round_.code, day])
    return f"{url}#{anchor}" if anchor else url


def _place(kind: str, number: int) -> tuple[Property | None, Street | None]:
    if kind == "property":
        place = get_object_or_404(Property.objects.select_related("street"), uprn=number)
        return place, None
    if kind == "street":
        return None, get_object_or_404(Street, usrn=number)
    raise Http404


def _recorded_message(record: CrewRecord, property_: Property | None, street: Street | None) -> str:
    where = property_.single_line if property_ else (street.name if street else "")
    return _("%(where)s: %(outcome)s at %(time)s.") % {
        "where": where,
        "outcome": record.get_outcome_display(),
        "time": timezone.localtime(record.recorded_at).strftime("%H:%M"),
    }


@require_POST
@crew_only
def mark(request: HttpRequest, code: str, day: dt.date, kind: str, number: int) -> HttpResponse:
    """One tap on the round's page: a street all collected, a property collected or not out."""
    round_ = _round_and_day(code, day)
    property_, street = _place(kind, number)
    outcome = request.POST.get("outcome", "")
    anchor = f"{'p' if property_ else 's'}-{number}"
    if outcome not in QUICK[kind]:
        messages.error(request, _("Choose what you found."))
        return redirect(_back_to(round_, day, anchor))
    try:
        record = crews.record_outcome(
            round_=round_, date=day, outcome=outcome, by=request.user, property=property_, street=street
        )
    except crews.CrewError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _recorded_message(record, property_, street))
    return redirect(_back_to(round_, day, anchor))


@require_http_methods(["GET", "POST"])
@crew_only
def record_place(request: HttpRequest, code: str, day: dt.date, kind: str, number: int) -> HttpResponse:
    """Everything about one property or street: any outcome, with a note and a photo."""
    round_ = _round_and_day(code, day)
    property_, street = _place(kind, number)
    anchor = f"{'p' if property_ else 's'}-{number}"
    form = CrewRecordForm(*(request.POST, request.FILES) if request.method == "POST" else ())
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            record = crews.record_outcome(
                round_=round_,
                date=day,
                outcome=form.cleaned_data["outcome"],
                by=request.user,
                property=property_,
                street=street,
                note=form.cleaned_data["note"],
                photo=form.cleaned_data["photo"],
            )
        except (crews.CrewError, ValidationError) as problem:
            error = " ".join(problem.messages) if isinstance(problem, ValidationError) else str(problem)
            form.add_error(None, error)
        else:
            messages.success(request, _recorded_message(record, property_, street))
            return redirect(_back_to(round_, day, anchor))
    history = CrewRecord.objects.filter(round=round_, date=day).order_by("-recorded_at", "-pk")
    history = history.filter(property=property_) if property_ else history.filter(property__isnull=True, street=street)
    return render(
        request,
        "waste/crews/place.html",
        {
            "round": round_,
            "day": day,
            "day_text": _in_words(day),
            "place": property_,
            "street": street,
            "where": property_.single_line if property_ else str(street),
            "form": form,
            "history": [Recorded.of(record) for record in history[:10]],
            "back_url": _back_to(round_, day, anchor),
        },
    )


@require_POST
@crew_only
def start(request: HttpRequest, code: str, day: dt.date) -> HttpResponse:
    round_ = _round_and_day(code, day)
    try:
        crews.start_round(round_=round_, date=day, by=request.user)
    except crews.CrewError as error:
        messages.error(request, str(error))
    return redirect(_back_to(round_, day))


@require_POST
@crew_only
def finish(request: HttpRequest, code: str, day: dt.date) -> HttpResponse:
    round_ = _round_and_day(code, day)
    try:
        finished = crews.finish_round(round_=round_, date=day, by=request.user)
    except crews.CrewError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(round)s finished at %(time)s.")
            % {"round": round_.name, "time": timezone.localtime(finished.completed_at).strftime("%H:%M")},
        )
    return redirect(_back_to(round_, day))


@require_GET
@crew_only
def photo(request: HttpRequest, record_id: int) -> HttpResponseBase:
    """A crew's photo, for staff who record rounds; every download audited."""
    record = get_object_or_404(CrewRecord, pk=record_id)
    if not record.photo:
        raise Http404
    try:
        handle = record.photo.open("rb")
    except OSError as exc:
        raise Http404(_("The photo is no longer stored.")) from exc
    kind = filetype.guess(handle.read(261))
    handle.seek(0)
    audit.record(actor=request.user, action="waste.crew_photo_viewed", target=record)
    response = FileResponse(
        handle,
        content_type=kind.mime if kind and kind.mime.startswith("image/") else "application/octet-stream",
        filename=f"crew-photo-{record.pk}.{kind.extension if kind else 'bin'}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_store=True)
    return response
