"""Where the problem is, what it is, which asset, the category's questions, the reporter's
words and photos, and who they are."""

import uuid
from dataclasses import asdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from townhall.cases import drafting
from townhall.cases.question_forms import ChoosePlaceForm, FindPlaceForm, find_then_choose
from townhall.cases.question_steps import answer_question
from townhall.cases.services import Requester
from townhall.catalogue.models import Channel
from townhall.gazetteer.geometry import metres_between
from townhall.gazetteer.selectors import locate_point
from townhall.streetcare import journey, selectors
from townhall.streetcare.forms import (
    NOT_LISTED,
    ChooseAssetForm,
    ChooseCategoryForm,
    DescribeForm,
    DetailsForm,
    PhotoForm,
)
from townhall.streetcare.journey import Progress, ReportInProgress
from townhall.streetcare.photos import MAX_PHOTOS, discard_pending, keep_pending, prepare_photo
from townhall.streetcare.report_views.pages import finish, journey_page, map_settings, onward, render_step

# A photo taken further than this from the marked point is offered as the better place.
PHOTO_ELSEWHERE_METRES = 20


@require_http_methods(["GET", "POST"])
def where(request: HttpRequest) -> HttpResponse:
    """The first page: a map to click (or "use my location"), or a street or postcode to
    choose from without JavaScript. A point outside the borough names who to tell instead."""
    if request.method == "POST" and not journey.may_report(request):
        raise PermissionDenied
    report = journey.load(request)
    marked = {"latitude": report.latitude, "longitude": report.longitude} if report and report.has_point else None
    lookup = find_then_choose(
        request, find_form=FindPlaceForm, choose_form=ChoosePlaceForm, param="place", find_initial=marked
    )
    if lookup.redirect_to:
        return redirect(lookup.redirect_to)
    outside = getattr(lookup.form, "location", None)
    if lookup.chosen is not None:
        answer = lookup.chosen.answer()
        location = locate_point(answer["latitude"], answer["longitude"], find_ward=False)
        if location.inside:
            report = report or ReportInProgress()
            # A street or address chosen says where in its own words; a point on the map, by its street.
            place = (
                answer["text"]
                if answer.get("place")
                else selectors.describe_point(answer["latitude"], answer["longitude"])
            )
            report.move_to(latitude=answer["latitude"], longitude=answer["longitude"], place=place)
            return onward(request, journey.progress(request, report))
        lookup.form.add_error(None, location.refusal)
        outside = location
    return render_step(
        request,
        "where.html",
        None,
        "where",
        {"form": lookup.form, "lookup": lookup, "outside": outside, "report": report},
        status=400 if lookup.form.errors else 200,
    )


@require_POST
def start_again(request: HttpRequest) -> HttpResponse:
    report = journey.load(request)
    if report is not None:
        finish(request, journey.progress(request, report))
    return redirect("street_report:where")


@require_http_methods(["GET", "POST"])
@journey_page("category")
def category(request: HttpRequest, progress: Progress) -> HttpResponse:
    report = progress.report
    categories = selectors.categories_for(staff=progress.staff)
    form = ChooseCategoryForm(
        request.POST if request.method == "POST" else None,
        initial={"category": report.category},
        categories=categories,
    )
    if request.method == "POST" and form.is_valid():
        service = form.chosen
        if service.slug != report.category or progress.draft is None:
            if progress.draft is not None:
                drafting.discard_draft(draft=progress.draft)
            report.choose_category(service, journey.start_draft(request, service))
        return onward(request, journey.progress(request, report))
    hints = {service.slug: service.summary for service in categories}
    options = [(radio, radio.choice_label, hints.get(radio.data["value"], "")) for radio in form["category"]]
    return render_step(
        request,
        "category.html",
        progress,
        "category",
        {"form": form, "options": options},
        status=400 if form.errors else 200,
    )


@require_GET
@journey_page("category")
def stopped(request: HttpRequest, progress: Progress) -> HttpResponse:
    """A category whose notice stops the report: what to do instead, and no form."""
    if progress.category is None or not progress.category.notice_stops_report:
        return redirect(progress.step()[1])
    return render_step(request, "stopped.html", progress, "category", {"service": progress.service})


