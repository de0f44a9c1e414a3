"""The service builder: council administrators configure services here, without code."""

import copy
from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from townhall.accounts.permissions import CATALOGUE_EDITORS, staff_required
from townhall.catalogue import selectors, services
from townhall.catalogue.answering import COMPOSITE_TYPES, answer_field
from townhall.catalogue.editing import (
    condition_text,
    dependants,
    find_question,
    form_changes,
    move_question,
    remove_question,
    replace_question,
)
from townhall.catalogue.forms import (
    ArticleForm,
    ConfirmForm,
    DepartmentForm,
    EmailTemplateForm,
    FeeForm,
    QuestionForm,
    QuestionTypeForm,
    ServiceFilterForm,
    ServiceForm,
    WorkflowForm,
)
from townhall.catalogue.models import (
    Channel,
    FormDefinition,
    KnowledgeArticle,
    NotificationEvent,
    Service,
    ServiceStatus,
)
from townhall.catalogue.questions import QUESTION_TYPES, Question, definition_errors, parse_questions
from townhall.core.forms import GovUKForm
from townhall.core.money import format_pence
from townhall.core.paging import paginate
from townhall.notifications.services import fill_placeholders

editor_required = staff_required(*CATALOGUE_EDITORS)
Saved = TypeVar("Saved")

# What the preview says in place of the purpose-built steps residents go through.
COMPOSITE_STEPS = {
    "address": gettext_lazy(
        "Residents find the address by postcode and choose it from a list of addresses in the borough."
    ),
    "location": gettext_lazy("Residents mark the place on a map, or find it by street name without the map."),
    "file": gettext_lazy("Residents upload photos or documents. Each file is checked for its type and size."),
}


