"""Every write to a case: one function per business action, each in one transaction
with its timeline event, its audit event and its outgoing messages."""

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone

from townhall.accounts.permissions import can_work_cases
from townhall.cases import drafting
from townhall.cases.models import (
    Attachment,
    Case,
    CaseEvent,
    CaseWatcher,
    Draft,
    EventKind,
    Priority,
    WatchReason,
)
from townhall.catalogue.answering import clean_answers
from townhall.catalogue.fees import price_for
from townhall.catalogue.models import AWAITING_PAYMENT, NotificationEvent, Service
from townhall.catalogue.questions import parse_questions
from townhall.core import audit, calendar, outbox
from townhall.core.references import new_reference
from townhall.core.uploads import check_upload
from townhall.customers import services as customer_services
from townhall.customers.models import Contact, Customer
from townhall.gazetteer.models import Property
from townhall.notifications import services as notifications

# Sent inside the transaction of every status change (`change_status`, and a reply that
# reopens), for modules whose own records follow their case's status (a missed bin resolved,
# or reopened). Receivers get `case` and `previous`.
case_status_changed = Signal()


class CaseError(Exception):
    """A change that cannot be made, in words for the person who tried it."""


class StaleCaseError(CaseError):
    """Someone else changed the case since this person loaded it."""


@dataclass(frozen=True)
class Requester:
    name: str = ""
    email: str = ""
    phone: str = ""


def _label(user) -> str:
    return str(user) if user is not None and user.is_authenticated else ""


def _locked(case: Case, expected_version: int | None) -> Case:
    """The case row under lock, refusing the change if it moved on since the caller saw it."""
    current = Case.objects.select_for_update().select_related("service", "team").get(pk=case.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleCaseError(
            "Someone else changed this case while you were looking at it. "
            "Your change was not saved: check the latest details and try again."
        )
    return current


def _added_before(case: Case, request_key: uuid.UUID) -> CaseEvent | None:
    """The event a client's earlier try with this key added. The case row's lock makes a
    concurrent retry wait for the first to commit, then find its event."""
    _locked(case, None)
    return case.events.filter(data__request_key=str(request_key)).first()


def _keyed(request_key: uuid.UUID | None) -> dict:
    return {"request_key": str(request_key)} if request_key else {}


def _bump(case: Case, *fields: str) -> None:
    case.version += 1
    case.save(update_fields=[*fields, "version", "updated_at"])


def _event(
    case: Case, kind: str, by, *, public: bool = False, text: str = "", actor_label: str = "", **extra
) -> CaseEvent:
    """Every timeline line is written here, with its outbox message in the same transaction:
    `integrations.fanout` shares it out after commit (webhooks, back offices), in order per
    case. `actor_label` names a sender who is not a signed-in user."""
    event = CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=by if _label(by) else None,
        actor_label=_label(by) or actor_label,
        public=public,
        text=text,
        **extra,
    )
    outbox.enqueue(
        topic="case_event",
        payload={"event_id": event.pk, "case_id": case.pk, "kind": kind},
        key=f"case-event:{event.pk}",
        ordering_key=f"case:{case.pk}",
    )
    return event


def submit_case(
    *,
    service: Service,
    answers: dict,
    channel: str,
    by=None,
    requester: Requester | None = None,
    customer: Customer | None = None,
    address: Property | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    submission_key: uuid.UUID | None = None,
    draft: Draft | None = None,
    contact: Contact | None = None,
    fee: int | None = None,
) -> Case:
    """Raise a request from any channel. The same submission key always gives the same case.

    A request that costs money (`fee` in pence, else the service's price for the answers)
    waits in "awaiting payment", out of the team's queues and unannounced, until
    `release_paid_case` is called for it.

    Raises django's ValidationError (per question key) when the answers do not pass.
    """
    submission_key = submission_key or (draft.submission_key if draft else None)
    if submission_key:
        existing = Case.objects.filter(submission_key=submission_key).first()
        if existing:
            return existing
    if not service.is_published:
        raise CaseError("This service is not taking requests.")
    form = draft.form if draft else service.current_form
    questions = parse_questions(form.questions)
    cleaned = clean_answers(questions, answers)
    address = address or _first_address(questions, cleaned)
    if latitude is None:
        latitude, longitude = _first_location(questions, cleaned, address)
    if fee is None:
        fee = price_for(service, cleaned).amount
    try:
        with transaction.atomic():
            return _create_case(
                service=service,
                form=form,
                answers=cleaned,
                channel=channel,
                by=by,
                requester=requester or Requester(),
                customer=customer,
                address=address,
                latitude=latitude,
                longitude=longitude,
                submission_key=submission_key,
                draft=draft,
                contact=contact,
                questions=questions,
                fee=fee,
            )
    except IntegrityError:
        # A concurrent submission with the same key won the race: answer with its case.
        if submission_key and (existing := Case.objects.filter(submission_key=submission_key).first()):
            return existing
        raise


