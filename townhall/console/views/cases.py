"""The case page: everything about one case, and the actions staff take on it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from townhall.accounts.permissions import can_refund, can_work_cases
from townhall.cases import services
from townhall.cases.downloads import download
from townhall.cases.models import Case, CaseEvent, EventKind
from townhall.cases.selectors import full_timeline
from townhall.catalogue.answering import display_answer
from townhall.catalogue.models import AWAITING_PAYMENT
from townhall.catalogue.questions import parse_questions, visible_questions
from townhall.console.access import console_view, visible_case_or_404
from townhall.console.forms import cases as forms
from townhall.console.forms.payments import CancelUnpaidForm, CounterPaymentForm, RefundForm
from townhall.console.once import Repeated, act_once
from townhall.console.timeline import described
from townhall.core import audit
from townhall.customers.selectors import active_alerts
from townhall.gazetteer.selectors import nearest_property
from townhall.payments.services import amount_due


def _assign(form: forms.AssignForm, by) -> None:
    services.assign_case(
        case=form.case, assignee=form.cleaned_data["assignee"], by=by, expected_version=form.cleaned_data["version"]
    )


def _status(form: forms.StatusForm, by) -> None:
    services.change_status(
        case=form.case,
        status=form.cleaned_data["status"],
        reason=form.cleaned_data["reason"],
        public_text=form.cleaned_data["public_text"],
        by=by,
        expected_version=form.cleaned_data["version"],
    )


def _priority(form: forms.PriorityForm, by) -> None:
    services.set_priority(
        case=form.case, priority=form.cleaned_data["priority"], by=by, expected_version=form.cleaned_data["version"]
    )


def _note(form: forms.NoteForm, by) -> None:
    services.add_note(case=form.case, text=form.cleaned_data["text"], by=by)


def _update(form: forms.PublicUpdateForm, by) -> None:
    services.add_public_update(case=form.case, text=form.cleaned_data["text"], by=by)


def _message(form: forms.MessageForm, by) -> None:
    services.send_message(case=form.case, text=form.cleaned_data["text"], by=by)


def _upload(form: forms.AttachmentForm, by) -> None:
    services.add_attachment(case=form.case, upload=form.cleaned_data["file"], by=by, public=form.cleaned_data["public"])


# action in the URL -> (its form, what it does, what to tell the member of staff)
ACTIONS = {
    "assign": (forms.AssignForm, _assign, _("The case was assigned")),
    "status": (forms.StatusForm, _status, _("The status was changed")),
    "priority": (forms.PriorityForm, _priority, _("The priority was set")),
    "note": (forms.NoteForm, _note, _("Your internal note was added")),
    "update": (forms.PublicUpdateForm, _update, _("Your update was posted and emailed to the resident")),
    "message": (forms.MessageForm, _message, _("Your message was sent to the resident")),
    "upload": (forms.AttachmentForm, _upload, _("The file was added")),
}


@console_view()
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    user = request.user
    case = visible_case_or_404(user, reference)
    if case.service.restricted:
        audit.record(actor=user, action="case.viewed", target=case)
    if case.has_new_message:
        # Marked read only for whoever is to answer it; the page says it is new all the same.
        services.mark_messages_read(case=case, by=user)
    return case_page(request, case)


@require_POST
@console_view()
def watcher_remove(request: HttpRequest, reference: str, watcher_id: int) -> HttpResponse:
    """Someone stops following the case. Sent twice, it removes them once."""
    if not can_work_cases(request.user):
        raise PermissionDenied
    case = visible_case_or_404(request.user, reference)
    if watcher := case.watchers.filter(pk=watcher_id).first():
        services.remove_watcher(watcher=watcher, by=request.user)
    messages.success(request, _("They no longer follow this case"))
    return redirect("console:case", case.reference)


@require_POST
@console_view()
def case_action(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    if not can_work_cases(request.user):
        raise PermissionDenied
    case = visible_case_or_404(request.user, reference)
    form_class, perform, done = ACTIONS[action]
    form = form_class(request.POST, request.FILES, case=case, user=request.user)
    if form.is_valid():
        case_url = reverse("console:case", args=[case.reference])

        def act() -> str:
            perform(form, request.user)
            return case_url

        try:
            act_once(request, act)
        except Repeated:
            messages.info(request, _("That was already done."))
            return redirect(case_url)
        except services.StaleCaseError as exc:
            form.add_error(None, str(exc))
            # Show the case as it is now, with the change still filled in to send again.
            case = visible_case_or_404(request.user, reference)
            form.data = form.data.copy()
            form.data[form.add_prefix("version")] = case.version
        except services.CaseError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, done)
            return redirect(case_url)
    return case_page(request, case, failed=form, status=400)


def case_page(request: HttpRequest, case: Case, *, failed=None, status: int = 200) -> HttpResponse:
    """The case page; `failed` is a form that was refused, shown open with its errors."""
    user = request.user
    action_forms = []
    if can_work_cases(user):
        for name, (form_class, _perform, _done) in ACTIONS.items():
            form = failed if isinstance(failed, form_class) else form_class(case=case, user=user)
            action_forms.append((name, form))
    questions = visible_questions(parse_questions(case.form.questions), case.answers)
    # A point on the map, in words: the street and ward of the nearest address.
    on_map = case.address_id is None and case.latitude is not None and case.longitude is not None
    timeline = described(full_timeline(case), case.service)
    return render(
        request,
        "console/case.html",
        {
            "case": case,
            "alerts": active_alerts(case.customer) if case.customer else [],
            "new_message": _latest_message(timeline) if case.has_new_message else None,
            "watchers": case.watchers.select_related("customer"),
            "nearest": nearest_property(case.latitude, case.longitude) if on_map else None,
            "answers": [(q, display_answer(q, case.answers.get(q.key))) for q in questions],
            "attachments": case.attachments.select_related("uploaded_by"),
            "timeline": timeline,
            "action_forms": action_forms,
            "form": failed,
            **_payments_panel(case, user, failed),
        },
        status=status,
    )


def _latest_message(timeline: list[CaseEvent]) -> CaseEvent | None:
    """The resident's latest message, which the page points to while it is new."""
    return next((event for event in reversed(timeline) if event.kind == EventKind.MESSAGE_IN), None)


