"""The service builder's other pages: lists, settings, workflow, emails, departments, articles."""

import re

import pytest
from django.urls import reverse

from townhall.accounts.tests.factories import TeamFactory
from townhall.catalogue import services
from townhall.catalogue.models import Department, KnowledgeArticle, NotificationTemplate, Service, ServiceStatus
from townhall.catalogue.tests.factories import DepartmentFactory, KnowledgeArticleFactory, ServiceFactory

pytestmark = pytest.mark.django_db


# Lists and their query counts


@pytest.mark.parametrize("rows", [3, 30])
def test_the_service_list_takes_the_same_queries_for_3_or_30_services(
    admin_client, django_assert_max_num_queries, rows
):
    for _number in range(rows):
        ServiceFactory(department=DepartmentFactory(), team=TeamFactory())

    with django_assert_max_num_queries(9):
        response = admin_client.get(reverse("catalogue:services"))

    assert response.status_code == 200
    assert response.text.count('class="govuk-table__row"') == rows + 1


def test_the_service_list_filters_by_department_and_status(admin_client, draft_service, department):
    elsewhere = ServiceFactory(name="Book a bulky collection")

    page = admin_client.get(reverse("catalogue:services"), {"department": department.pk, "status": "draft"}).text

    assert "Report a missed bin" in page
    assert elsewhere.name not in page
    assert "Draft version 1" in page
    page = admin_client.get(reverse("catalogue:services"), {"status": "published"}).text
    assert elsewhere.name in page and "Report a missed bin" not in page


def test_the_service_list_is_paginated(admin_client):
    for _number in range(55):
        ServiceFactory()

    page = admin_client.get(reverse("catalogue:services"), {"status": "published", "page": 2}).text

    assert "55 services" in page
    assert "?status=published&amp;page=1" in page
    assert page.count('<tr class="govuk-table__row">') == 6


@pytest.mark.parametrize("rows", [3, 30])
def test_the_article_list_takes_the_same_queries_for_3_or_30_articles(
    admin_client, django_assert_max_num_queries, rows
):
    linked = [ServiceFactory(), ServiceFactory()]
    for _number in range(rows):
        KnowledgeArticleFactory(department=DepartmentFactory()).services.set(linked)

    with django_assert_max_num_queries(9):
        response = admin_client.get(reverse("catalogue:articles"))

    assert response.status_code == 200
    assert response.text.count(linked[0].name) == rows


@pytest.mark.parametrize("rows", [3, 30])
def test_the_department_list_takes_the_same_queries_for_3_or_30(admin_client, django_assert_max_num_queries, rows):
    for _number in range(rows):
        ServiceFactory(department=DepartmentFactory())

    with django_assert_max_num_queries(7):
        assert admin_client.get(reverse("catalogue:departments")).status_code == 200


def test_the_version_history_takes_the_same_queries_for_many_versions(
    admin_client, admin, live_service, django_assert_max_num_queries
):
    from townhall.catalogue.tests.conftest import CHOICE, DETAILS

    for number in range(5):
        services.save_draft_questions(
            service=live_service, questions=[CHOICE, {**DETAILS, "label": str(number)}], by=admin
        )
        services.publish_service(service=live_service, by=admin)

    with django_assert_max_num_queries(10):
        assert admin_client.get(reverse("catalogue:versions", args=[live_service.pk])).status_code == 200


# Services


def test_creates_a_service_with_a_slug_made_from_its_name(admin_client, team, department):
    other = TeamFactory(name="Enforcement", slug="enforcement")
    response = admin_client.post(
        reverse("catalogue:service_create"),
        {
            "name": "Report fly-tipping",
            "slug": "",
            "department": department.pk,
            "summary": "Tell us about rubbish dumped in the street.",
            "team": team.pk,
            "deadline_working_days": "5",
            "restricted": "on",
            "restricted_to_teams": [other.pk],
            "channels": ["web", "phone"],
            "open311_code": "FLY",
            "reopen_days": "14",
        },
    )

    service = Service.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("catalogue:questions", args=[service.pk])
    assert (service.slug, service.status, service.channels) == (
        "report-fly-tipping",
        ServiceStatus.DRAFT,
        ["web", "phone"],
    )
    assert (service.deadline_working_days, service.open311_code, service.reopen_days) == (5, "FLY", 14)
    assert list(service.restricted_to_teams.all()) == [other]
    assert service.form_versions.get().version == 1


