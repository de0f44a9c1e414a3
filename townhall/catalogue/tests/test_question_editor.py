"""The question editor, end to end through the pages, as an administrator without JavaScript."""

import re

import pytest
from django.urls import reverse

from townhall.catalogue.models import FormDefinition, ServiceStatus
from townhall.catalogue.tests.conftest import CHOICE, DETAILS

pytestmark = pytest.mark.django_db


def url(name, service, *args):
    return reverse(f"catalogue:{name}", args=[service.pk, *args])


def revision(service):
    return service.form_versions.order_by("-version").first().revision


def questions(service):
    return service.form_versions.order_by("-version").first().questions


def test_builds_publishes_and_changes_a_form(admin_client, draft_service):
    service = draft_service

    # The type comes first, on its own page, by a GET form.
    page = admin_client.get(url("question_add", service))
    assert "What type of question is it?" in page.text
    page = admin_client.get(url("question_add", service), {"type": "single_choice"})
    assert "Answers to choose from" in page.text
    assert "Smallest allowed number" not in page.text

    # A choice question, its key made from the question.
    response = admin_client.post(
        url("question_add", service),
        {
            "type": "single_choice",
            "revision": revision(service),
            "label": "Which bin was missed?",
            "required": "yes",
            "options": "refuse|Refuse\ngarden|Garden waste\nFood caddy",
        },
    )
    assert response.status_code == 302
    assert questions(service) == [
        {
            "key": "which_bin_was_missed",
            "type": "single_choice",
            "label": "Which bin was missed?",
            "hint": "",
            "required": True,
            "options": [
                {"value": "refuse", "label": "Refuse"},
                {"value": "garden", "label": "Garden waste"},
                {"value": "food_caddy", "label": "Food caddy"},
            ],
        }
    ]

    # A question shown only for one answer of the first.
    page = admin_client.get(url("question_add", service), {"type": "text"})
    assert "which_bin_was_missed=garden" in page.text
    response = admin_client.post(
        url("question_add", service),
        {
            "type": "text",
            "revision": revision(service),
            "label": "Is the garden bin subscription paid?",
            "key": "subscription",
            "required": "no",
            "max_length": "100",
            "show_if": "which_bin_was_missed=garden",
        },
    )
    assert response.status_code == 302
    assert questions(service)[1]["show_if"] == {"question": "which_bin_was_missed", "equals": "garden"}
    assert questions(service)[1]["max_length"] == 100

    # A plain question, then moved up to the top.
    admin_client.post(
        url("question_add", service),
        {
            "type": "long_text",
            "revision": revision(service),
            "label": "What happened?",
            "key": "details",
            "required": "yes",
        },
    )
    response = admin_client.post(
        url("question_move", service, "details"), {"direction": "up", "revision": revision(service)}
    )
    assert response.status_code == 302
    admin_client.post(url("question_move", service, "details"), {"direction": "up", "revision": revision(service)})
    assert [q["key"] for q in questions(service)] == ["details", "which_bin_was_missed", "subscription"]

    # The editor lists them in order with their conditions.
    page = admin_client.get(url("questions", service)).text
    assert page.index("What happened?") < page.index("Which bin was missed?") < page.index("subscription paid")
    assert "Shown if the answer to “Which bin was missed?” is “Garden waste”" in page

    # The preview shows the fields residents see, and explains the condition.
    page = admin_client.get(url("preview", service)).text
    assert "Preview — not a live form" in page
    assert 'name="which_bin_was_missed-answer" value="food_caddy"' in page
    assert 'name="details-answer"' in page
    assert "Shown if the answer to “Which bin was missed?” is “Garden waste”" in page

    # Publishing: the check page, then the confirmation panel.
    page = admin_client.get(url("publish", service)).text
    assert "The service goes live with 3 questions" in page
    response = admin_client.post(url("publish", service), {"revision": revision(service)})
    assert response.status_code == 302
    assert response.url == url("published", service)
    assert "govuk-panel--confirmation" in admin_client.get(response.url).text
    service.refresh_from_db()
    assert service.status == ServiceStatus.PUBLISHED
    assert service.current_form.version == 1

    # A change now goes to a new draft version; the publish page says what changed.
    response = admin_client.post(url("question_delete", service, "subscription"), {"revision": revision(service)})
    assert response.status_code == 302
    edit = admin_client.get(url("question_edit", service, "details")).text
    assert 'value="details"' in edit
    admin_client.post(
        url("question_edit", service, "details"),
        {
            "type": "long_text",
            "revision": revision(service),
            "label": "Tell us what happened",
            "key": "details",
            "required": "yes",
        },
    )
    admin_client.post(
        url("question_add", service),
        {
            "type": "yes_no",
            "revision": revision(service),
            "label": "Was it out by 7am?",
            "key": "out_on_time",
            "required": "yes",
        },
    )
    assert [q["key"] for q in questions(service)] == ["details", "which_bin_was_missed", "out_on_time"]
    assert service.current_form.questions[2]["key"] == "subscription"
    page = admin_client.get(url("publish", service)).text
    for text in ("Added", "Was it out by 7am?", "Changed", "Tell us what happened", "Removed", "subscription"):
        assert text in page


