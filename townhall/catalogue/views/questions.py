"""A service's questions: the editor, the preview, the version history and publishing."""

from collections.abc import Sequence

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from townhall.catalogue import selectors, services
from townhall.catalogue.answering import COMPOSITE_TYPES, answer_field
from townhall.catalogue.editing import (
    condition_text,
    dependants,
    find_question,
    form_changes,
    move_question,
    quoted_list,
    remove_question,
    replace_question,
)
from townhall.catalogue.forms import ConfirmForm, QuestionForm, QuestionTypeForm
from townhall.catalogue.models import FormDefinition, Service, ServiceStatus
from townhall.catalogue.questions import QUESTION_TYPES, Question, definition_errors, parse_questions
from townhall.catalogue.views.common import (
    editor_required,
    page_revision,
    posted_revision,
    refuse,
    render_page,
    saved,
    service_or_404,
)
from townhall.core.forms import GovUKForm

# What the preview says in place of the purpose-built steps residents go through.
COMPOSITE_STEPS = {
    "address": gettext_lazy(
        "Residents find the address by postcode and choose it from a list of addresses in the borough."
    ),
    "location": gettext_lazy("Residents mark the place on a map, or find it by street name without the map."),
    "file": gettext_lazy("Residents upload photos or documents. Each file is checked for its type and size."),
}


def _editing(service: Service) -> tuple[FormDefinition | None, list[dict]]:
    definition = selectors.latest_form(service)
    return definition, list(definition.questions) if definition else []


def _question_rows(questions: list[dict]) -> list[dict]:
    parsed = parse_questions(questions)
    by_key = {q.key: q for q in parsed}
    return [
        {"question": q, "type_label": QUESTION_TYPES.get(q.type, q.type), "condition": condition_text(q, by_key)}
        for q in parsed
    ]


def _render_questions(request: HttpRequest, service: Service, form: forms.Form | None = None) -> HttpResponse:
    definition, current = _editing(service)
    return render_page(
        request,
        "catalogue/questions.html",
        {"service": service, "definition": definition, "rows": _question_rows(current), "form": form},
    )


def _save_questions(request: HttpRequest, service: Service, questions: list[dict], form: forms.Form) -> bool:
    """Saves the whole new list; on refusal puts the reason on `form` and answers False."""
    try:
        services.save_draft_questions(
            service=service, questions=questions, by=request.user, expected_revision=posted_revision(request)
        )
    except ValidationError as exc:
        refuse(form, exc)
        return False
    return True