def _create_case(
    *,
    service,
    form,
    answers,
    channel,
    by,
    requester,
    customer,
    address,
    latitude,
    longitude,
    submission_key,
    draft,
    contact,
    questions,
    fee,
) -> Case:
    if customer is None and by is not None and by.is_authenticated and not by.is_council_staff:
        customer = customer_services.link_account(user=by)
    if customer is None:
        customer = customer_services.match_or_create_requester(
            name=requester.name, email=requester.email, phone=requester.phone, address=address
        )
    case = Case(
        service=service,
        form=form,
        answers=answers,
        customer=customer,
        requester_name=requester.name or (customer.name if customer else ""),
        requester_email=(requester.email or (customer.email if customer else "")).lower(),
        requester_phone=requester.phone or (customer.phone if customer else ""),
        address=address,
        latitude=latitude,
        longitude=longitude,
        channel=channel,
        status=AWAITING_PAYMENT["key"] if fee else service.initial_state,
        team=service.team,
        due_date=None if fee else _due_date(service),
        fee=fee,
        created_by=by if _label(by) else None,
        submission_key=submission_key,
    )
    case.reference = _unique_reference()
    case.save()
    if fee:
        _event(case, EventKind.AWAITING_PAYMENT, by, public=True, to_status=case.status, data={"channel": channel})
    else:
        _event(case, EventKind.SUBMITTED, by, public=True, to_status=case.status, data={"channel": channel})
    _attach_answered_files(case, questions, answers, by)
    if contact is not None:
        contact.case = case
        contact.save(update_fields=["case"])
    if draft is not None:
        # Files uploaded to questions a later answer hid are personal data nobody needs.
        attached = frozenset(stored["path"] for key in _file_keys(questions) for stored in answers.get(key, []))
        drafting.discard_draft(draft=draft, keep=attached)
    audit.record(actor=by, action="case.submitted", target=case, data={"reference": case.reference, "channel": channel})
    if not fee:
        notifications.notify_requester(case=case, event=NotificationEvent.SUBMITTED)
    return case


def _due_date(service: Service) -> dt.date | None:
    if not service.deadline_working_days:
        return None
    return calendar.add_working_days(timezone.localdate(), service.deadline_working_days)


@transaction.atomic
def release_paid_case(*, case: Case, by=None) -> Case:
    """A paid request enters its service's workflow: it is received now, its deadline runs
    from today, its team sees it and the resident is told. Releasing twice does nothing."""
    case = _locked(case, None)
    if case.status != AWAITING_PAYMENT["key"]:
        return case
    case.status = case.service.initial_state
    case.submitted_at = timezone.now()
    case.due_date = _due_date(case.service)
    _bump(case, "status", "submitted_at", "due_date")
    _event(
        case,
        EventKind.SUBMITTED,
        by,
        public=True,
        from_status=AWAITING_PAYMENT["key"],
        to_status=case.status,
        data={"channel": case.channel},
    )
    audit.record(actor=by, action="case.released_after_payment", target=case)
    notifications.notify_requester(case=case, event=NotificationEvent.SUBMITTED)
    return case


@transaction.atomic
def withdraw_unpaid(*, case: Case, reason: str, by=None) -> Case:
    """Close a request that was never paid for, telling the requester why. Its payments
    must be settled first (`payments.services.cancel_unpaid_request` does both)."""
    case = _locked(case, None)
    if case.status != AWAITING_PAYMENT["key"]:
        raise CaseError("Only a request waiting for its payment can be cancelled this way.")
    reason = _require_text(reason)
    case.status = case.service.withdrawn_state
    case.is_closed = True
    case.resolved_at = timezone.now()
    _bump(case, "status", "is_closed", "resolved_at")
    _event(
        case,
        EventKind.STATUS_CHANGED,
        by,
        public=True,
        from_status=AWAITING_PAYMENT["key"],
        to_status=case.status,
        data={"reason": reason},
    )
    audit.record(actor=by, action="case.withdrawn_unpaid", target=case, data={"reason": reason})
    notifications.notify_requester(
        case=case,
        event=NotificationEvent.PUBLIC_UPDATE,
        update="We have closed this request because it was not paid for. Nothing was taken from your card. "
        "If you still need it, please make a new request.",
    )
    return case


