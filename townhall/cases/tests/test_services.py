import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from townhall.cases import services
from townhall.cases.models import Case, CaseEvent, EventKind
from townhall.cases.services import CaseError, Requester, StaleCaseError
from townhall.cases.tests.conftest import ANSWERS
from townhall.catalogue.models import Channel
from townhall.core import calendar
from townhall.core.models import AuditEvent, OutboxMessage
from townhall.notifications.models import Notification

pytestmark = pytest.mark.django_db


def submit(service, **kwargs):
    kwargs.setdefault("answers", ANSWERS)
    kwargs.setdefault("channel", Channel.WEB)
    kwargs.setdefault("requester", Requester(name="Ada Resident", email="Ada@Example.com"))
    return services.submit_case(service=service, **kwargs)


def test_submitting_creates_a_case_with_its_timeline_audit_and_email(service):
    case = submit(service)

    assert case.reference.startswith("WX-")
    assert case.status == "submitted"
    assert case.team == service.team
    assert case.form == service.current_form
    assert case.due_date == calendar.add_working_days(timezone.localdate(), 10)
    assert case.requester_email == "ada@example.com"
    assert case.customer.email == "ada@example.com"
    assert list(case.events.values_list("kind", flat=True)) == [EventKind.SUBMITTED]
    assert AuditEvent.objects.filter(action="case.submitted", target_id=str(case.pk)).exists()
    notification = Notification.objects.get(case=case)
    assert notification.recipient == "ada@example.com"
    assert case.reference in notification.subject
    assert OutboxMessage.objects.filter(key=f"notification:{notification.pk}").exists()


def test_the_same_submission_key_gives_one_case(service):
    key = uuid.uuid4()

    first = submit(service, submission_key=key)
    second = submit(service, submission_key=key)

    assert first.pk == second.pk
    assert Case.objects.count() == 1
    assert Notification.objects.count() == 1


def test_bad_answers_save_nothing(service):
    with pytest.raises(ValidationError):
        submit(service, answers={"urgent": "maybe"})

    assert Case.objects.count() == 0
    assert Notification.objects.count() == 0


def test_a_signed_in_resident_request_is_linked_to_their_account(service, resident):
    case = submit(service, by=resident, requester=Requester(name="Ada", email=resident.email))

    assert case.customer.user == resident


def test_a_phone_request_in_their_email_reaches_their_account_later(service, officer, resident):
    from townhall.customers.services import link_account

    case = submit(service, by=officer, channel=Channel.PHONE, requester=Requester(name="Ada", email=resident.email))

    link_account(user=resident)
    case.refresh_from_db()
    assert case.customer.user == resident


def test_closing_a_case_records_and_tells_the_resident(service, officer):
    case = submit(service)

    services.change_status(case=case, status="resolved", by=officer, reason="Jetted", public_text="We cleared it.")

    case.refresh_from_db()
    assert case.is_closed and case.resolved_at is not None
    assert case.version == 2
    assert case.events.filter(kind=EventKind.PUBLIC_UPDATE, text="We cleared it.").exists()
    assert Notification.objects.filter(case=case, event="resolved").count() == 1


def test_a_status_change_is_public_but_its_reason_is_kept_out_of_the_public_text(service, officer):
    case = submit(service)

    services.change_status(case=case, status="in_progress", by=officer, reason="Contractor is slow")

    event = case.events.get(kind=EventKind.STATUS_CHANGED)
    assert event.public
    assert (event.from_status, event.to_status) == ("submitted", "in_progress")
    assert event.text == ""
    assert event.data == {"reason": "Contractor is slow"}


def test_a_stale_edit_is_refused_and_changes_nothing(service, officer):
    case = submit(service)
    seen_version = case.version
    services.change_status(case=case, status="in_progress", by=officer, expected_version=seen_version)

    with pytest.raises(StaleCaseError):
        services.change_status(case=case, status="resolved", by=officer, expected_version=seen_version)

    case.refresh_from_db()
    assert case.status == "in_progress"
    assert not case.is_closed


def test_refuses_a_status_outside_the_workflow(service, officer):
    case = submit(service)

    with pytest.raises(CaseError):
        services.change_status(case=case, status="teleported", by=officer)


def test_a_reply_within_the_reopen_period_reopens_and_reaches_the_team(service, officer):
    case = submit(service)
    services.change_status(case=case, status="resolved", by=officer)

    services.receive_message(case=case, text="It is blocked again")

    case.refresh_from_db()
    assert not case.is_closed
    assert case.status == "in_progress"
    assert case.has_new_message
    assert case.events.filter(kind=EventKind.REOPENED).exists()
    assert Notification.objects.filter(recipient="streetcare@wexmoor.example", subject__startswith="Reopened").exists()


def test_a_late_reply_stays_on_the_closed_case_and_still_reaches_the_team(service, officer):
    case = submit(service)
    services.change_status(case=case, status="resolved", by=officer)
    Case.objects.filter(pk=case.pk).update(resolved_at=timezone.now() - dt.timedelta(days=service.reopen_days + 1))

    services.receive_message(case=case, text="Still blocked, months later")

    case.refresh_from_db()
    assert case.is_closed
    assert case.has_new_message
    assert CaseEvent.objects.filter(case=case, kind=EventKind.MESSAGE_IN, text="Still blocked, months later").exists()
    assert Notification.objects.filter(recipient="streetcare@wexmoor.example").exists()


def test_notes_are_internal_and_updates_are_public(service, officer):
    case = submit(service)

    note = services.add_note(case=case, text="Called the contractor", by=officer)
    update = services.add_public_update(case=case, text="A crew is booked", by=officer)

    assert not note.public
    assert update.public
    assert Notification.objects.filter(case=case, event="public_update").count() == 1


def test_assigning_to_a_resident_is_refused(service, officer, resident):
    case = submit(service)

    with pytest.raises(CaseError):
        services.assign_case(case=case, assignee=resident, by=officer)

    services.assign_case(case=case, assignee=officer, by=officer)
    case.refresh_from_db()
    assert case.assignee == officer


def test_an_unpublished_service_takes_no_requests(service):
    service.status = "draft"
    service.save()

    with pytest.raises(CaseError):
        submit(service)
