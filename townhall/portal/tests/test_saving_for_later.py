import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from townhall.cases import tasks
from townhall.cases.drafting import purge_expired_drafts
from townhall.cases.models import Draft
from townhall.catalogue.tests.factories import ServiceFactory
from townhall.portal.tests.conftest import question_url, start
from townhall.portal.tests.test_composite_questions import PNG

pytestmark = pytest.mark.django_db


def save_for_later(client, service, key, data):
    return client.post(question_url(service, key), {**data, "save_for_later": "1"})


def test_a_signed_in_resident_can_save_and_come_back_where_they_left_off(client, service, resident):
    client.force_login(resident)
    start(client, service)
    assert "Save and come back later" in client.get(question_url(service, "details")).content.decode()

    response = save_for_later(client, service, "details", {"answer": "The drain is blocked"})

    assert response["Location"] == reverse("portal:account")
    draft = Draft.objects.get()
    assert draft.saved and draft.user == resident
    assert draft.answers == {"details": "The drain is blocked"}
    account = client.get(response["Location"]).content.decode()
    assert "Your answers to “Report a blocked drain” are saved" in account
    continue_url = reverse("portal:continue", args=[service.slug, draft.token])
    assert continue_url in account

    client.logout()
    client.force_login(resident)  # a new session, days later
    assert "Continue where you left off" in client.get(reverse("portal:service", args=[service.slug])).content.decode()
    response = client.get(continue_url)

    assert response["Location"] == question_url(service, "urgent")
    assert client.post(response["Location"], {"answer": "no"}).status_code == 302


def test_saving_with_the_question_left_blank_keeps_the_answers_so_far(client, service, resident):
    client.force_login(resident)
    start(client, service)
    client.post(question_url(service, "details"), {"answer": "The drain is blocked"})

    response = save_for_later(client, service, "urgent", {})

    assert response["Location"] == reverse("portal:account")
    assert Draft.objects.get().answers == {"details": "The drain is blocked"}


def test_saving_does_not_keep_an_answer_that_is_refused(client, service, resident):
    client.force_login(resident)
    start(client, service)

    response = save_for_later(client, service, "urgent", {"answer": "perhaps"})

    assert "There is a problem" in response.content.decode()
    assert not Draft.objects.get().saved


def test_visitors_are_not_offered_saving_and_it_does_nothing_for_them(client, service):
    start(client, service)
    assert "Save and come back later" not in client.get(question_url(service, "details")).content.decode()

    response = save_for_later(client, service, "details", {"answer": "The drain is blocked"})

    assert response["Location"] == question_url(service, "urgent")
    assert not Draft.objects.get().saved


def test_another_resident_cannot_continue_a_saved_form(client, service, resident, other_resident):
    client.force_login(resident)
    start(client, service)
    save_for_later(client, service, "details", {"answer": "Mine"})
    draft = Draft.objects.get()
    client.force_login(other_resident)

    response = client.get(reverse("portal:continue", args=[service.slug, draft.token]))

    assert response.status_code == 404
    assert str(draft.token) not in client.session.get("portal:drafts", {}).values()


def test_a_saved_form_can_be_deleted_with_its_files_after_confirming(
    client, team, resident, django_capture_on_commit_callbacks
):
    service = ServiceFactory(team=team, questions=[{"key": "photo", "type": "file", "label": "Photo"}])
    client.force_login(resident)
    start(client, service)
    client.post(question_url(service, "photo"), {"upload": SimpleUploadedFile("a.png", PNG), "upload_another": "1"})
    save_for_later(client, service, "photo", {})
    draft = Draft.objects.get()
    [stored] = draft.answers["photo"]
    url = reverse("portal:delete_draft", args=[draft.token])
    assert "You cannot undo this" in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)

    assert response["Location"] == reverse("portal:account")
    assert not Draft.objects.exists()
    assert not default_storage.exists(stored["path"])
    assert client.post(url)["Location"] == reverse("portal:account")  # a second click is harmless


def test_another_resident_cannot_delete_a_saved_form(client, service, resident, other_resident):
    client.force_login(resident)
    start(client, service)
    save_for_later(client, service, "details", {"answer": "Mine"})
    draft = Draft.objects.get()
    client.force_login(other_resident)

    client.post(reverse("portal:delete_draft", args=[draft.token]))

    assert Draft.objects.filter(pk=draft.pk).exists()


def test_forms_nobody_came_back_to_are_purged_and_others_kept(client, service, resident):
    client.force_login(resident)
    start(client, service)
    save_for_later(client, service, "details", {"answer": "Saved"})
    start(client, service)
    saved, abandoned = Draft.objects.order_by("id")
    Draft.objects.filter(pk=abandoned.pk).update(updated_at=timezone.now() - dt.timedelta(days=2))

    assert purge_expired_drafts() == 1
    assert list(Draft.objects.all()) == [saved]
    assert purge_expired_drafts(now=timezone.now() + dt.timedelta(days=31)) == 1
    assert not Draft.objects.exists()


def test_the_hourly_task_purges_expired_drafts(client, service):
    start(client, service)
    Draft.objects.update(updated_at=timezone.now() - dt.timedelta(days=2))

    assert tasks.purge_expired_drafts.delay().get() == 1
    assert not Draft.objects.exists()