def record_money_event(*, case: Case, kind: str, text: str, by=None, data: dict | None = None) -> CaseEvent:
    """A payment or refund on the case's timeline, shown to the resident too. Called by
    `payments` inside its own transaction; the money itself is recorded there."""
    if kind not in (EventKind.PAYMENT, EventKind.REFUND):
        raise ValueError(kind)
    return _event(case, kind, by, public=True, text=text, data=data or {})


def _unique_reference() -> str:
    for _attempt in range(5):
        reference = new_reference(settings.CASE_REFERENCE_PREFIX)
        if not Case.objects.filter(reference=reference).exists():
            return reference
    raise CaseError("Could not make a unique reference; please try again.")


def _first_address(questions, answers) -> Property | None:
    for question in questions:
        if question.type == "address" and question.key in answers:
            return Property.objects.filter(uprn=answers[question.key]["uprn"]).first()
    return None


def _first_location(questions, answers, address) -> tuple[Decimal | None, Decimal | None]:
    for question in questions:
        if question.type == "location" and question.key in answers:
            point = answers[question.key]
            return Decimal(str(point["latitude"])), Decimal(str(point["longitude"]))
    if address is not None:
        return address.latitude, address.longitude
    return None, None


def _file_keys(questions) -> list[str]:
    return [question.key for question in questions if question.type == "file"]


def _attach_answered_files(case: Case, questions, answers: dict, by) -> None:
    for key in _file_keys(questions):
        for stored in answers.get(key, []):
            Attachment.objects.create(
                case=case,
                file=stored["path"],
                original_name=stored["name"],
                content_type=stored["content_type"],
                size=stored["size"],
                question_key=key,
                uploaded_by=by if _label(by) else None,
            )


@transaction.atomic
def change_status(
    *, case: Case, status: str, by, reason: str = "", public_text: str = "", expected_version: int | None = None
) -> Case:
    """Move a case to another state of its service's workflow, with the reason recorded.

    The resident sees that the status changed, but the officer's `reason` is internal: it
    is kept in the event's `data`, never its public text. `public_text` is shown to the
    resident and emailed to them; closing a case always tells them.
    """
    case = _locked(case, expected_version)
    if case.status == AWAITING_PAYMENT["key"]:
        raise CaseError("This request is waiting for its payment. Take the payment, or cancel the unpaid request.")
    if case.service.state(status) is None or status == AWAITING_PAYMENT["key"]:
        raise CaseError("Choose a status from this service's workflow.")
    if status == case.status:
        raise CaseError("The case already has that status.")
    previous = case.status
    case.status = status
    case.is_closed = case.service.is_closed_state(status)
    case.resolved_at = timezone.now() if case.is_closed else None
    _bump(case, "status", "is_closed", "resolved_at")
    _event(
        case,
        EventKind.STATUS_CHANGED,
        by,
        public=True,
        from_status=previous,
        to_status=status,
        data={"reason": reason} if reason else {},
    )
    if public_text:
        _event(case, EventKind.PUBLIC_UPDATE, by, public=True, text=public_text)
    audit.record(actor=by, action="case.status_changed", target=case, data={"from": previous, "to": status})
    case_status_changed.send(sender=Case, case=case, previous=previous)
    if case.is_closed:
        notifications.notify_requester(case=case, event=NotificationEvent.RESOLVED, update=public_text)
    elif public_text:
        notifications.notify_requester(case=case, event=NotificationEvent.PUBLIC_UPDATE, update=public_text)
    return case