def test_several_answers_are_offered_as_checkboxes(admin_client):
    page = admin_client.get(reverse("catalogue:service_create")).text

    assert '<div class="govuk-checkboxes" id="id_channels"' in page
    assert 'type="checkbox" name="channels" value="web" class="govuk-checkboxes__input"' in page


def test_refuses_a_service_form_with_errors_and_saves_nothing(admin_client, draft_service, team, department):
    response = admin_client.post(
        reverse("catalogue:service_create"),
        {
            "name": "Report a missed bin",
            "slug": "missed-bin",
            "department": department.pk,
            "summary": "",
            "team": team.pk,
            "reopen_days": "28",
        },
    )

    page = response.text
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Enter a one-sentence summary" in page
    assert "Another service already uses this slug" in page
    assert "Select at least one channel" in page
    assert Service.objects.count() == 1


def test_the_service_form_explains_each_mistake_in_plain_words(admin_client, team, department):
    response = admin_client.post(
        reverse("catalogue:service_create"),
        {
            "name": "Report " + "very " * 40 + "long",
            "department": department.pk,
            "summary": "Tell us.",
            "team": team.pk,
            "deadline_working_days": "ten",
            "channels": ["web", "pigeon"],
            "open311_code": "X" * 61,
            "reopen_days": "-1",
        },
    )

    page = response.text
    for message in (
        "Name must be 150 characters or fewer",
        "Deadline in working days must be a whole number",
        "Select channels offered from the list",
        "Open311 service code must be 60 characters or fewer",
        "Days in which a reply reopens a resolved request must be 0 or more",
    ):
        assert page.count(message) == 2, message  # in the summary and beside the field
    assert "Ensure this value" not in page and "Enter a whole number" not in page
    assert not Service.objects.exists()


def test_the_slug_cannot_be_changed_once_published(admin_client, live_service, team, department):
    page = admin_client.get(reverse("catalogue:service_edit", args=[live_service.pk])).text
    assert 'name="slug"' not in page

    response = admin_client.post(
        reverse("catalogue:service_edit", args=[live_service.pk]),
        {
            "name": "Report a missed collection",
            "slug": "sneaky",
            "department": department.pk,
            "summary": "Tell us.",
            "team": team.pk,
            "channels": ["web"],
            "reopen_days": "28",
        },
    )

    assert response.status_code == 302
    live_service.refresh_from_db()
    assert (live_service.name, live_service.slug, live_service.channels) == (
        "Report a missed collection",
        "missed-bin",
        ["web"],
    )


def test_the_overview_shows_a_draft_waiting_to_be_published(admin_client, admin, live_service):
    from townhall.catalogue.tests.conftest import DETAILS

    services.save_draft_questions(service=live_service, questions=[DETAILS], by=admin)

    page = admin_client.get(reverse("catalogue:service", args=[live_service.pk])).text

    assert "Draft version 2 of the questions has changes that residents do not see yet" in page
    assert "Online, Phone, Face to face, Email" in page


def test_retiring_asks_first_then_stops_new_requests(admin_client, live_service):
    url = reverse("catalogue:retire", args=[live_service.pk])
    assert "Retire Report a missed bin?" in admin_client.get(url).text

    response = admin_client.post(url)

    assert response.status_code == 302
    live_service.refresh_from_db()
    assert live_service.status == ServiceStatus.RETIRED
    assert "This service is already retired" in admin_client.post(url).text


# Workflow


def workflow_data(states, **changes):
    data = {"marker": services.workflow_marker(states)}
    for index, state in enumerate(states):
        data |= {f"label_{index}": state["label"], f"key_{index}": state["key"], f"position_{index}": str(index + 1)}
        if state["closed"]:
            data[f"closed_{index}"] = "on"
    return data | changes