@editor_required
def questions(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_questions(request, service_or_404(pk))


@editor_required
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    service = service_or_404(pk)
    definition, current = _editing(service)
    question_type = request.POST.get("type") or request.GET.get("type")
    if question_type not in QUESTION_TYPES:
        return _choose_type(request, service, QuestionTypeForm(request.GET if "type" in request.GET else None))
    form = QuestionForm(
        request.POST if request.method == "POST" else None,
        question_type=question_type,
        others=current,
        earlier=current,
    )
    if form.is_bound and form.is_valid() and _save_questions(request, service, [*current, form.question()], form):
        messages.success(request, _("Question added."))
        return redirect("catalogue:questions", pk=service.pk)
    return _render_question_form(request, service, definition, form, question_type, existing=None)


@editor_required
def question_edit(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    service = service_or_404(pk)
    definition, current = _editing(service)
    existing = find_question(current, key)
    if existing is None:
        raise Http404
    question_type = request.POST.get("type") or request.GET.get("type") or existing["type"]
    if question_type not in QUESTION_TYPES:
        question_type = existing["type"]
    index = current.index(existing)
    form = QuestionForm(
        request.POST if request.method == "POST" else None,
        initial=QuestionForm.initial_for(existing),
        question_type=question_type,
        others=[item for item in current if item is not existing],
        earlier=current[:index],
    )
    if form.is_bound and form.is_valid():
        new = replace_question(current, key, form.question())
        if _save_questions(request, service, new, form):
            messages.success(request, _("Question saved."))
            return redirect("catalogue:questions", pk=service.pk)
    return _render_question_form(request, service, definition, form, question_type, existing=existing)


def _render_question_form(request, service, definition, form, question_type, *, existing) -> HttpResponse:
    return render_page(
        request,
        "catalogue/question_form.html",
        {
            "service": service,
            "definition": definition,
            "form": form,
            "question_type": question_type,
            "type_label": QUESTION_TYPES[question_type],
            "existing": existing,
            "dependants": dependants(definition.questions, existing["key"]) if existing else [],
            "revision": page_revision(request, definition, form),
        },
    )


def _choose_type(
    request: HttpRequest,
    service: Service,
    form: QuestionTypeForm,
    existing: dict | None = None,
    depending: Sequence[dict] = (),
):
    if form.is_bound:
        form.is_valid()  # only to show why the choice was refused
    return render_page(
        request,
        "catalogue/question_type.html",
        {"service": service, "form": form, "existing": existing, "dependants": depending},
    )


@editor_required
def question_change_type(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    service = service_or_404(pk)
    current = _editing(service)[1]
    existing = find_question(current, key)
    if existing is None:
        raise Http404
    return _choose_type(
        request, service, QuestionTypeForm(initial={"type": existing["type"]}), existing, dependants(current, key)
    )


@editor_required
@require_POST
def question_move(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    service = service_or_404(pk)
    current = _editing(service)[1]
    if find_question(current, key) is None:
        raise Http404
    offset = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    form = ConfirmForm(request.POST)
    if offset is None:
        form.add_error(None, _("Choose whether to move the question up or down"))
    elif definition_errors(moved := move_question(current, key, offset)):
        form.add_error(None, _("The question was not moved: a question can only depend on a question above it."))
    elif _save_questions(request, service, moved, form):
        return redirect("catalogue:questions", pk=service.pk)
    return _render_questions(request, service, form)


@editor_required
def question_delete(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    service = service_or_404(pk)
    definition, current = _editing(service)
    existing = find_question(current, key)
    if existing is None:
        raise Http404
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if form.is_bound and (blocking := dependants(current, key)):
        form.add_error(
            None,
            ngettext(
                "This question cannot be deleted while %(others)s depends on its answer. Change that question first.",
                "This question cannot be deleted while %(others)s depend on its answer. Change those questions first.",
                len(blocking),
            )
            % {"others": quoted_list(item["label"] for item in blocking)},
        )
    elif form.is_bound and _save_questions(request, service, remove_question(current, key), form):
        messages.success(request, _("Question deleted."))
        return redirect("catalogue:questions", pk=service.pk)
    return render_page(
        request,
        "catalogue/confirm.html",
        {
            "form": form,
            "service": service,
            "revision": page_revision(request, definition, form),
            "heading": _("Delete the question “%(question)s”?") % {"question": existing["label"]},
            "explanation": _(
                "It goes from the draft form. Requests already made keep their answers to it, "
                "and residents see it until you publish the draft."
            ),
            "button": _("Delete question"),
            "cancel_url": reverse("catalogue:questions", args=[service.pk]),
        },
    )


class _AnswerForm(GovUKForm):
    """One question as residents see it."""

    def __init__(self, question: Question):
        super().__init__(prefix=question.key)
        self.fields["answer"] = answer_field(question)


def _preview_items(questions: list[dict]) -> list[dict]:
    items = []
    for row in _question_rows(questions):
        question = row["question"]
        if question.type in COMPOSITE_TYPES:
            row["step"] = COMPOSITE_STEPS[question.type]
        else:
            row["field"] = _AnswerForm(question)["answer"]
        items.append(row)
    return items


@editor_required
def preview(request: HttpRequest, pk: int, version: int | None = None) -> HttpResponse:
    """A version's questions as residents see them, read-only: the draft unless one is named."""
    service = service_or_404(pk)
    if version is None:
        definition = selectors.latest_form(service)
    else:
        definition = selectors.form_versions(service).filter(version=version).first()
    if definition is None:
        raise Http404
    return render_page(
        request,
        "catalogue/preview.html",
        {
            "service": service,
            "definition": definition,
            "items": _preview_items(definition.questions),
            "problems": definition_errors(definition.questions),
        },
    )


@editor_required
def versions(request: HttpRequest, pk: int) -> HttpResponse:
    """Every version, newest first, each with what it changed from the one before."""
    service = service_or_404(pk)
    newest_first = list(selectors.form_versions(service))
    history = [
        (version, previous, form_changes(previous.questions, version.questions) if previous else None)
        for version, previous in zip(newest_first, [*newest_first[1:], None], strict=True)
    ]
    return render_page(request, "catalogue/versions.html", {"service": service, "history": history})


@editor_required
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    service = service_or_404(pk)
    definition = selectors.latest_form(service)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if saved(
        request,
        form,
        lambda: services.publish_service(service=service, by=request.user, expected_revision=posted_revision(request)),
    ):
        return redirect("catalogue:published", pk=service.pk)
    live = service.current_form
    nothing_new = service.status == ServiceStatus.PUBLISHED and (definition is None or not definition.is_draft)
    return render_page(
        request,
        "catalogue/publish.html",
        {
            "form": form,
            "service": service,
            "definition": definition,
            "live": live,
            "nothing_new": nothing_new,
            "changes": form_changes(live.questions if live else [], definition.questions if definition else []),
            "problems": definition_errors(definition.questions) if definition else [],
        },
    )


@editor_required
def published(request: HttpRequest, pk: int) -> HttpResponse:
    service = service_or_404(pk)
    if not service.is_published:
        return redirect("catalogue:service", pk=service.pk)
    return render_page(request, "catalogue/published.html", {"service": service})