@transaction.atomic
def assign_case(*, case: Case, assignee, by, expected_version: int | None = None) -> Case:
    case = _locked(case, expected_version)
    if assignee is not None and not assignee.is_council_staff:
        raise CaseError("Cases can only be assigned to council staff.")
    if case.assignee_id == (assignee.pk if assignee else None):
        raise CaseError("The case is already assigned to them." if assignee else "The case is not assigned.")
    previous = case.assignee
    case.assignee = assignee
    _bump(case, "assignee")
    _event(
        case,
        EventKind.ASSIGNED,
        by,
        text=f"Assigned to {assignee}" if assignee else "Unassigned",
        data={"from": previous.pk if previous else None, "to": assignee.pk if assignee else None},
    )
    audit.record(actor=by, action="case.assigned", target=case, data={"to": assignee.pk if assignee else None})
    return case


@transaction.atomic
def set_priority(*, case: Case, priority: str, by, expected_version: int | None = None) -> Case:
    case = _locked(case, expected_version)
    if priority not in Priority.values:
        raise CaseError("Choose a priority.")
    previous = case.priority
    case.priority = priority
    _bump(case, "priority")
    _event(case, EventKind.PRIORITY_CHANGED, by, data={"from": previous, "to": priority})
    audit.record(actor=by, action="case.priority_changed", target=case, data={"from": previous, "to": priority})
    return case


def _require_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise CaseError("Enter the text.")
    return text


@transaction.atomic
def add_note(*, case: Case, text: str, by, request_key: uuid.UUID | None = None) -> CaseEvent:
    """An internal note: staff only, never shown to the resident. Notes never clash.
    A client retrying with the same `request_key` gets the note it added the first time."""
    text = _require_text(text)
    if request_key and (earlier := _added_before(case, request_key)):
        return earlier
    event = _event(case, EventKind.NOTE, by, text=text, data=_keyed(request_key))
    audit.record(actor=by, action="case.note_added", target=case, data={"event": event.pk})
    return event


@transaction.atomic
def add_public_update(*, case: Case, text: str, by, request_key: uuid.UUID | None = None) -> CaseEvent:
    """An update the resident sees on their request and receives by email (once, however
    often a client retries with the same `request_key`)."""
    text = _require_text(text)
    if request_key and (earlier := _added_before(case, request_key)):
        return earlier
    event = _event(case, EventKind.PUBLIC_UPDATE, by, public=True, text=text, data=_keyed(request_key))
    audit.record(actor=by, action="case.public_update", target=case, data={"event": event.pk})
    notifications.notify_requester(case=case, event=NotificationEvent.PUBLIC_UPDATE, update=event.text)
    return event


@transaction.atomic
def send_message(*, case: Case, text: str, by) -> CaseEvent:
    """A message from the council to the resident, in the request's thread."""
    event = _event(case, EventKind.MESSAGE_OUT, by, public=True, text=_require_text(text))
    Case.objects.filter(pk=case.pk).update(has_new_message=False)
    audit.record(actor=by, action="case.message_sent", target=case, data={"event": event.pk})
    notifications.notify_requester(case=case, event=NotificationEvent.MESSAGE, update=event.text)
    return event


@transaction.atomic
def receive_message(*, case: Case, text: str, by=None, sender_label: str = "") -> CaseEvent:
    """A message from the resident. On a request resolved within the service's reopen
    period it reopens the request; later ones still reach the team. Nothing is lost."""
    return _message_in(case, text, by=by, sender_label=sender_label, reopen_any_time=False)


@transaction.atomic
def reopen_case(*, case: Case, text: str, by=None, sender_label: str = "") -> CaseEvent:
    """The resident, asked, says a resolved request is not done (a street problem marked
    fixed, say): their answer reaches the team like a reply, and it reopens the request
    however long ago it was resolved."""
    return _message_in(case, text, by=by, sender_label=sender_label, reopen_any_time=True)


def _message_in(case: Case, text: str, *, by, sender_label: str, reopen_any_time: bool) -> CaseEvent:
    case = _locked(case, None)
    text = _require_text(text)
    event = _event(
        case, EventKind.MESSAGE_IN, by, public=True, text=text, actor_label=sender_label or case.requester_name
    )
    case.has_new_message = True
    fields = ["has_new_message"]
    reopened = case.is_closed and (
        reopen_any_time
        or (
            case.resolved_at is not None
            and timezone.now() - case.resolved_at <= dt.timedelta(days=case.service.reopen_days)
        )
    )
    if reopened:
        previous = case.status
        case.status = case.service.reopen_state
        case.is_closed = False
        case.resolved_at = None
        fields += ["status", "is_closed", "resolved_at"]
        _event(
            case,
            EventKind.REOPENED,
            None,
            public=True,
            text="Reopened by the resident's reply.",
            from_status=previous,
            to_status=case.status,
        )
    _bump(case, *fields)
    if reopened:
        case_status_changed.send(sender=Case, case=case, previous=previous)
    audit.record(actor=by, action="case.message_received", target=case, data={"event": event.pk, "reopened": reopened})
    notifications.notify_team(
        case=case,
        subject=f"{'Reopened: ' if reopened else ''}new message on {case.reference}",
        body=f"{case.requester_name or 'The resident'} wrote about {case.reference} ({case.service.name}):\n\n{text}",
    )
    return event