def test_the_workflow_page_adds_reorders_and_removes_states(admin_client, live_service):
    states = live_service.workflow
    new_row = len(states)
    data = workflow_data(
        states,
        **{
            "position_1": "3",
            "position_2": "2",
            "remove_4": "on",
            f"label_{new_row}": "Passed to contractor",
            f"position_{new_row}": "2",
        },
    )

    response = admin_client.post(reverse("catalogue:workflow", args=[live_service.pk]), data)

    assert response.status_code == 302
    live_service.refresh_from_db()
    assert [s["key"] for s in live_service.workflow] == [
        "submitted",
        "awaiting_customer",
        "passed_to_contractor",
        "in_progress",
        "resolved",
    ]


def test_the_workflow_page_keeps_a_label_for_staff_and_drops_a_blank_one(admin_client, live_service):
    states = live_service.workflow
    waiting = next(i for i, s in enumerate(states) if s["key"] == "awaiting_customer")
    data = workflow_data(states, **{f"staff_label_{waiting}": "Waiting for the resident", "staff_label_0": " "})

    response = admin_client.post(reverse("catalogue:workflow", args=[live_service.pk]), data)

    assert response.status_code == 302
    live_service.refresh_from_db()
    assert live_service.state("awaiting_customer")["staff_label"] == "Waiting for the resident"
    assert "staff_label" not in live_service.state("submitted")
    assert live_service.staff_state_label("submitted") == "Received"


def test_the_workflow_page_explains_an_unsound_workflow(admin_client, live_service):
    states = live_service.workflow
    data = workflow_data(states, closed_0="on")

    response = admin_client.post(reverse("catalogue:workflow", args=[live_service.pk]), data)

    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "must be open" in response.text
    live_service.refresh_from_db()
    assert live_service.workflow == states


def test_the_workflow_page_refuses_to_overwrite_someone_elses_change(admin_client, admin, live_service):
    data = workflow_data(live_service.workflow, label_0="New")
    services.set_workflow(
        service=live_service, states=[*live_service.workflow, {"key": "x", "label": "X", "closed": True}], by=admin
    )

    response = admin_client.post(reverse("catalogue:workflow", args=[live_service.pk]), data)

    assert "Someone else changed the workflow" in response.text
    live_service.refresh_from_db()
    assert live_service.workflow[0]["label"] == "Received"


# Emails


def test_an_email_shows_the_default_and_a_preview_with_example_values(admin_client, live_service):
    page = admin_client.get(reverse("catalogue:email_edit", args=[live_service.pk, "submitted"])).text

    assert "This email uses the default text" in page
    assert "We have received your request ((reference))" in page  # the default, in the form
    assert "We have received your request WX-4K7P-2QRT" in page  # the preview


def test_previewing_an_email_saves_nothing(admin_client, live_service):
    response = admin_client.post(
        reverse("catalogue:email_edit", args=[live_service.pk, "submitted"]),
        {"action": "preview", "subject": "Got it: ((reference))", "body": "Thanks ((name))"},
    )

    assert "Got it: WX-4K7P-2QRT" in response.text
    assert "Thanks Ada Lovelace" in response.text
    assert not NotificationTemplate.objects.exists()


def test_saving_an_email_with_a_placeholder_its_event_cannot_fill_is_refused(admin_client, live_service):
    response = admin_client.post(
        reverse("catalogue:email_edit", args=[live_service.pk, "submitted"]),
        {"action": "save", "subject": "Got it ((reference", "body": "Thanks, we took ((amount))"},
    )

    page = response.text
    assert "There is a problem" in page
    assert 'href="#id_body"' in page  # the summary links to the field
    assert page.count("This email cannot use ((amount)). It can use ((name)), ((reference))") == 2
    assert page.count("Close “((reference” with two closing brackets.") == 2
    assert not NotificationTemplate.objects.exists()


def test_an_email_lists_only_the_placeholders_its_event_fills_in(admin_client, live_service):
    received = admin_client.get(reverse("catalogue:email_edit", args=[live_service.pk, "submitted"])).text
    receipt = admin_client.get(reverse("catalogue:email_edit", args=[live_service.pk, "payment_received"])).text

    def offered(page):
        listed = page[page.index("Placeholders this email can use") :]
        return set(re.findall(r"<code>\(\((\w+)\)\)</code>", listed))

    assert {"reference", "deadline_sentence"} <= offered(received)
    assert not {"amount", "method", "update"} & offered(received)
    assert {"reference", "amount", "method", "paid_at", "payment_reference"} <= offered(receipt)


