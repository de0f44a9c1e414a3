"""The case page and every action on it, including a second agent's stale change."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from townhall.cases import services as case_services
from townhall.cases.models import Attachment, EventKind
from townhall.console.tests.conftest import once
from townhall.notifications.models import Notification

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def case(make_case):
    return make_case()


def _act(client, case, action: str, data: dict, **extra):
    return client.post(reverse("console:case_action", args=[case.reference, action]), {**data, "once": once()}, **extra)


def _page(response) -> str:
    return response.content.decode()


def test_the_case_page_shows_the_case_its_answers_and_its_timeline(case, login):
    case_services.add_note(case=case, text="Called the contractor", by=None)

    response = login("officer").get(reverse("console:case", args=[case.reference]))

    page = _page(response)
    assert response.status_code == 200
    assert "Report a blocked drain" in page
    assert "The drain on the corner is blocked" in page  # an answer, through display_answer
    assert "version 1 of the form" in page
    assert reverse("console:customer", args=[case.customer_id]) in page
    assert "Called the contractor" in page
    assert "Internal: staff only" in page  # the note is marked as never shown to the resident


def test_staff_see_a_neutral_status_where_the_resident_sees_waiting_for_your_reply(case, login):
    case = case_services.change_status(case=case, status="awaiting_customer", by=None, public_text="Send a photo.")

    officer = login("officer")
    pages = [
        _page(officer.get(reverse("console:case", args=[case.reference]))),
        _page(officer.get(reverse("console:queue"))),
    ]

    for page in pages:
        assert "Waiting for the resident" in page
        assert "Waiting for your reply" not in page
    assert case.status_label == "Waiting for your reply"  # what My Account and emails say


def test_opening_a_case_with_a_new_message_marks_it_read_for_case_workers_only(case, login):
    case_services.receive_message(case=case, text="Any news?")

    login("auditor").get(reverse("console:case", args=[case.reference]))
    case.refresh_from_db()
    assert case.has_new_message

    login("officer").get(reverse("console:case", args=[case.reference]))
    case.refresh_from_db()
    assert not case.has_new_message


def test_an_auditor_sees_no_action_forms(case, login):
    response = login("auditor").get(reverse("console:case", args=[case.reference]))

    assert response.context["action_forms"] == []
    assert "Assign to me" not in _page(response)


def test_assigning_to_me(case, officer, login):
    response = _act(login("officer"), case, "assign", {"assign-assignee": officer.pk, "assign-version": case.version})

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assignee == officer
    assert case.events.filter(kind=EventKind.ASSIGNED).exists()


def test_assigning_to_a_team_member_and_unassigning(case, manager, login):
    client = login("officer")

    _act(client, case, "assign", {"assign-assignee": manager.pk, "assign-version": case.version})
    case.refresh_from_db()
    assert case.assignee == manager

    _act(client, case, "assign", {"assign-assignee": "nobody", "assign-version": case.version})
    case.refresh_from_db()
    assert case.assignee is None


def test_assigning_to_someone_outside_the_team_is_refused(case, agent, login):
    response = _act(login("officer"), case, "assign", {"assign-assignee": agent.pk, "assign-version": case.version})

    assert response.status_code == 400
    case.refresh_from_db()
    assert case.assignee is None


def test_changing_the_status_with_a_public_message_tells_the_resident(case, login):
    response = _act(
        login("officer"),
        case,
        "status",
        {
            "status-status": "resolved",
            "status-reason": "Jetted the drain",
            "status-public_text": "We cleared it.",
            "status-version": case.version,
        },
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "resolved" and case.is_closed
    assert case.events.filter(kind=EventKind.STATUS_CHANGED, data__reason="Jetted the drain").exists()
    assert Notification.objects.filter(case=case, event="resolved").exists()


def test_the_case_page_shows_staff_the_reason_for_a_status_change(case, login, officer):
    case_services.change_status(case=case, status="in_progress", by=officer, reason="Contractor booked for Tuesday")

    page = _page(login("officer").get(reverse("console:case", args=[case.reference])))

    assert "From “Received” to “In progress”" in page
    assert "Reason (staff only): Contractor booked for Tuesday" in page


def test_a_status_change_needs_a_reason_and_saves_nothing_without_one(case, login):
    response = _act(login("officer"), case, "status", {"status-status": "in_progress", "status-version": case.version})

    assert response.status_code == 400
    assert "Enter the reason for the change" in _page(response)
    assert "There is a problem" in _page(response)
    case.refresh_from_db()
    assert case.status == "submitted"


def test_setting_the_priority(case, login):
    _act(login("officer"), case, "priority", {"priority-priority": "urgent", "priority-version": case.version})

    case.refresh_from_db()
    assert case.priority == "urgent"
    assert case.events.filter(kind=EventKind.PRIORITY_CHANGED).exists()


@pytest.mark.parametrize(
    ("action", "kind", "public", "notifies"),
    [
        ("note", EventKind.NOTE, False, False),
        ("update", EventKind.PUBLIC_UPDATE, True, True),
        ("message", EventKind.MESSAGE_OUT, True, True),
    ],
)
def test_notes_updates_and_messages(action, kind, public, notifies, case, login):
    emails_before = Notification.objects.filter(case=case).count()

    response = _act(login("officer"), case, action, {f"{action}-text": "Crew booked for Tuesday"})

    assert response.status_code == 302
    event = case.events.get(kind=kind)
    assert event.text == "Crew booked for Tuesday"
    assert event.public is public
    assert (Notification.objects.filter(case=case).count() > emails_before) is notifies


def test_an_empty_note_is_refused(case, login):
    response = _act(login("officer"), case, "note", {"note-text": "  "})

    assert response.status_code == 400
    assert "Enter the note" in _page(response)
    assert not case.events.filter(kind=EventKind.NOTE).exists()


def test_uploading_a_file(case, login):
    upload = SimpleUploadedFile("photo.png", PNG, content_type="image/png")

    response = _act(login("officer"), case, "upload", {"upload-file": upload, "upload-public": "on"})

    assert response.status_code == 302
    attachment = case.attachments.get()
    assert attachment.original_name == "photo.png"
    assert attachment.content_type == "image/png"
    assert attachment.public


def test_a_file_that_is_not_what_it_claims_is_refused(case, login):
    upload = SimpleUploadedFile("photo.png", b"MZ this is a program", content_type="image/png")

    response = _act(login("officer"), case, "upload", {"upload-file": upload})

    assert response.status_code == 400
    assert "The selected file must be a" in _page(response)
    assert not case.attachments.exists()


def test_a_second_agents_stale_change_is_refused_and_saves_nothing(case, officer, manager, client):
    # Both open the case at version 1; the manager changes the priority first.
    seen = case.version
    client.force_login(manager)
    _act(client, case, "priority", {"priority-priority": "high", "priority-version": seen})

    client.force_login(officer)
    response = _act(
        client,
        case,
        "status",
        {"status-status": "resolved", "status-reason": "Done", "status-version": seen},
    )

    assert response.status_code == 400
    assert "Someone else changed this case" in _page(response)
    case.refresh_from_db()
    assert case.status == "submitted"
    assert case.priority == "high"
    # The refused change is shown again, now against the latest version, ready to send.
    assert response.context["form"]["version"].value() == case.version
    assert response.context["form"]["reason"].value() == "Done"


def test_a_case_error_is_shown_as_an_error_summary(case, officer, login):
    case_services.assign_case(case=case, assignee=officer, by=officer)
    case.refresh_from_db()

    response = _act(login("officer"), case, "assign", {"assign-assignee": officer.pk, "assign-version": case.version})

    assert response.status_code == 400
    assert "already assigned to them" in _page(response)


def test_sending_the_same_form_twice_acts_once(case, login):
    client = login("officer")
    key = once()
    url = reverse("console:case_action", args=[case.reference, "note"])

    first = client.post(url, {"note-text": "Called them", "once": key})
    second = client.post(url, {"note-text": "Called them", "once": key})

    assert first.status_code == second.status_code == 302
    assert second.url == first.url
    assert case.events.filter(kind=EventKind.NOTE).count() == 1


def test_an_unknown_action_is_not_found(case, login):
    assert _act(login("officer"), case, "teleport", {}).status_code == 404


def test_an_attachment_downloads_with_its_own_name_and_type(case, login):
    attachment = Attachment.objects.create(
        case=case, file=SimpleUploadedFile("x", PNG), original_name="drain.png", content_type="image/png", size=72
    )

    response = login("officer").get(reverse("console:attachment", args=[case.reference, attachment.public_id]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert 'attachment; filename="drain.png"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PNG


def test_an_attachment_is_only_found_through_its_own_case(case, make_case, login):
    attachment = Attachment.objects.create(
        case=case, file=SimpleUploadedFile("x", PNG), original_name="drain.png", content_type="image/png", size=72
    )
    other = make_case()

    response = login("officer").get(reverse("console:attachment", args=[other.reference, attachment.public_id]))

    assert response.status_code == 404