@require_http_methods(["GET", "POST"])
@journey_page("asset")
def asset(request: HttpRequest, progress: Progress) -> HttpResponse:
    report, layer = progress.report, progress.category.asset_layer
    if layer is None:
        return redirect(progress.step()[1])
    latitude, longitude = report.point
    nearby = selectors.nearest_assets(layer=layer, latitude=latitude, longitude=longitude)
    chosen = str(report.asset) if report.asset else (NOT_LISTED if report.asset_chosen else None)
    form = ChooseAssetForm(
        request.POST if request.method == "POST" else None, initial={"asset": chosen}, layer=layer, nearby=nearby
    )
    if request.method == "POST" and form.is_valid():
        report.asset = form.chosen.pk if form.chosen else None
        report.asset_chosen = True
        return onward(request, progress)
    return render_step(
        request,
        "asset.html",
        progress,
        "asset",
        {"form": form, "layer": layer, "nearby": nearby, "map": map_settings(latitude, longitude)},
        status=400 if form.errors else 200,
    )


@require_GET
def assets_json(request: HttpRequest) -> JsonResponse:
    """A category's assets around a point, for the map's markers: ids and places only."""
    service = selectors.category_service(request.GET.get("category", ""), staff=journey.for_caller(request))
    if service is None or service.street_category.asset_layer is None:
        raise Http404
    try:
        latitude, longitude = float(request.GET["latitude"]), float(request.GET["longitude"])
    except (KeyError, ValueError):
        return JsonResponse({"error": _("Give a latitude and a longitude")}, status=400)
    if not (abs(latitude) <= 90 and abs(longitude) <= 180):
        return JsonResponse({"error": _("Give a latitude and a longitude")}, status=400)
    nearby = selectors.nearest_assets(layer=service.street_category.asset_layer, latitude=latitude, longitude=longitude)
    return JsonResponse(
        {
            "assets": [
                {
                    "id": item.asset.pk,
                    "asset_id": item.asset.asset_id,
                    "description": item.asset.description,
                    "latitude": float(item.asset.latitude),
                    "longitude": float(item.asset.longitude),
                    "metres": item.metres,
                }
                for item in nearby
            ]
        }
    )


@require_http_methods(["GET", "POST"])
@journey_page("question")
def question(request: HttpRequest, progress: Progress, key: str) -> HttpResponse:
    """One of the category's own questions, asked as every form asks it."""
    asked = next((q for q in progress.questions() if q.key == key), None)
    if asked is None:  # hidden by an earlier answer, or answered by the map
        return redirect(progress.step()[1])
    step = answer_question(request, draft=progress.draft, question=asked)
    if step.done:
        return onward(request, progress)
    if step.redirect_to:
        return redirect(step.redirect_to)
    return render_step(
        request,
        "question.html",
        progress,
        "question",
        {"question": asked, "service": progress.service, **step.context},
        status=400 if step.context["form"].errors else 200,
    )