def _render(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    return render(request, template, {"console_section": "catalogue", **context})


def _refuse(form: forms.Form, exc: ValidationError) -> None:
    """Shows a service's refusal on the form: beside its field where the form has one."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _saved(request: HttpRequest, form: forms.Form, save: Callable[[], Saved], *, done: str = "") -> Saved | None:
    """What `save` (a call to a service) returns for a valid posted form, with `done` shown as
    a success; None when the form is not posted or not valid, or the service refuses (the
    refusal is then on the form)."""
    if not (form.is_bound and form.is_valid()):
        return None
    try:
        saved = save()
    except ValidationError as exc:
        _refuse(form, exc)
        return None
    if done:
        messages.success(request, done)
    return saved


def _service(pk: int) -> Service:
    try:
        return selectors.service_for_editing(pk)
    except Service.DoesNotExist as exc:
        raise Http404 from exc


def _posted_revision(request: HttpRequest) -> int:
    """The form revision the page was built from; a missing one counts as out of date."""
    try:
        return int(request.POST.get("revision", ""))
    except ValueError:
        return -1


def _page_revision(request: HttpRequest, definition: FormDefinition | None, form: forms.Form) -> int:
    """The revision a re-shown page carries: still the one the officer saw, unless they
    have just been told the questions moved on (then the latest, so they can retry)."""
    stale = any(error.code == "stale" for error in form.non_field_errors().as_data())
    if request.method != "POST" or stale:
        return definition.revision if definition else 0
    return _posted_revision(request)


# Services


@editor_required
def service_list(request: HttpRequest) -> HttpResponse:
    filters = ServiceFilterForm(request.GET)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    page = paginate(
        request, selectors.service_list(department=chosen.get("department"), status=chosen.get("status", ""))
    )
    return _render(request, "catalogue/services.html", {"filters": filters, "page": page})


@editor_required
def service_create(request: HttpRequest) -> HttpResponse:
    form = ServiceForm(request.POST if request.method == "POST" else None)
    service = _saved(
        request,
        form,
        lambda: services.create_service(by=request.user, **form.cleaned_data),
        done=_("Service created. Now add its questions."),
    )
    if service is not None:
        return redirect("catalogue:questions", pk=service.pk)
    return _render(request, "catalogue/service_form.html", {"form": form})


@editor_required
def service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    service = _service(pk)
    # The form validates a copy: a refused change must not show in the page's headings.
    form = ServiceForm(request.POST if request.method == "POST" else None, instance=copy.copy(service))
    if _saved(
        request,
        form,
        lambda: services.update_service(service=service, by=request.user, **form.cleaned_data),
        done=_("Service settings saved."),
    ):
        return redirect("catalogue:service", pk=service.pk)
    return _render(request, "catalogue/service_form.html", {"form": form, "service": service})


@editor_required
def service_fees(request: HttpRequest, pk: int) -> HttpResponse:
    service = _service(pk)
    numbers = [
        (q.key, q.label) for q in parse_questions(selectors.latest_form(service).questions) if q.type == "number"
    ]
    initial = {
        "fee_kind": service.fee_kind,
        "fee": format_pence(service.fee_pence).lstrip("£") if service.fee_pence else "",
        "fee_item_question": service.fee_item_question,
        "fee_rule": service.fee_rule,
        "fund_code": service.fund_code,
        "refund_rule": service.refund_rule,
    }
    form = FeeForm(request.POST if request.method == "POST" else None, initial=initial, number_questions=numbers)
    if _saved(
        request,
        form,
        lambda: services.set_fee(
            service=service,
            by=request.user,
            fee_kind=form.cleaned_data["fee_kind"],
            fee_pence=form.cleaned_data["fee"],
            fee_item_question=form.cleaned_data["fee_item_question"],
            fee_rule=form.cleaned_data["fee_rule"],
            fund_code=form.cleaned_data["fund_code"],
            refund_rule=form.cleaned_data["refund_rule"],
        ),
        done=_("Fee saved. New requests are charged this; requests already made keep their fee."),
    ):
        return redirect("catalogue:service", pk=service.pk)
    return _render(request, "catalogue/fees.html", {"form": form, "service": service})


@editor_required
def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    service = _service(pk)
    definition = selectors.latest_form(service)
    channels = [Channel(channel).label for channel in service.channels if channel in Channel.values]
    return _render(
        request, "catalogue/service.html", {"service": service, "definition": definition, "channels": channels}
    )


@editor_required
def retire(request: HttpRequest, pk: int) -> HttpResponse:
    service = _service(pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if _saved(
        request,
        form,
        lambda: services.retire_service(service=service, by=request.user),
        done=_("%(service)s is retired: it takes no new requests.") % {"service": service},
    ):
        return redirect("catalogue:service", pk=service.pk)
    return _render(
        request,
        "catalogue/confirm.html",
        {
            "form": form,
            "service": service,
            "heading": _("Retire %(service)s?") % {"service": service},
            "explanation": _(
                "Residents and staff will no longer be able to make new requests. "
                "Requests already made carry on until they are closed. You can publish the service again later."
            ),
            "button": _("Retire service"),
        },
    )


# Questions


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
    return _render(
        request,
        "catalogue/questions.html",
        {"service": service, "definition": definition, "rows": _question_rows(current), "form": form},
    )


def _save_questions(request: HttpRequest, service: Service, questions: list[dict], form: forms.Form) -> bool:
    """Saves the whole new list; on refusal puts the reason on `form` and answers False."""
    try:
        services.save_draft_questions(
            service=service, questions=questions, by=request.user, expected_revision=_posted_revision(request)
        )
    except ValidationError as exc:
        _refuse(form, exc)
        return False
    return True


@editor_required
def questions(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_questions(request, _service(pk))


@editor_required
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    service = _service(pk)
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
    service = _service(pk)
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
    return _render(
        request,
        "catalogue/question_form.html",
        {
            "service": service,
            "definition": definition,
            "form": form,
            "question_type": question_type,
            "type_label": QUESTION_TYPES[question_type],
            "existing": existing,
            "revision": _page_revision(request, definition, form),
        },
    )


def _choose_type(request: HttpRequest, service: Service, form: QuestionTypeForm, existing: dict | None = None):
    if form.is_bound:
        form.is_valid()  # only to show why the choice was refused
    return _render(request, "catalogue/question_type.html", {"service": service, "form": form, "existing": existing})


@editor_required
def question_change_type(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    service = _service(pk)
    existing = find_question(_editing(service)[1], key)
    if existing is None:
        raise Http404
    return _choose_type(request, service, QuestionTypeForm(initial={"type": existing["type"]}), existing)


@editor_required
@require_POST
def question_move(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    service = _service(pk)
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
    service = _service(pk)
    definition, current = _editing(service)
    existing = find_question(current, key)
    if existing is None:
        raise Http404
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if form.is_bound and (blocking := dependants(current, key)):
        form.add_error(
            None,
            _("This question cannot be deleted while “%(other)s” depends on its answer. Change that question first.")
            % {"other": blocking[0]["label"]},
        )
    elif form.is_bound and _save_questions(request, service, remove_question(current, key), form):
        messages.success(request, _("Question deleted."))
        return redirect("catalogue:questions", pk=service.pk)
    return _render(
        request,
        "catalogue/confirm.html",
        {
            "form": form,
            "service": service,
            "revision": _page_revision(request, definition, form),
            "heading": _("Delete the question “%(question)s”?") % {"question": existing["label"]},
            "explanation": _(
                "It goes from the draft form. Requests already made keep their answers to it, "
                "and residents see it until you publish the draft."
            ),
            "button": _("Delete question"),
            "cancel_url_name": "catalogue:questions",
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
    service = _service(pk)
    if version is None:
        definition = selectors.latest_form(service)
    else:
        definition = selectors.form_versions(service).filter(version=version).first()
    if definition is None:
        raise Http404
    return _render(
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
    service = _service(pk)
    return _render(
        request, "catalogue/versions.html", {"service": service, "versions": selectors.form_versions(service)}
    )


@editor_required
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    service = _service(pk)
    definition = selectors.latest_form(service)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if _saved(
        request,
        form,
        lambda: services.publish_service(service=service, by=request.user, expected_revision=_posted_revision(request)),
    ):
        return redirect("catalogue:published", pk=service.pk)
    live = service.current_form
    nothing_new = service.status == ServiceStatus.PUBLISHED and (definition is None or not definition.is_draft)
    return _render(
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
    service = _service(pk)
    if not service.is_published:
        return redirect("catalogue:service", pk=service.pk)
    return _render(request, "catalogue/published.html", {"service": service})


# Workflow and emails


@editor_required
def workflow(request: HttpRequest, pk: int) -> HttpResponse:
    service = _service(pk)
    form = WorkflowForm(request.POST if request.method == "POST" else None, states=service.workflow)
    if _saved(
        request,
        form,
        lambda: services.set_workflow(
            service=service,
            states=form.cleaned_data["states"],
            by=request.user,
            expected_marker=request.POST.get("marker", ""),
        ),
        done=_("Workflow saved."),
    ):
        return redirect("catalogue:service", pk=service.pk)
    return _render(
        request,
        "catalogue/workflow.html",
        {"service": service, "form": form, "marker": services.workflow_marker(service.workflow)},
    )


@editor_required
def emails(request: HttpRequest, pk: int) -> HttpResponse:
    service = _service(pk)
    return _render(request, "catalogue/emails.html", {"service": service, "texts": selectors.email_texts(service)})


@editor_required
def email_edit(request: HttpRequest, pk: int, event: str) -> HttpResponse:
    service = _service(pk)
    text = next((t for t in selectors.email_texts(service) if t.event == event), None)
    if text is None:
        raise Http404
    action = request.POST.get("action", "save")
    if request.method == "POST" and action == "reset":
        services.reset_notification_template(service=service, event=event, by=request.user)
        messages.success(request, _("The email uses the default text again."))
        return redirect("catalogue:emails", pk=service.pk)
    form = EmailTemplateForm(
        request.POST if request.method == "POST" else None, initial={"subject": text.subject, "body": text.body}
    )
    if action == "save" and _saved(
        request,
        form,
        lambda: services.save_notification_template(service=service, event=event, by=request.user, **form.cleaned_data),
        done=_("Email saved."),
    ):
        return redirect("catalogue:emails", pk=service.pk)
    shown = form.cleaned_data if form.is_bound and form.is_valid() else {"subject": text.subject, "body": text.body}
    examples = {name: example for name, (_about, example) in services.NOTIFICATION_PLACEHOLDERS.items()}
    examples |= {"service": service.name, "reopen_days": str(service.reopen_days), "council": settings.COUNCIL_NAME}
    return _render(
        request,
        "catalogue/email_form.html",
        {
            "service": service,
            "form": form,
            "text": text,
            "event_label": NotificationEvent(event).label,
            "placeholders": services.NOTIFICATION_PLACEHOLDERS,
            "preview_subject": fill_placeholders(shown["subject"], examples),
            "preview_body": fill_placeholders(shown["body"], examples),
        },
    )


# Departments and knowledge articles


@editor_required
def departments(request: HttpRequest) -> HttpResponse:
    return _render(request, "catalogue/departments.html", {"departments": selectors.department_list()})


@editor_required
def department_create(request: HttpRequest) -> HttpResponse:
    form = DepartmentForm(request.POST if request.method == "POST" else None)
    if _saved(
        request,
        form,
        lambda: services.create_department(by=request.user, **form.cleaned_data),
        done=_("Department added."),
    ):
        return redirect("catalogue:departments")
    return _render(request, "catalogue/department_form.html", {"form": form})


@editor_required
def articles(request: HttpRequest) -> HttpResponse:
    return _render(request, "catalogue/articles.html", {"page": paginate(request, selectors.article_list())})


@editor_required
def article_create(request: HttpRequest) -> HttpResponse:
    form = ArticleForm(request.POST if request.method == "POST" else None)
    if _saved(
        request, form, lambda: services.create_article(by=request.user, **form.cleaned_data), done=_("Article added.")
    ):
        return redirect("catalogue:articles")
    return _render(request, "catalogue/article_form.html", {"form": form})


@editor_required
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(KnowledgeArticle, pk=pk)
    form = ArticleForm(request.POST if request.method == "POST" else None, instance=copy.copy(article))
    if _saved(
        request,
        form,
        lambda: services.update_article(article=article, by=request.user, **form.cleaned_data),
        done=_("Article saved."),
    ):
        return redirect("catalogue:articles")
    return _render(request, "catalogue/article_form.html", {"form": form, "article": article})
