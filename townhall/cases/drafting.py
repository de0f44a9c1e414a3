"""Stepping through a service's questions one page at a time, kept in a `Draft` between pages,
for every channel: residents on the web and agents raising a request on a caller's behalf.

Each page answers one question; the next page is the first shown question not yet
answered, so changing an earlier answer brings in (or drops) the questions that depend
on it. `submit_case` checks every answer again, so nothing here is the last word.

Files uploaded to a draft are stored at `drafts/<draft token>/<random id>` and listed in
the answer; `submit_case` makes them the case's attachments (and deletes any a later
answer left out), and discarding or purging the draft deletes them.
"""

import datetime as dt
import uuid
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from townhall.cases.models import Draft
from townhall.catalogue.answering import display_answer
from townhall.catalogue.models import Service
from townhall.catalogue.questions import Question, parse_questions, visible_questions
from townhall.core.uploads import check_upload

# A form left alone this long is gone, whichever channel started it (an agent's too); one
# a resident saved to their account is kept longer for them to come back to.
DRAFT_LIFETIME = dt.timedelta(days=1)
SAVED_DRAFT_LIFETIME = dt.timedelta(days=30)
MAX_FILES_PER_QUESTION = 10


def draft_questions(draft: Draft) -> list[Question]:
    return parse_questions(draft.form.questions)


def draft_expires_at(draft: Draft) -> dt.datetime:
    return draft.updated_at + (SAVED_DRAFT_LIFETIME if draft.saved else DRAFT_LIFETIME)


def next_question(questions: list[Question], answers: dict) -> Question | None:
    """The first shown question without an answer yet; None when it is time to check answers."""
    return next((q for q in visible_questions(questions, answers) if q.key not in answers), None)


def previous_question(questions: list[Question], answers: dict, key: str) -> Question | None:
    """The shown question before `key`, for the back link."""
    shown = visible_questions(questions, answers)
    keys = [q.key for q in shown]
    if key not in keys:
        return None
    index = keys.index(key)
    return shown[index - 1] if index else None


def answer_rows(draft: Draft, change_url: Callable[[Question], str]) -> list[tuple[Question, str, str]]:
    """Check answers: each shown question with its answer as read and where to change it."""
    questions = draft_questions(draft)
    return [
        (question, display_answer(question, draft.answers.get(question.key)), change_url(question))
        for question in visible_questions(questions, draft.answers)
    ]


@transaction.atomic
def start_draft(*, service: Service, channel: str, user=None, customer=None, session_key: str = "") -> Draft:
    return Draft.objects.create(
        service=service,
        form=service.current_form,
        channel=channel,
        user=user if user is not None and user.is_authenticated else None,
        customer=customer,
        session_key=session_key,
    )


@transaction.atomic
def save_answer(*, draft: Draft, question: Question, value) -> Draft:
    """Keep one answer (None for an optional question left blank, which still counts as
    answered). `draft.answers` is brought up to date as well."""
    locked = Draft.objects.select_for_update().get(pk=draft.pk)
    locked.answers[question.key] = value
    locked.save(update_fields=["answers", "updated_at"])
    draft.answers, draft.updated_at = locked.answers, locked.updated_at
    return draft


def add_draft_file(*, draft: Draft, question: Question, upload: UploadedFile) -> dict:
    """Check and keep an uploaded file as (part of) a `file` question's answer; returns the
    entry `submit_case` turns into an attachment. Raises ValidationError if it is refused."""
    content_type = check_upload(upload)
    if len(draft.answers.get(question.key) or []) >= MAX_FILES_PER_QUESTION:
        raise ValidationError(_("You can upload up to %(n)s files") % {"n": MAX_FILES_PER_QUESTION}, code="too_many")
    file_id = uuid.uuid4().hex
    # Never the uploader's file name on disk: it is untrusted input.
    path = default_storage.save(f"drafts/{draft.token}/{file_id}", upload)
    item = {"id": file_id, "name": upload.name[:200], "content_type": content_type, "size": upload.size, "path": path}
    try:
        with transaction.atomic():
            locked = Draft.objects.select_for_update().get(pk=draft.pk)
            locked.answers[question.key] = [*(locked.answers.get(question.key) or []), item]
            locked.save(update_fields=["answers", "updated_at"])
    except Exception:
        default_storage.delete(path)
        raise
    draft.answers = locked.answers
    return item


@transaction.atomic
def remove_draft_file(*, draft: Draft, question: Question, file_id: str) -> None:
    """Take one file out of an answer; the stored file goes once that is committed."""
    locked = Draft.objects.select_for_update().get(pk=draft.pk)
    files = locked.answers.get(question.key) or []
    removed = [item for item in files if item.get("id") == file_id]
    locked.answers[question.key] = [item for item in files if item.get("id") != file_id]
    locked.save(update_fields=["answers", "updated_at"])
    draft.answers = locked.answers
    for item in removed:
        transaction.on_commit(lambda path=item["path"]: default_storage.delete(path))


def _draft_files(draft: Draft) -> list[str]:
    keys = {question.key for question in draft_questions(draft) if question.type == "file"}
    return [item["path"] for key in keys for item in draft.answers.get(key) or [] if isinstance(item, dict)]


@transaction.atomic
def discard_draft(*, draft: Draft, keep: frozenset[str] = frozenset()) -> None:
    """Delete a form in progress and the files uploaded to it, but those in `keep` (the
    ones a submitted request took as its attachments)."""
    paths = [path for path in _draft_files(draft) if path not in keep]
    draft.delete()
    transaction.on_commit(lambda: [default_storage.delete(path) for path in paths])


def purge_expired_drafts(*, now: dt.datetime | None = None) -> int:
    """Delete forms nobody came back to in time, from every channel, with their files, so
    abandoned answers (personal data we no longer need) are not kept."""
    now = now or timezone.now()
    expired = Draft.objects.filter(
        Q(saved=False, updated_at__lt=now - DRAFT_LIFETIME) | Q(saved=True, updated_at__lt=now - SAVED_DRAFT_LIFETIME)
    )
    count = 0
    for draft in expired.select_related("form").iterator():
        discard_draft(draft=draft)
        count += 1
    return count
