"""Forms in progress on every channel: how long they are kept, and that their files go with them."""

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from townhall.cases import drafting, tasks
from townhall.cases.models import Draft
from townhall.catalogue.models import Channel
from townhall.catalogue.questions import parse_questions
from townhall.catalogue.tests.factories import ServiceFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


@pytest.fixture
def photo_service():
    return ServiceFactory(questions=[{"key": "photo", "type": "file", "label": "Add a photo"}])


def draft_with_photo(service, *, channel=Channel.WEB, saved=False, age=dt.timedelta(0)) -> tuple[Draft, str]:
    """A draft last touched `age` ago, with one photo uploaded; returns it and the photo's path."""
    draft = drafting.start_draft(service=service, channel=channel)
    [question] = parse_questions(service.current_form.questions)
    item = drafting.add_draft_file(draft=draft, question=question, upload=SimpleUploadedFile("a.png", PNG))
    Draft.objects.filter(pk=draft.pk).update(saved=saved, updated_at=timezone.now() - age)
    return draft, item["path"]


def test_expired_drafts_of_every_channel_are_purged_with_their_files(photo_service, django_capture_on_commit_callbacks):
    # Given a day-old form from the web and one from the phone, and fresh ones of each
    _, old_web_file = draft_with_photo(photo_service, age=dt.timedelta(days=1, minutes=1))
    _, old_phone_file = draft_with_photo(photo_service, channel=Channel.PHONE, age=dt.timedelta(days=1, minutes=1))
    fresh_web, fresh_web_file = draft_with_photo(photo_service, age=dt.timedelta(hours=23))
    fresh_phone, _ = draft_with_photo(photo_service, channel=Channel.PHONE, age=dt.timedelta(hours=23))

    # When the purge runs
    with django_capture_on_commit_callbacks(execute=True):
        purged = drafting.purge_expired_drafts()

    # Then the old ones are gone, files and all, and the fresh ones stay
    assert purged == 2
    assert set(Draft.objects.values_list("pk", flat=True)) == {fresh_web.pk, fresh_phone.pk}
    assert not default_storage.exists(old_web_file)
    assert not default_storage.exists(old_phone_file)
    assert default_storage.exists(fresh_web_file)


def test_a_form_saved_for_later_is_kept_for_thirty_days(photo_service, django_capture_on_commit_callbacks):
    _, saved_file = draft_with_photo(photo_service, saved=True, age=dt.timedelta(days=29))

    assert drafting.purge_expired_drafts() == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert drafting.purge_expired_drafts(now=timezone.now() + dt.timedelta(days=1, minutes=1)) == 1
    assert not Draft.objects.exists()
    assert not default_storage.exists(saved_file)


def test_when_a_draft_expires_depends_on_whether_it_was_saved(photo_service):
    draft, _ = draft_with_photo(photo_service)
    draft.refresh_from_db()

    assert drafting.draft_expires_at(draft) == draft.updated_at + dt.timedelta(days=1)
    draft.saved = True
    assert drafting.draft_expires_at(draft) == draft.updated_at + dt.timedelta(days=30)


def test_the_hourly_task_purges_an_agents_abandoned_draft(photo_service, settings):
    draft_with_photo(photo_service, channel=Channel.PHONE, age=dt.timedelta(days=2))

    assert tasks.purge_expired_drafts.delay().get() == 1
    assert not Draft.objects.exists()
    assert settings.CELERY_BEAT_SCHEDULE["purge-expired-drafts"] == {
        "task": "townhall.cases.tasks.purge_expired_drafts",
        "schedule": 60 * 60.0,
    }


def test_discarding_a_draft_deletes_its_files_once_committed(photo_service, django_capture_on_commit_callbacks):
    draft, path = draft_with_photo(photo_service)

    with django_capture_on_commit_callbacks(execute=True):
        drafting.discard_draft(draft=draft)

    assert not Draft.objects.exists()
    assert not default_storage.exists(path)


def test_a_file_refused_by_the_draft_is_not_left_in_storage(photo_service, media):
    draft = drafting.start_draft(service=photo_service, channel=Channel.WEB)
    [question] = parse_questions(photo_service.current_form.questions)
    Draft.objects.filter(pk=draft.pk).delete()  # gone in another request meanwhile

    with pytest.raises(Draft.DoesNotExist):
        drafting.add_draft_file(draft=draft, question=question, upload=SimpleUploadedFile("a.png", PNG))

    assert not [path for path in (media / "drafts").rglob("*") if path.is_file()]


def test_submitting_keeps_the_answered_files_and_deletes_those_a_later_answer_hid(django_capture_on_commit_callbacks):
    from townhall.cases.services import submit_case

    service = ServiceFactory(
        questions=[
            {"key": "damaged", "type": "yes_no", "label": "Is it damaged?", "required": True},
            {"key": "photo", "type": "file", "label": "Add a photo", "required": False},
            {
                "key": "damage",
                "type": "file",
                "label": "Photo of the damage",
                "required": False,
                "show_if": {"question": "damaged", "equals": "yes"},
            },
        ]
    )
    draft = drafting.start_draft(service=service, channel=Channel.WEB)
    questions = {q.key: q for q in parse_questions(service.current_form.questions)}
    drafting.save_answer(draft=draft, question=questions["damaged"], value="yes")
    kept = drafting.add_draft_file(draft=draft, question=questions["photo"], upload=SimpleUploadedFile("a.png", PNG))
    hidden = drafting.add_draft_file(draft=draft, question=questions["damage"], upload=SimpleUploadedFile("b.png", PNG))
    drafting.save_answer(draft=draft, question=questions["damaged"], value="no")  # hides the damage photo

    with django_capture_on_commit_callbacks(execute=True):
        case = submit_case(service=service, answers=draft.answers, channel=Channel.WEB, draft=draft)

    assert [a.file.name for a in case.attachments.all()] == [kept["path"]]
    assert default_storage.exists(kept["path"])
    assert not default_storage.exists(hidden["path"])
