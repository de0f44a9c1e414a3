import pytest
from django.core.exceptions import ValidationError

from townhall.accounts.tests.factories import TeamFactory
from townhall.cases import services as case_services
from townhall.cases.services import Requester
from townhall.catalogue import services
from townhall.catalogue.models import (
    Channel,
    Department,
    FormDefinition,
    KnowledgeArticle,
    NotificationEvent,
    NotificationTemplate,
    Service,
    ServiceStatus,
)
from townhall.catalogue.services import StaleFormError
from townhall.catalogue.tests.conftest import CHOICE, DETAILS
from townhall.catalogue.tests.factories import ServiceFactory
from townhall.core.models import AuditEvent
from townhall.notifications.models import Notification
from townhall.notifications.placeholders import placeholders_for

pytestmark = pytest.mark.django_db

EXTRA = {"key": "bags", "type": "number", "label": "How many bags?", "required": False, "min": 1, "max": 5}


def raise_case(service, answers=None):
    return case_services.submit_case(
        service=service,
        answers=answers or {"bin": "refuse", "details": "Not collected on Tuesday"},
        channel=Channel.WEB,
        requester=Requester(name="Ada Resident", email="ada@example.com"),
    )


# Drafts, publishing and versions


def test_a_new_service_is_a_draft_with_an_empty_first_version(draft_service, admin):
    form = draft_service.form_versions.get()

    assert draft_service.status == ServiceStatus.DRAFT
    assert draft_service.current_form is None
    assert (form.version, form.questions, form.is_draft, form.created_by) == (1, [], True, admin)
    assert AuditEvent.objects.filter(action="catalogue.service_created", target_id=str(draft_service.pk)).exists()


def test_refuses_a_service_with_a_slug_already_taken(draft_service, admin, team, department):
    with pytest.raises(ValidationError) as error:
        services.create_service(
            by=admin, name="Other", slug="missed-bin", department=department, summary="S", team=team
        )

    assert "slug" in error.value.message_dict
    assert Service.objects.count() == 1


def test_refuses_a_service_offered_on_no_channel(admin, team, department):
    with pytest.raises(ValidationError) as error:
        services.create_service(
            by=admin, name="Nothing", slug="nothing", department=department, summary="S", team=team, channels=[]
        )

    assert "channels" in error.value.message_dict
    assert not Service.objects.exists()


def test_saving_questions_writes_the_draft_in_place(draft_service, admin):
    services.save_draft_questions(service=draft_service, questions=[CHOICE], by=admin)
    form = services.save_draft_questions(service=draft_service, questions=[CHOICE, DETAILS], by=admin)

    assert draft_service.form_versions.count() == 1
    assert (form.version, form.revision) == (1, 3)
    assert form.questions == [CHOICE, DETAILS]


def test_publishing_makes_the_draft_live(draft_service, admin):
    services.save_draft_questions(service=draft_service, questions=[CHOICE, DETAILS], by=admin)

    form = services.publish_service(service=draft_service, by=admin)

    draft_service.refresh_from_db()
    assert draft_service.status == ServiceStatus.PUBLISHED
    assert draft_service.current_form == form
    assert form.published_at is not None
    assert AuditEvent.objects.filter(action="catalogue.service_published", data__version=1).exists()


def test_a_change_after_publishing_starts_the_next_version_and_leaves_the_live_one_alone(live_service, admin):
    live = live_service.current_form

    draft = services.save_draft_questions(service=live_service, questions=[CHOICE, DETAILS, EXTRA], by=admin)

    live.refresh_from_db()
    assert draft.version == 2 and draft.is_draft
    assert draft.revision > live.revision
    assert live.questions == [CHOICE, DETAILS]
    live_service.refresh_from_db()
    assert live_service.current_form == live


def test_a_request_keeps_its_version_after_a_new_one_is_published(live_service, admin):
    case = raise_case(live_service)
    services.save_draft_questions(service=live_service, questions=[DETAILS, EXTRA], by=admin)
    services.publish_service(service=live_service, by=admin)

    case.refresh_from_db()
    live_service.refresh_from_db()
    assert case.form.version == 1
    assert case.form.questions == [CHOICE, DETAILS]
    assert live_service.current_form.version == 2
    assert raise_case(live_service, {"details": "Again", "bags": "2"}).form.version == 2


def test_saving_the_same_questions_again_changes_nothing(live_service, admin):
    form = services.save_draft_questions(service=live_service, questions=[CHOICE, DETAILS], by=admin)

    assert form == live_service.current_form
    assert live_service.form_versions.count() == 1