def _payments_panel(case: Case, user, failed) -> dict:
    """What the payments panel shows: every attempt with its refunds, and the forms this
    member of staff may use (taking what is due, or refunding what was paid)."""
    if not case.fee:  # free requests are never paid for: no queries
        return {"payments": [], "amount_due": 0, "counter_form": None, "cancel_form": None, "refund_forms": []}
    attempts = list(case.payments.select_related("taken_by").prefetch_related("refunds__requested_by"))
    due = amount_due(case, attempts)
    counter_form = cancel_form = None
    refund_forms = []
    if can_work_cases(user) and due:
        counter_form = failed if isinstance(failed, CounterPaymentForm) else CounterPaymentForm()
    if can_work_cases(user) and case.status == AWAITING_PAYMENT["key"]:
        cancel_form = failed if isinstance(failed, CancelUnpaidForm) else CancelUnpaidForm()
    if can_refund(user):
        for payment in attempts:
            if payment.refundable_amount:
                mine = isinstance(failed, RefundForm) and failed.payment.pk == payment.pk
                refund_forms.append(failed if mine else RefundForm(payment=payment))
    return {
        "payments": attempts,
        "amount_due": due,
        "counter_form": counter_form,
        "cancel_form": cancel_form,
        "refund_forms": refund_forms,
    }


@console_view()
def attachment(request: HttpRequest, reference: str, public_id) -> HttpResponse:
    """Any file of a case the member of staff can see, internal ones too; every download is audited."""
    case = visible_case_or_404(request.user, reference)
    attached = get_object_or_404(case.attachments, public_id=public_id)  # knows its case: no query for it
    return download(
        request,
        attached,
        layout="console/base.html",
        back_url=reverse("console:case", args=[case.reference]),
        by_staff=True,
    )