@require_http_methods(["GET", "POST"])
@journey_page("describe")
def describe(request: HttpRequest, progress: Progress) -> HttpResponse:
    report = progress.report
    form = DescribeForm(
        request.POST if request.method == "POST" else None, initial={"title": report.title, "detail": report.detail}
    )
    if request.method == "POST" and form.is_valid():
        report.title, report.detail = form.cleaned_data["title"], form.cleaned_data["detail"]
        return onward(request, progress)
    return render_step(
        request, "describe.html", progress, "describe", {"form": form}, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
@journey_page("photos")
def photos(request: HttpRequest, progress: Progress) -> HttpResponse:
    """Photos one at a time, each removable; one with a location far from the marked point
    offers to move the report there."""
    report = progress.report
    posted = request.POST if request.method == "POST" else None
    if posted is not None and "remove" in posted:
        removed = [photo for photo in report.photos if photo["id"] == posted["remove"]]
        report.photos = [photo for photo in report.photos if photo["id"] != posted["remove"]]
        discard_pending([photo["path"] for photo in removed])
        journey.save(request, report)
        return redirect("street_report:photos")
    if posted is not None and "use_location" in posted:
        return _move_to_photo(request, report, posted["use_location"])
    form = PhotoForm(posted, request.FILES if posted is not None else None, count=len(report.photos))
    if posted is not None and form.is_valid():
        upload = form.cleaned_data["photo"]
        if upload:
            _add_photo(report, upload, form)
            journey.save(request, report)
        if not form.errors:
            if "upload" in posted:  # "Add photo" comes back here for another
                return redirect("street_report:photos")
            report.photos_done = True
            return onward(request, progress)
    return render_step(
        request,
        "photos.html",
        progress,
        "photos",
        {"form": form, "photos": _photos_shown(report), "full": len(report.photos) >= MAX_PHOTOS},
        status=400 if form.errors else 200,
    )


def _add_photo(report: ReportInProgress, upload, form: PhotoForm) -> None:
    if len(report.photos) >= MAX_PHOTOS:
        form.add_error("photo", _("You can add up to %(n)s photos") % {"n": MAX_PHOTOS})
        return
    try:
        prepared = prepare_photo(upload)
    except ValidationError as refused:
        form.add_error("photo", refused)
        return
    report.photos.append(
        {
            "id": uuid.uuid4().hex[:12],
            "path": keep_pending(prepared, journey=report.key),
            "width": prepared.width,
            "height": prepared.height,
            "latitude": str(prepared.latitude) if prepared.latitude is not None else None,
            "longitude": str(prepared.longitude) if prepared.longitude is not None else None,
        }
    )


def _photos_shown(report: ReportInProgress) -> list[dict]:
    """Each photo, with how far from the marked point it was taken when that is worth saying."""
    shown = []
    latitude, longitude = report.point
    for number, photo in enumerate(report.photos, start=1):
        away = None
        if photo["latitude"] is not None:
            away = metres_between(
                float(latitude), float(longitude), float(photo["latitude"]), float(photo["longitude"])
            )
        shown.append({**photo, "number": number, "away": away if away and away > PHOTO_ELSEWHERE_METRES else None})
    return shown


def _move_to_photo(request: HttpRequest, report: ReportInProgress, photo_id: str) -> HttpResponse:
    photo = next((photo for photo in report.photos if photo["id"] == photo_id and photo["latitude"]), None)
    if photo is None:
        return redirect("street_report:photos")
    location = locate_point(photo["latitude"], photo["longitude"], find_ward=False)
    if not location.inside:
        messages.error(request, location.refusal)
        return redirect("street_report:photos")
    place = _("Where the photo was taken: %(place)s") % {
        "place": selectors.describe_point(photo["latitude"], photo["longitude"])
    }
    report.move_to(latitude=photo["latitude"], longitude=photo["longitude"], place=place)
    report.asset_chosen = False  # the assets near the new place may differ
    journey.save(request, report)
    messages.success(request, _("The report is now where the photo was taken."))
    return redirect("street_report:photos")


@require_http_methods(["GET", "POST"])
@journey_page("details")
def details(request: HttpRequest, progress: Progress) -> HttpResponse:
    """The reporter's name and email (a signed-in resident's filled in); for staff, the
    caller's, and whether they phoned or came in."""
    report = progress.report
    known = Requester(**report.requester) if report.requester else journey.account_requester(request)
    channels = [c for c in selectors.STAFF_CHANNELS if progress.service.offers(c)] if progress.staff else None
    initial = {"full_name": known.name, "email": known.email, "phone": known.phone} if known else {}
    form = DetailsForm(
        request.POST if request.method == "POST" else None,
        initial={**initial, "channel": report.channel or None},
        channels=channels,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        report.requester = asdict(Requester(name=data["full_name"], email=data["email"], phone=data["phone"].strip()))
        report.channel = data.get("channel", Channel.WEB)
        return onward(request, progress)
    return render_step(request, "details.html", progress, "details", {"form": form}, status=400 if form.errors else 200)
