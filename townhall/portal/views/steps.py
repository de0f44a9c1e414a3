"""One question page of a service's form, by type of question. Each keeps its answer
with `portal.services` and hands on to `journey.after_answer`."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from townhall.catalogue.answering import to_stored
from townhall.catalogue.questions import Question
from townhall.gazetteer import selectors as gazetteer
from townhall.portal import services
from townhall.portal.forms import (
    AnswerForm,
    ChooseAddressForm,
    ChoosePlaceForm,
    FindAddressForm,
    FindPlaceForm,
    UploadForm,
)
from townhall.portal.journey import Journey, after_answer, render_step, saving_for_later
from townhall.portal.views.lookups import Lookup, find_then_choose


def plain_step(request: HttpRequest, journey: Journey, question: Question) -> HttpResponse:
    if request.method == "POST":
        form = AnswerForm(question, request.POST)
        if form.is_valid():
            journey.save_answer(question, to_stored(question, form.cleaned_data["answer"]))
            return after_answer(request, journey, question)
        if saving_for_later(request) and form.is_blank():
            return after_answer(request, journey, question)
    else:
        form = AnswerForm(question, initial={"answer": journey.draft.answers.get(question.key)})
    return render_step(request, journey, question, "portal/journey/question.html", {"form": form})


def _lookup_step(request: HttpRequest, journey: Journey, question: Question, lookup: Lookup, answer) -> HttpResponse:
    """What the address and location questions share once their lookup has run."""
    if lookup.redirect_to:
        return redirect(lookup.redirect_to)
    if lookup.chosen is not None:
        journey.save_answer(question, answer(lookup.chosen))
        return after_answer(request, journey, question)
    if lookup.blank or saving_for_later(request):
        if lookup.blank:
            journey.save_answer(question, None)
        return after_answer(request, journey, question)
    return render_step(
        request,
        journey,
        question,
        "portal/journey/lookup.html",
        {"form": lookup.form, "lookup": lookup, "current": journey.draft.answers.get(question.key)},
    )


def address_step(request: HttpRequest, journey: Journey, question: Question) -> HttpResponse:
    stored = journey.draft.answers.get(question.key) or {}
    place = gazetteer.property_by_uprn(stored["uprn"]) if stored.get("uprn") else None
    lookup = find_then_choose(
        request,
        find_form=FindAddressForm,
        choose_form=ChooseAddressForm,
        param="postcode",
        required=question.required,
        find_initial={"postcode": place.postcode} if place else None,
        choose_initial={"address": str(place.uprn)} if place else None,
    )
    return _lookup_step(
        request,
        journey,
        question,
        lookup,
        lambda form: {"uprn": form.chosen.uprn, "text": form.chosen.single_line},
    )


def location_step(request: HttpRequest, journey: Journey, question: Question) -> HttpResponse:
    stored = journey.draft.answers.get(question.key) or {}
    lookup = find_then_choose(
        request,
        find_form=FindPlaceForm,
        choose_form=ChoosePlaceForm,
        param="place",
        required=question.required,
        choose_initial={"place": stored.get("place"), "description": stored.get("description", "")},
    )

    def answer(form: ChoosePlaceForm) -> dict:
        place, description = form.chosen, form.cleaned_data["description"].strip()
        return {
            "latitude": place.latitude,
            "longitude": place.longitude,
            "text": f"{place.text}: {description}" if description else place.text,
            "place": place.value,
            "description": description,
        }

    return _lookup_step(request, journey, question, lookup, answer)


def file_step(request: HttpRequest, journey: Journey, question: Question) -> HttpResponse:
    draft, key = journey.draft, question.key
    posted = request.method == "POST"
    if posted and "remove" in request.POST:
        services.remove_draft_file(draft=draft, key=key, file_id=request.POST["remove"])
        return redirect(request.get_full_path())
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None)
    if draft.answers.get(key):
        form.fields["upload"].label = _("Add another file (optional)")
    if posted and form.is_valid():
        upload = form.cleaned_data["upload"]
        adding = "upload_another" in request.POST  # "Upload file" rather than "Continue"
        try:
            if upload:
                services.add_draft_file(draft=draft, key=key, upload=upload)
        except ValidationError as error:
            form.add_error("upload", error)
        else:
            if adding and upload:
                return redirect(request.get_full_path())
            if not adding and (draft.answers.get(key) or not question.required or saving_for_later(request)):
                if key not in draft.answers:
                    journey.save_answer(question, [])
                return after_answer(request, journey, question)
            form.add_error("upload", _("Select a file to upload"))
    return render_step(
        request, journey, question, "portal/journey/file.html", {"form": form, "files": draft.answers.get(key) or []}
    )


STEPS = {"address": address_step, "location": location_step, "file": file_step}


def step_for(question: Question):
    return STEPS.get(question.type, plain_step)