def test_renaming_a_key_keeps_the_questions_that_depend_on_it(admin_client, admin, draft_service):
    from townhall.catalogue import services

    dependent = {**DETAILS, "show_if": {"question": "bin", "equals": "garden"}}
    services.save_draft_questions(service=draft_service, questions=[CHOICE, dependent], by=admin)

    admin_client.post(
        url("question_edit", draft_service, "bin"),
        {
            "type": "single_choice",
            "revision": revision(draft_service),
            "label": "Which bin?",
            "key": "container",
            "required": "yes",
            "options": "refuse|Refuse\ngarden|Garden waste",
        },
    )

    assert questions(draft_service)[1]["show_if"] == {"question": "container", "equals": "garden"}


def test_changing_a_question_type_goes_through_the_type_page(admin_client, admin, draft_service):
    from townhall.catalogue import services

    services.save_draft_questions(service=draft_service, questions=[DETAILS], by=admin)

    page = admin_client.get(url("question_type", draft_service, "details")).text
    assert re.search(r'value="long_text"[^>]* checked', page)
    page = admin_client.get(url("question_edit", draft_service, "details"), {"type": "multiple_choice"}).text
    assert "Answers to choose from" in page


def test_bad_input_shows_the_error_summary_and_saves_nothing(admin_client, draft_service):
    before = revision(draft_service)

    response = admin_client.post(
        url("question_add", draft_service),
        {"type": "single_choice", "revision": before, "label": "", "key": "Bad Key", "options": "only|One"},
    )

    assert response.status_code == 200
    page = response.text
    assert "There is a problem" in page
    assert "Enter the question" in page
    assert "The key must start with a letter" in page
    assert "Enter at least two answers to choose from" in page
    assert page.count("<title>Error:") == 1
    assert revision(draft_service) == before
    assert questions(draft_service) == []


def test_the_question_form_explains_each_mistake_in_plain_words(admin_client, draft_service):
    response = admin_client.post(
        url("question_add", draft_service),
        {
            "type": "number",
            "revision": revision(draft_service),
            "label": "How many bags?",
            "hint": "x" * 501,
            "key": "k" * 61,
            "required": "perhaps",
            "min": "one",
            "max": "2.5",
        },
    )

    page = response.text
    for message in (
        "Hint must be 500 characters or fewer",
        "Key must be 60 characters or fewer",
        "Select yes or no for whether people must answer it",
        "Smallest allowed number must be a whole number",
        "Largest allowed number must be a whole number",
    ):
        assert page.count(message) == 2, message
    assert "Ensure this value" not in page and "Enter a whole number" not in page
    assert questions(draft_service) == []


def test_an_empty_type_choice_is_explained(admin_client, draft_service):
    page = admin_client.get(url("question_add", draft_service), {"type": ""}).text

    assert "Select the type of question" in page


def test_a_stale_page_is_refused_with_a_clear_message(admin_client, admin, draft_service):
    from townhall.catalogue import services

    seen = revision(draft_service)
    services.save_draft_questions(service=draft_service, questions=[CHOICE], by=admin)

    response = admin_client.post(
        url("question_add", draft_service),
        {"type": "text", "revision": seen, "label": "Anything else?", "required": "no"},
    )

    assert response.status_code == 200
    assert "The questions changed after you opened this page" in response.text
    assert questions(draft_service) == [CHOICE]
    # Told so, the officer can send it again: the page now carries the latest revision.
    assert f'name="revision" value="{revision(draft_service)}"' in response.text


def test_moving_a_question_above_its_condition_is_refused(admin_client, admin, draft_service):
    from townhall.catalogue import services

    dependent = {**DETAILS, "show_if": {"question": "bin", "equals": "garden"}}
    services.save_draft_questions(service=draft_service, questions=[CHOICE, dependent], by=admin)

    response = admin_client.post(
        url("question_move", draft_service, "details"), {"direction": "up", "revision": revision(draft_service)}
    )

    assert response.status_code == 200
    assert "The question was not moved: a question can only depend on a question above it." in response.text
    assert [q["key"] for q in questions(draft_service)] == ["bin", "details"]


def test_deleting_a_question_others_depend_on_is_refused(admin_client, admin, draft_service):
    from townhall.catalogue import services

    dependent = {**DETAILS, "show_if": {"question": "bin", "equals": "garden"}}
    services.save_draft_questions(service=draft_service, questions=[CHOICE, dependent], by=admin)

    response = admin_client.post(url("question_delete", draft_service, "bin"), {"revision": revision(draft_service)})

    assert response.status_code == 200
    assert "cannot be deleted while “What happened?” depends on its answer" in response.text
    assert len(questions(draft_service)) == 2