@pytest.mark.parametrize(
    ("questions", "message"),
    [
        ([{**CHOICE, "options": [{"value": "refuse", "label": "Refuse"}]}], "at least two answers"),
        ([DETAILS, DETAILS], "used twice"),
        ([{**DETAILS, "show_if": {"question": "bin", "equals": "garden"}}, CHOICE], "must be a question above it"),
    ],
)
def test_refuses_an_invalid_definition_and_saves_nothing(draft_service, admin, questions, message):
    with pytest.raises(ValidationError) as error:
        services.save_draft_questions(service=draft_service, questions=questions, by=admin)

    assert any(message in text for text in error.value.messages)
    form = draft_service.form_versions.get()
    assert (form.questions, form.revision) == ([], 1)


def test_a_stale_save_is_refused_and_keeps_the_other_change(draft_service, admin):
    seen = draft_service.form_versions.get().revision
    services.save_draft_questions(service=draft_service, questions=[CHOICE], by=admin, expected_revision=seen)

    with pytest.raises(StaleFormError, match="changed after you opened"):
        services.save_draft_questions(service=draft_service, questions=[DETAILS], by=admin, expected_revision=seen)

    assert draft_service.form_versions.get().questions == [CHOICE]


def test_a_second_editor_cannot_start_another_version_from_the_same_live_one(live_service, admin):
    seen = live_service.current_form.revision
    services.save_draft_questions(service=live_service, questions=[CHOICE], by=admin, expected_revision=seen)

    with pytest.raises(StaleFormError):
        services.save_draft_questions(service=live_service, questions=[DETAILS], by=admin, expected_revision=seen)

    assert list(live_service.form_versions.values_list("version", flat=True)) == [2, 1]


def test_refuses_to_publish_an_empty_form(draft_service, admin):
    with pytest.raises(ValidationError, match="at least one question"):
        services.publish_service(service=draft_service, by=admin)

    draft_service.refresh_from_db()
    assert draft_service.status == ServiceStatus.DRAFT
    assert draft_service.form_versions.get().published_at is None


def test_refuses_to_publish_an_invalid_draft(draft_service, admin):
    FormDefinition.objects.filter(service=draft_service).update(questions=[DETAILS, DETAILS])

    with pytest.raises(ValidationError) as error:
        services.publish_service(service=draft_service, by=admin)

    assert any("used twice" in text for text in error.value.messages)
    draft_service.refresh_from_db()
    assert draft_service.current_form is None


def test_refuses_to_publish_a_draft_changed_since_it_was_checked(draft_service, admin):
    services.save_draft_questions(service=draft_service, questions=[CHOICE], by=admin)
    checked = draft_service.form_versions.get().revision
    services.save_draft_questions(service=draft_service, questions=[CHOICE, DETAILS], by=admin)

    with pytest.raises(StaleFormError):
        services.publish_service(service=draft_service, by=admin, expected_revision=checked)

    draft_service.refresh_from_db()
    assert draft_service.current_form is None


def test_publishing_twice_is_harmless(live_service, admin):
    revision = live_service.current_form.revision

    form = services.publish_service(service=live_service, by=admin, expected_revision=revision)

    assert form == live_service.current_form
    assert AuditEvent.objects.filter(action="catalogue.service_published").count() == 1


def test_a_retired_service_takes_no_requests_until_published_again(live_service, admin):
    services.retire_service(service=live_service, by=admin)

    with pytest.raises(case_services.CaseError):
        raise_case(live_service)
    with pytest.raises(ValidationError, match="already retired"):
        services.retire_service(service=live_service, by=admin)

    services.publish_service(service=live_service, by=admin)
    live_service.refresh_from_db()
    assert live_service.status == ServiceStatus.PUBLISHED
    assert live_service.current_form.version == 1


def test_the_slug_is_fixed_once_published(live_service, draft_service, admin):
    with pytest.raises(ValidationError) as error:
        services.update_service(service=live_service, by=admin, slug="renamed")

    assert "slug" in error.value.message_dict
    live_service.refresh_from_db()
    assert live_service.slug == "missed-bin"


def test_updating_records_what_changed(draft_service, admin):
    other = TeamFactory(name="Fly-tipping", slug="fly-tipping")

    services.update_service(
        service=draft_service, by=admin, name="Report a missed collection", restricted=True, restricted_to_teams=[other]
    )

    draft_service.refresh_from_db()
    assert draft_service.name == "Report a missed collection"
    assert list(draft_service.restricted_to_teams.all()) == [other]
    event = AuditEvent.objects.get(action="catalogue.service_updated")
    assert event.data["changed"] == ["name", "restricted", "restricted_to_teams"]


# Workflow

STATES = [
    {"key": "submitted", "label": "Received", "closed": False},
    {"key": "booked", "label": "Collection booked", "closed": False},
    {"key": "done", "label": "Collected", "closed": True},
]