@transaction.atomic
def mark_messages_read(*, case: Case, by) -> bool:
    """The resident's new message was read by whoever is to answer it: the assignee, or
    while nobody is assigned, a case worker in the case's team. Anyone else opening the
    case (a contact-centre agent, a manager looking in) leaves it new for them. True when
    it was marked read."""
    if case.assignee_id is not None:
        answers = case.assignee_id == by.pk
    else:
        answers = can_work_cases(by) and case.team.members.filter(pk=by.pk).exists()
    return answers and bool(Case.objects.filter(pk=case.pk, has_new_message=True).update(has_new_message=False))


@transaction.atomic
def add_watcher(
    *, case: Case, customer: Customer | None = None, email: str = "", reason: str, by
) -> CaseWatcher | None:
    """Someone besides the requester follows the case: they are told of its public updates
    and its closing, and see it in My Account if they have an account. An email address
    of a customer record links them to that record.

    Adding someone who already follows it changes nothing (their first entry is returned);
    the requester hears of their own request already, so None is returned for them."""
    if reason not in WatchReason.values:
        raise CaseError("Choose why they follow the case.")
    email = (email or "").strip().lower()
    customer = customer or customer_services.customer_with_email(email)
    if customer is None and not email:
        raise CaseError("Enter their email address.")
    case = _locked(case, None)
    if _is_requester(case, customer, email):
        return None
    same_person = Q(customer=customer) if customer is not None else Q(email=email)
    if customer is not None and email:
        same_person |= Q(email=email)
    if existing := case.watchers.filter(same_person).first():
        return existing
    watcher = CaseWatcher.objects.create(
        case=case, customer=customer, email=email, reason=reason, added_by=by if _label(by) else None
    )
    _event(case, EventKind.WATCHER_ADDED, by, text=_watcher_text(watcher), data={"watcher": watcher.pk})
    audit.record(actor=by, action="case.watcher_added", target=case, data={"watcher": watcher.pk, "reason": reason})
    return watcher


@transaction.atomic
def remove_watcher(*, watcher: CaseWatcher, by) -> None:
    """They stop following the case (they asked to, say). Removing them twice does nothing."""
    deleted, _by_model = CaseWatcher.objects.filter(pk=watcher.pk).delete()
    if deleted:
        _event(watcher.case, EventKind.WATCHER_REMOVED, by, text=_watcher_text(watcher))
        audit.record(actor=by, action="case.watcher_removed", target=watcher.case, data={"watcher": watcher.pk})


def _is_requester(case: Case, customer: Customer | None, email: str) -> bool:
    if customer is not None and customer.pk == case.customer_id:
        return True
    requester_emails = {case.requester_email, case.customer.email if case.customer else ""}
    return bool(email) and email in requester_emails


def _watcher_text(watcher: CaseWatcher) -> str:
    """Who follows the case and why, for the staff timeline (never shown to the requester)."""
    who = ", ".join(filter(None, [watcher.customer.display_name if watcher.customer else "", watcher.address]))
    return f"{who}: {watcher.get_reason_display()}"


@transaction.atomic
def add_attachment(*, case: Case, upload: UploadedFile, by, public: bool = True) -> Attachment:
    """Attach a file after checking what it really is; raises ValidationError if refused."""
    content_type = check_upload(upload)
    event = _event(case, EventKind.ATTACHMENT, by, public=public, text=upload.name[:200])
    attachment = Attachment(
        case=case,
        event=event,
        original_name=upload.name[:200],
        content_type=content_type,
        size=upload.size,
        public=public,
        uploaded_by=by if _label(by) else None,
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    audit.record(actor=by, action="case.attachment_added", target=case, data={"attachment": attachment.pk})
    return attachment