def test_publishing_an_empty_form_is_refused_on_the_page(admin_client, draft_service):
    response = admin_client.post(url("publish", draft_service), {"revision": revision(draft_service)})

    assert response.status_code == 200
    assert "Add at least one question before publishing" in response.text
    assert FormDefinition.objects.get(service=draft_service).published_at is None


def test_a_published_version_is_shown_read_only_in_the_history(admin_client, live_service, admin):
    from townhall.catalogue import services

    services.save_draft_questions(service=live_service, questions=[DETAILS], by=admin)

    history = admin_client.get(url("versions", live_service)).text
    assert "Version 2" in history and "Version 1" in history
    assert "What changed from version 1" in history and "The first version." in history
    page = admin_client.get(url("version", live_service, 1)).text
    assert "Preview of version 1" in page
    assert "Which bin was missed?" in page
    assert admin_client.get(url("version", live_service, 9)).status_code == 404


# Questions that others depend on


@pytest.fixture
def with_dependants(admin, draft_service):
    """“Which bin was missed?” decides whether two later questions show."""
    from townhall.catalogue import services

    garden = {**DETAILS, "show_if": {"question": "bin", "equals": "garden"}}
    refuse = {
        "key": "lid",
        "type": "yes_no",
        "label": "Was the lid shut?",
        "show_if": {"question": "bin", "equals": "refuse"},
    }
    services.save_draft_questions(service=draft_service, questions=[CHOICE, garden, refuse], by=admin)
    return draft_service


def edit_bin(admin_client, service, **changes):
    data = {
        "type": "single_choice",
        "revision": revision(service),
        "label": "Which bin was missed?",
        "key": "bin",
        "required": "yes",
        "options": "refuse|Refuse\ngarden|Garden waste",
    }
    return admin_client.post(url("question_edit", service, "bin"), data | changes)


def test_changing_the_type_of_a_question_others_depend_on_is_refused(admin_client, with_dependants):
    before = questions(with_dependants)

    response = edit_bin(admin_client, with_dependants, type="text")

    assert response.status_code == 200
    page = response.text
    assert "There is a problem" in page
    assert "“What happened?” depends on the answer to “Which bin was missed?”, so that must be a choice" in page
    assert "“Was the lid shut?” depends on the answer to “Which bin was missed?”" in page
    assert questions(with_dependants) == before


def test_removing_an_answer_a_condition_uses_is_refused(admin_client, with_dependants):
    before = questions(with_dependants)

    response = edit_bin(admin_client, with_dependants, options="refuse|Refuse\nfood|Food caddy")

    assert (
        "“What happened?” is shown if the answer to “Which bin was missed?” is “garden”, "
        "which is no longer one of its answers"
    ) in response.text
    assert questions(with_dependants) == before


def test_a_condition_follows_an_answer_whose_value_changed_under_the_same_label(admin_client, with_dependants):
    response = edit_bin(admin_client, with_dependants, options="refuse|Refuse\ngarden_waste|Garden waste")

    assert response.status_code == 302
    assert questions(with_dependants)[1]["show_if"] == {"question": "bin", "equals": "garden_waste"}


def test_a_choice_may_become_a_several_answer_choice_as_its_conditions_still_hold(admin_client, with_dependants):
    response = edit_bin(admin_client, with_dependants, type="multiple_choice")

    assert response.status_code == 302
    assert questions(with_dependants)[0]["type"] == "multiple_choice"


def test_deleting_a_question_names_every_question_depending_on_it(admin_client, with_dependants):
    response = admin_client.post(
        url("question_delete", with_dependants, "bin"), {"revision": revision(with_dependants)}
    )

    assert "cannot be deleted while “What happened?” and “Was the lid shut?” depend on its answer" in response.text
    assert len(questions(with_dependants)) == 3


def test_the_question_pages_say_which_questions_depend_on_it(admin_client, with_dependants):
    for page in (
        admin_client.get(url("question_type", with_dependants, "bin")).text,
        admin_client.get(url("question_edit", with_dependants, "bin")).text,
    ):
        assert "2 other questions are shown depending on the answer to this one" in page
        assert "<li>What happened?</li>" in page and "<li>Was the lid shut?</li>" in page
    assert "shown depending on" not in admin_client.get(url("question_edit", with_dependants, "details")).text


def test_the_history_shows_what_each_version_changed_with_old_and_new_words(admin_client, admin, live_service):
    from townhall.catalogue import services

    services.save_draft_questions(
        service=live_service, questions=[{**CHOICE, "label": "Which bin did we miss?"}, DETAILS], by=admin
    )
    services.publish_service(service=live_service, by=admin)
    services.save_draft_questions(service=live_service, questions=[DETAILS], by=admin)

    page = admin_client.get(url("versions", live_service)).text

    version_3, version_2, version_1 = (page.index(f'card__title">Version {n}') for n in (3, 2, 1))
    assert version_3 < page.index("Removed") < version_2
    assert version_2 < page.index("Question: was “Which bin was missed?”, now “Which bin did we miss?”") < version_1
    assert page.index("The first version.") > version_1