def test_sets_a_workflow(live_service, admin):
    services.set_workflow(service=live_service, states=STATES, by=admin)

    live_service.refresh_from_db()
    assert live_service.workflow == STATES
    assert live_service.initial_state == "submitted"


@pytest.mark.parametrize(
    ("states", "message"),
    [
        ([], "at least one state"),
        ([{"key": "done", "label": "Done", "closed": True}], "must be open"),
        ([{"key": "new", "label": "New", "closed": False}], "at least one closed state"),
        ([*STATES, {"key": "done", "label": "Again", "closed": True}], "used twice"),
        ([{"key": "Bad key", "label": "New", "closed": False}, STATES[2]], "the key must start with a letter"),
        ([{"key": "new", "label": " ", "closed": False}, STATES[2]], "enter a label"),
    ],
)
def test_refuses_an_unsound_workflow(live_service, admin, states, message):
    before = live_service.workflow

    with pytest.raises(ValidationError) as error:
        services.set_workflow(service=live_service, states=states, by=admin)

    assert any(message in text for text in error.value.messages)
    live_service.refresh_from_db()
    assert live_service.workflow == before


def test_refuses_to_remove_a_state_open_requests_are_in_and_says_how_many(live_service, admin):
    for _number in range(2):
        case_services.change_status(case=raise_case(live_service), status="in_progress", by=admin)
    before = live_service.workflow
    without_in_progress = [s for s in before if s["key"] != "in_progress"]

    with pytest.raises(ValidationError) as error:
        services.set_workflow(service=live_service, states=without_in_progress, by=admin)

    assert error.value.messages == [
        "2 open requests are in “In progress”: move them to another state before removing it."
    ]
    live_service.refresh_from_db()
    assert live_service.workflow == before


def test_a_state_only_closed_requests_are_in_can_go(live_service, admin):
    case_services.change_status(case=raise_case(live_service), status="withdrawn", by=admin)

    services.set_workflow(
        service=live_service, states=[s for s in live_service.workflow if s["key"] != "withdrawn"], by=admin
    )

    live_service.refresh_from_db()
    assert "withdrawn" not in [s["key"] for s in live_service.workflow]


def test_refuses_to_close_a_state_requests_are_in(live_service, admin):
    raise_case(live_service)
    states = [{**s, "closed": True} if s["key"] == "submitted" else s for s in live_service.workflow]
    states.insert(0, {"key": "new", "label": "New", "closed": False})

    with pytest.raises(ValidationError, match="1 request is in “Received”, so it cannot change"):
        services.set_workflow(service=live_service, states=states, by=admin)


def test_refuses_a_workflow_someone_else_changed_meanwhile(live_service, admin):
    seen = services.workflow_marker(live_service.workflow)
    services.set_workflow(service=live_service, states=STATES, by=admin, expected_marker=seen)

    with pytest.raises(ValidationError, match="Someone else changed the workflow"):
        services.set_workflow(
            service=live_service, states=STATES[::-1][1:] + STATES[:1], by=admin, expected_marker=seen
        )

    live_service.refresh_from_db()
    assert live_service.workflow == STATES


# Emails


def test_a_service_email_replaces_the_default_for_its_requests(live_service, admin):
    services.save_notification_template(
        service=live_service,
        event=NotificationEvent.SUBMITTED,
        subject="Missed bin ((reference))",
        body="Dear ((name)), we will come back for your bin.",
        by=admin,
    )

    case = raise_case(live_service)

    notification = Notification.objects.get(case=case)
    assert notification.subject == f"Missed bin {case.reference}"
    assert notification.body == "Dear Ada Resident, we will come back for your bin."


def test_every_placeholder_a_received_email_offers_is_filled_in(live_service, admin):
    every = " ".join(f"(({name}))" for name in placeholders_for(NotificationEvent.SUBMITTED))
    services.save_notification_template(
        service=live_service, event=NotificationEvent.SUBMITTED, subject="((reference))", body=every, by=admin
    )

    case = raise_case(live_service)

    assert "((" not in Notification.objects.get(case=case).body


def test_refuses_a_placeholder_the_event_cannot_fill_in_and_saves_nothing(live_service, admin):
    with pytest.raises(ValidationError) as error:
        services.save_notification_template(
            service=live_service,
            event=NotificationEvent.SUBMITTED,
            subject="Your ((Reference))",
            body="Hello ((first_name)) ((name)), we took ((amount)) by ((method)).",
            by=admin,
        )

    usable = (
        "It can use ((name)), ((reference)), ((service)), ((status)), ((track_url)), ((council)), "
        "((reopen_days)) and ((deadline_sentence))."
    )
    assert error.value.message_dict == {
        "subject": [f"This email cannot use ((Reference)). {usable}"],
        "body": [f"This email cannot use ((first_name)), ((amount)) or ((method)). {usable}"],
    }
    assert not NotificationTemplate.objects.exists()


