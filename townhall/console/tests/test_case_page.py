"""The case page and every action on it, including a second agent's stale change."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from townhall.cases import services as case_services
from townhall.cases.models import Attachment, EventKind, WatchReason
from townhall.console.tests.conftest import once
from townhall.core.models import AuditEvent
from townhall.customers import services as customer_services
from townhall.customers.tests.factories import CustomerFactory
from townhall.gazetteer.tests.factories import PropertyFactory, StreetFactory, WardFactory
from townhall.notifications.models import Notification

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
# Session, user, the case with what its page shows, the customer's alerts, the people
# following it, the assignee choices, the timeline's events and their files, the
# attachments; a map-point case adds its nearest address.
CASE_PAGE_QUERIES = 9


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
    # A status change the resident is told about (a message with it) is public; its line
    # on the staff timeline still names the states as staff do.
    case = case_services.change_status(case=case, status="awaiting_customer", by=None, public_text="Send a photo.")

    officer = login("officer")
    case_page = _page(officer.get(reverse("console:case", args=[case.reference])))
    pages = [
        case_page,
        _page(officer.get(reverse("console:queue"))),
        _page(officer.get(reverse("console:customer", args=[case.customer_id]))),
    ]

    assert "From “Received” to “Waiting for the resident”" in case_page
    assert "Send a photo." in case_page
    for page in pages:
        assert "Waiting for the resident" in page
        assert "Waiting for your reply" not in page
    assert case.status_label == "Waiting for your reply"  # what My Account, tracking and emails say


def _open(client, case) -> str:
    return _page(client.get(reverse("console:case", args=[case.reference])))


def test_a_customers_alerts_are_shown_above_every_one_of_their_cases(case, make_case, login, agent):
    customer_services.set_alert(customer=case.customer, kind="two_officers", text="Dog on site", by=agent)
    other_case = make_case()
    cleared = customer_services.set_alert(customer=case.customer, kind="interpreter", text="Polish", by=agent)
    customer_services.clear_alert(alert=cleared, by=agent)

    client = login("officer")
    for shown in (case, other_case):
        page = _open(client, shown)
        assert "This customer has an alert" in page
        assert page.index("Two officers must visit: Dog on site") < page.index("Summary")
        assert "Polish" not in page
        assert "Clear" not in page  # cleared from the customer's record, not here


def test_a_case_without_customer_alerts_shows_no_warning(case, login):
    assert "govuk-warning-text" not in _open(login("officer"), case)


@pytest.mark.parametrize(
    ("assigned_to", "reader", "marks_read"),
    [
        (None, "officer", True),  # unassigned: a case worker in the case's team
        (None, "manager", True),
        (None, "agent", False),  # the contact centre looking in for a caller
        (None, "auditor", False),
        ("manager", "manager", True),  # the assignee
        ("manager", "officer", False),  # a team mate of the assignee
    ],
)
def test_only_whoever_answers_the_resident_marks_their_new_message_read(
    assigned_to, reader, marks_read, case, people, login
):
    if assigned_to:
        case_services.assign_case(case=case, assignee=people[assigned_to], by=None)
    event = case_services.receive_message(case=case, text="Any news?")

    page = _open(login(reader), case)

    case.refresh_from_db()
    assert case.has_new_message is not marks_read
    # Whoever opens it is told plainly, and led to the message.
    assert "The resident sent a new message" in page
    assert f'href="#event-{event.pk}"' in page and f'id="event-{event.pk}"' in page


def test_a_message_read_by_its_answerer_is_not_announced_again(case, login):
    case_services.receive_message(case=case, text="Any news?")
    client = login("officer")

    _open(client, case)

    assert "The resident sent a new message" not in _open(client, case)


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


def _stored_attachment(case, *, public: bool = True) -> Attachment:
    return Attachment.objects.create(
        case=case,
        file=SimpleUploadedFile("x", PNG),
        original_name="drain.png",
        content_type="image/png",
        size=72,
        public=public,
    )


@pytest.mark.parametrize("public", [True, False])
def test_every_staff_download_is_audited_with_who_and_which_file(case, officer, login, public):
    attachment = _stored_attachment(case, public=public)

    response = login("officer").get(reverse("console:attachment", args=[case.reference, attachment.public_id]))

    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    event = AuditEvent.objects.get(action="case.attachment_viewed")
    assert (event.actor, event.target_type, event.target_id) == (officer, "cases.case", str(case.pk))
    assert event.data == {
        "attachment": attachment.pk,
        "public_id": str(attachment.public_id),
        "name": "drain.png",
        "restricted": False,
    }


def test_a_restricted_services_file_download_is_audited_as_restricted(
    make_case, restricted_service, private_team, officer, client
):
    private_team.members.add(officer)
    case = make_case(restricted_service)
    attachment = _stored_attachment(case)
    client.force_login(officer)

    response = client.get(reverse("console:attachment", args=[case.reference, attachment.public_id]))

    assert response.status_code == 200
    event = AuditEvent.objects.get(action="case.attachment_viewed")
    assert event.actor == officer
    assert event.data["restricted"] is True
    assert event.data["attachment"] == attachment.pk


def test_a_file_gone_from_storage_shows_staff_a_not_found_page_and_audits_no_download(case, login, caplog):
    attachment = _stored_attachment(case)
    attachment.file.storage.delete(attachment.file.name)

    with caplog.at_level("WARNING", logger="townhall.cases.downloads"):
        response = login("officer").get(reverse("console:attachment", args=[case.reference, attachment.public_id]))

    assert response.status_code == 404
    page = _page(response)
    assert "This file is no longer available" in page
    assert f'href="{reverse("console:case", args=[case.reference])}"' in page
    assert "Staff console" in page  # in the console's own shell
    assert any(str(attachment.public_id) in record.getMessage() for record in caplog.records)
    assert not AuditEvent.objects.filter(action="case.attachment_viewed").exists()


def test_the_console_my_account_and_tracking_share_one_download():
    from townhall.cases import downloads
    from townhall.console.views import cases as console_cases
    from townhall.portal.views import account, tracking

    assert console_cases.download is account.download is tracking.download is downloads.download


@pytest.fixture
def pipit_way():
    ward = WardFactory(name="Brindle Heath")
    street = StreetFactory(name="Pipit Way", locality="", town="Wexmoor")
    return PropertyFactory(street=street, ward=ward, latitude=Decimal("51.420000"), longitude=Decimal("-0.190000"))


def test_a_map_point_case_says_where_in_words_with_the_coordinates_beneath(make_case, pipit_way, login):
    case = make_case(address=None, latitude=Decimal("51.420100"), longitude=Decimal("-0.190000"))

    page = _page(login("officer").get(reverse("console:case", args=[case.reference])))

    assert "Near Pipit Way, Wexmoor" in page
    assert "Brindle Heath ward; the nearest address is 11 metres away" in page
    assert "Latitude, longitude: 51.420100, -0.190000" in page
    assert 'class="th-location-map th-location-map--point"' in page
    assert 'data-latitude="51.420100"' in page


def test_a_map_point_far_from_any_address_still_shows_its_coordinates(make_case, pipit_way, login):
    case = make_case(address=None, latitude=Decimal("51.450000"), longitude=Decimal("-0.190000"))

    page = _page(login("officer").get(reverse("console:case", args=[case.reference])))

    assert "No address nearby" in page
    assert "Latitude, longitude: 51.450000, -0.190000" in page
    assert "Near " not in page


def test_a_case_at_an_address_shows_the_address_not_a_guess(make_case, pipit_way, login):
    case = make_case(address=pipit_way, latitude=pipit_way.latitude, longitude=pipit_way.longitude)

    page = _page(login("officer").get(reverse("console:case", args=[case.reference])))

    assert pipit_way.single_line in page
    assert "Near Pipit Way" not in page
    assert "th-location-map--point" not in page


@pytest.mark.parametrize("where", ["address", "map point"])
def test_the_case_page_takes_a_fixed_number_of_queries(
    where, make_case, pipit_way, officer, login, django_assert_max_num_queries
):
    if where == "address":
        case = make_case(address=pipit_way)
    else:  # one query more: the nearest address, through the position index
        case = make_case(address=None, latitude=Decimal("51.420100"), longitude=Decimal("-0.190000"))
    for number in range(3):
        case_services.add_note(case=case, text=f"Note {number}", by=officer)
        _stored_attachment(case)
        customer_services.set_alert(customer=case.customer, kind="other", text=f"Alert {number}", by=officer)
        case_services.add_watcher(case=case, customer=CustomerFactory(), reason=WatchReason.SUPPORTER, by=officer)
    client = login("officer")

    with django_assert_max_num_queries(CASE_PAGE_QUERIES + (where == "map point")):
        response = client.get(reverse("console:case", args=[case.reference]))

    assert response.status_code == 200


# People following the case


def test_the_case_page_lists_the_people_following_it(case, officer, login):
    ben = CustomerFactory(name="Ben Neighbour", email="ben@example.com")
    case_services.add_watcher(case=case, customer=ben, reason=WatchReason.DUPLICATE_REPORT, by=officer)
    case_services.add_watcher(case=case, email="cy@example.com", reason=WatchReason.SUPPORTER, by=officer)

    page = _open(login("officer"), case)

    assert "People following this case" in page
    assert reverse("console:customer", args=[ben.pk]) in page
    for shown in ("Ben Neighbour", "ben@example.com", "Reported it too", "cy@example.com", "Supports the request"):
        assert shown in page
    assert "Stop updates" in page


def test_a_case_nobody_follows_has_no_followers_table(case, login):
    assert "People following this case" not in _open(login("officer"), case)


def test_stopping_someones_updates_removes_them_once(case, officer, login):
    watcher = case_services.add_watcher(case=case, email="cy@example.com", reason=WatchReason.SUPPORTER, by=officer)
    url = reverse("console:case_watcher_remove", args=[case.reference, watcher.pk])
    client = login("officer")

    first = client.post(url)
    again = client.post(url)

    assert first.status_code == again.status_code == 302
    assert first.url == reverse("console:case", args=[case.reference])
    assert not case.watchers.exists()
    assert case.events.filter(kind=EventKind.WATCHER_REMOVED).count() == 1


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("resident", 403), ("auditor", 403)])
def test_who_may_not_stop_someones_updates_changes_nothing(who, status, case, officer, login):
    watcher = case_services.add_watcher(case=case, email="cy@example.com", reason=WatchReason.SUPPORTER, by=officer)

    response = login(who).post(reverse("console:case_watcher_remove", args=[case.reference, watcher.pk]))

    assert response.status_code == status
    assert case.watchers.get() == watcher


def test_followers_of_another_case_cannot_be_removed_through_this_one(case, make_case, officer, login):
    other = make_case()
    watcher = case_services.add_watcher(case=other, email="cy@example.com", reason=WatchReason.SUPPORTER, by=officer)

    login("officer").post(reverse("console:case_watcher_remove", args=[case.reference, watcher.pk]))

    assert other.watchers.get() == watcher