def test_saves_an_email_and_goes_back_to_the_default(admin_client, live_service):
    url = reverse("catalogue:email_edit", args=[live_service.pk, "resolved"])

    admin_client.post(url, {"action": "save", "subject": "Bin collected", "body": "Done: ((reference))"})
    assert "This service’s own" in admin_client.get(reverse("catalogue:emails", args=[live_service.pk])).text
    admin_client.post(url, {"action": "reset"})

    assert not NotificationTemplate.objects.exists()


def test_an_unknown_email_event_is_not_found(admin_client, live_service):
    assert admin_client.get(reverse("catalogue:email_edit", args=[live_service.pk, "nonsense"])).status_code == 404


# Departments and articles


def test_adds_a_department(admin_client):
    response = admin_client.post(reverse("catalogue:department_create"), {"name": "Parks and leisure"})

    assert response.status_code == 302
    assert Department.objects.get().slug == "parks-and-leisure"


def test_refuses_a_department_twice(admin_client, department):
    response = admin_client.post(reverse("catalogue:department_create"), {"name": "Environment"})

    assert "A department has this name already" in response.text
    assert Department.objects.count() == 1


def test_writes_and_edits_an_article(admin_client, live_service, department):
    response = admin_client.post(
        reverse("catalogue:article_create"),
        {
            "title": "When is my bin collected?",
            "summary": "Look up your day.",
            "body": "Bins go out by 7am.",
            "department": department.pk,
            "services": [live_service.pk],
            "published": "on",
        },
    )
    assert response.status_code == 302
    article = KnowledgeArticle.objects.get()
    assert (article.slug, list(article.services.all())) == ("when-is-my-bin-collected", [live_service])

    response = admin_client.post(
        reverse("catalogue:article_edit", args=[article.pk]),
        {"title": article.title, "slug": article.slug, "summary": "New summary", "body": article.body},
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.summary, article.published, article.services.count()) == ("New summary", False, 0)


def test_refuses_an_article_without_a_body(admin_client):
    response = admin_client.post(reverse("catalogue:article_create"), {"title": "T", "summary": "S", "body": ""})

    assert "Enter the article" in response.text
    assert not KnowledgeArticle.objects.exists()


def test_changes_a_department(admin_client, department):
    url = reverse("catalogue:department_edit", args=[department.pk])
    assert 'value="Environment"' in admin_client.get(url).text

    response = admin_client.post(url, {"name": "Environment and streets", "slug": "environment", "description": ""})

    assert response.status_code == 302
    department.refresh_from_db()
    assert department.name == "Environment and streets"
    assert (
        reverse("catalogue:department_edit", args=[department.pk])
        in admin_client.get(reverse("catalogue:departments")).text
    )


def test_a_department_with_services_cannot_be_deleted_and_says_why(admin_client, live_service, department):
    edit = admin_client.get(reverse("catalogue:department_edit", args=[department.pk])).text
    assert "This department cannot be deleted while it has a service." in edit
    url = reverse("catalogue:department_delete", args=[department.pk])
    assert url not in edit
    assert "Delete the department “Environment”?" in admin_client.get(url).text

    response = admin_client.post(url)

    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Environment has 1 service, so it cannot be deleted" in response.text
    assert Department.objects.filter(pk=department.pk).exists()


def test_an_empty_department_is_deleted_after_asking_and_a_repeat_is_harmless(admin_client, department):
    url = reverse("catalogue:department_delete", args=[department.pk])
    assert url in admin_client.get(reverse("catalogue:department_edit", args=[department.pk])).text

    first, second = admin_client.post(url), admin_client.post(url)

    assert first.status_code == second.status_code == 302
    assert second.url == reverse("catalogue:departments")
    assert not Department.objects.exists()
    assert admin_client.get(url).status_code == 404


def test_an_article_is_deleted_after_asking(admin_client):
    article = KnowledgeArticleFactory(title="Bin days")
    edit = admin_client.get(reverse("catalogue:article_edit", args=[article.pk])).text
    url = reverse("catalogue:article_delete", args=[article.pk])
    assert url in edit

    page = admin_client.get(url).text
    response = admin_client.post(url)

    assert "Delete the article “Bin days”?" in page and "untick “Published”" in page
    assert response.status_code == 302
    assert not KnowledgeArticle.objects.exists()
