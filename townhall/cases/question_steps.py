"""One question page of a draft, by type of question: which form asks it, how a posted
answer is checked and kept. Every channel's question page calls `answer_question` and
wraps what it returns in its own page, around the shared `cases/question_step.html`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from townhall.cases import drafting
from townhall.cases.models import Draft
from townhall.cases.question_forms import (
    AnswerForm,
    ChooseAddressForm,
    ChoosePlaceForm,
    FindAddressForm,
    FindPlaceForm,
    Lookup,
    UploadForm,
    find_then_choose,
)
from townhall.catalogue.questions import Question
from townhall.gazetteer import selectors as gazetteer


@dataclass
class Step:
    """What a question page does next: go on (`done`), go to `redirect_to` (the same page
    after an upload, or the search's results), or show `context` with the step template."""

    done: bool = False
    redirect_to: str = ""
    context: dict = field(default_factory=dict)


def answer_question(request: HttpRequest, *, draft: Draft, question: Question, leaving: bool = False) -> Step:
    """Show `question` or keep its posted answer in `draft`. `leaving`: the person is saving
    the form to come back later, so the question may stay unanswered (but a wrong answer is
    still not kept)."""
    return STEPS.get(question.type, _plain_step)(request, draft, question, leaving)


def _plain_step(request: HttpRequest, draft: Draft, question: Question, leaving: bool) -> Step:
    if request.method == "POST":
        form = AnswerForm(request.POST, question=question)
        if form.is_valid():
            drafting.save_answer(draft=draft, question=question, value=form.answer())
            return Step(done=True)
        if leaving and form.is_blank():
            return Step(done=True)
    else:
        form = AnswerForm(question=question, stored=draft.answers.get(question.key))
    return Step(context={"form": form})


def _after_lookup(draft: Draft, question: Question, lookup: Lookup, leaving: bool) -> Step:
    """What the address and location questions share once their lookup has run."""
    if lookup.redirect_to:
        return Step(redirect_to=lookup.redirect_to)
    if lookup.chosen is not None:
        drafting.save_answer(draft=draft, question=question, value=lookup.chosen.answer())
        return Step(done=True)
    if lookup.blank:
        drafting.save_answer(draft=draft, question=question, value=None)
        return Step(done=True)
    if leaving:
        return Step(done=True)
    return Step(context={"form": lookup.form, "lookup": lookup, "current": draft.answers.get(question.key)})


def _address_step(request: HttpRequest, draft: Draft, question: Question, leaving: bool) -> Step:
    stored = draft.answers.get(question.key) or {}
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
    return _after_lookup(draft, question, lookup, leaving)


def _location_step(request: HttpRequest, draft: Draft, question: Question, leaving: bool) -> Step:
    stored = draft.answers.get(question.key) or {}
    given_point = bool(stored) and not stored.get("place")
    lookup = find_then_choose(
        request,
        find_form=FindPlaceForm,
        choose_form=ChoosePlaceForm,
        param="place",
        required=question.required,
        find_initial={"latitude": stored["latitude"], "longitude": stored["longitude"]} if given_point else None,
        choose_initial={"place": stored.get("place"), "description": stored.get("description", "")},
    )
    return _after_lookup(draft, question, lookup, leaving)


def _file_step(request: HttpRequest, draft: Draft, question: Question, leaving: bool) -> Step:
    """Files one at a time ("Upload file" comes back here), each removable, then on."""
    posted = request.method == "POST"
    if posted and "remove" in request.POST:
        drafting.remove_draft_file(draft=draft, question=question, file_id=request.POST["remove"])
        return Step(redirect_to=request.get_full_path())
    form = UploadForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        adding=bool(draft.answers.get(question.key)),
    )
    if posted and form.is_valid():
        upload = form.cleaned_data["upload"]
        adding = "upload_another" in request.POST  # "Upload file" rather than "Continue"
        try:
            if upload:
                drafting.add_draft_file(draft=draft, question=question, upload=upload)
        except ValidationError as error:
            form.add_error("upload", error)
        else:
            if adding and upload:
                return Step(redirect_to=request.get_full_path())
            if not adding and (draft.answers.get(question.key) or not question.required or leaving):
                if question.key not in draft.answers:
                    drafting.save_answer(draft=draft, question=question, value=[])
                return Step(done=True)
            form.add_error("upload", _("Select a file to upload"))
    return Step(context={"form": form, "files": draft.answers.get(question.key) or []})


STEPS: dict[str, Callable[[HttpRequest, Draft, Question, bool], Step]] = {
    "address": _address_step,
    "location": _location_step,
    "file": _file_step,
}