def test_refuses_a_placeholder_left_open(live_service, admin):
    with pytest.raises(ValidationError) as error:
        services.save_notification_template(
            service=live_service,
            event=NotificationEvent.RESOLVED,
            subject="Done",
            body="Your request ((reference is resolved (((service)))",
            by=admin,
        )

    assert error.value.message_dict["body"][0].startswith("Close “((reference” with two closing brackets.")
    assert not NotificationTemplate.objects.exists()


def test_a_receipt_may_use_the_payment_placeholders(live_service, admin):
    template = services.save_notification_template(
        service=live_service,
        event=NotificationEvent.PAYMENT_RECEIVED,
        subject="Receipt ((reference))",
        body="Paid ((amount)) by ((method)) on ((paid_at)), payment ((payment_reference)).",
        by=admin,
    )

    assert template.event == NotificationEvent.PAYMENT_RECEIVED


def test_resetting_an_email_goes_back_to_the_default(live_service, admin):
    services.save_notification_template(
        service=live_service, event=NotificationEvent.RESOLVED, subject="Done", body="Done ((reference))", by=admin
    )

    services.reset_notification_template(service=live_service, event=NotificationEvent.RESOLVED, by=admin)

    assert not NotificationTemplate.objects.exists()
    assert AuditEvent.objects.filter(action="catalogue.notification_template_reset").exists()


# Departments and articles


def test_creates_a_department_and_refuses_its_name_twice(admin):
    services.create_department(by=admin, name="Housing", slug="housing")

    with pytest.raises(ValidationError):
        services.create_department(by=admin, name="Housing", slug="housing-2")

    assert AuditEvent.objects.filter(action="catalogue.department_created").count() == 1


def test_creates_and_updates_an_article_with_its_services(admin, department):
    bins, drains = ServiceFactory(name="Bins"), ServiceFactory(name="Drains")
    article = services.create_article(
        by=admin,
        title="When are bins collected?",
        slug="bin-days",
        summary="Find your bin day.",
        body="Every week.",
        department=department,
        services=[bins],
    )

    services.update_article(article=article, by=admin, summary="Look up your day.", services=[bins, drains])

    article.refresh_from_db()
    assert article.summary == "Look up your day."
    assert set(article.services.all()) == {bins, drains}
    assert AuditEvent.objects.get(action="catalogue.article_updated").data == {"changed": ["summary", "services"]}


def test_refuses_an_article_slug_already_taken(admin):
    services.create_article(by=admin, title="A", slug="same", summary="S", body="B")

    with pytest.raises(ValidationError):
        services.create_article(by=admin, title="B", slug="same", summary="S", body="B")

    assert KnowledgeArticle.objects.count() == 1


def test_changes_a_department_and_records_what_changed(admin, department):
    services.update_department(department=department, by=admin, name="Streets", slug="environment", description="D")

    department.refresh_from_db()
    assert (department.name, department.description) == ("Streets", "D")
    assert AuditEvent.objects.get(action="catalogue.department_updated").data == {"changed": ["name", "description"]}


def test_refuses_to_delete_a_department_with_services_and_deletes_an_empty_one(admin, department):
    ServiceFactory(department=department)
    empty = services.create_department(by=admin, name="Parks", slug="parks")

    with pytest.raises(ValidationError) as error:
        services.delete_department(department=department, by=admin)
    assert services.delete_department(department=empty, by=admin) is True
    assert services.delete_department(department=empty, by=admin) is False  # sent twice: nothing more happens

    assert error.value.messages == [
        "Environment has 1 service, so it cannot be deleted. Move the service to another department first."
    ]
    assert list(Department.objects.values_list("slug", flat=True)) == ["environment"]
    assert AuditEvent.objects.filter(action="catalogue.department_deleted").count() == 1


def test_deletes_an_article_and_keeps_the_contacts_it_answered(admin):
    from townhall.customers.models import Contact, Outcome

    article = services.create_article(by=admin, title="A", slug="a", summary="S", body="B")
    contact = Contact.objects.create(channel=Channel.PHONE, reason="Bin day", outcome=Outcome.ANSWERED, article=article)

    assert services.delete_article(article=article, by=admin) is True
    assert services.delete_article(article=article, by=admin) is False

    assert not KnowledgeArticle.objects.exists()
    assert Contact.objects.get(pk=contact.pk).article is None
    assert AuditEvent.objects.get(action="catalogue.article_deleted").data == {"slug": "a", "title": "A"}
