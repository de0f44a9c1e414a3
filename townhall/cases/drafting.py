"""Stepping through a service's questions one page at a time, kept in a `Draft` between pages.

Each page answers one question; the next page is the first shown question not yet
answered, so changing an earlier answer brings in (or drops) the questions that depend
on it. `submit_case` checks every answer again, so nothing here is the last word.
"""

import uuid

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from townhall.cases.models import Draft
from townhall.catalogue.models import Service
from townhall.catalogue.questions import Question, parse_questions, visible_questions
from townhall.core.uploads import check_upload


def draft_questions(draft: Draft) -> list[Question]:
    return parse_questions(draft.form.questions)


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
    """Keep one answer (None for an optional question left blank, which still counts as answered)."""
    draft = Draft.objects.select_for_update().get(pk=draft.pk)
    draft.answers[question.key] = value
    draft.save(update_fields=["answers", "updated_at"])
    return draft


def store_answer_file(*, draft: Draft, upload: UploadedFile) -> dict:
    """Save an uploaded file for one of the draft's `file` questions, after checking what it
    really is. Returns the answer entry `submit_case` turns into an attachment; raises
    ValidationError if the file is refused."""
    content_type = check_upload(upload)
    file_id = uuid.uuid4().hex
    # Never the uploader's file name on disk: it is untrusted input.
    path = default_storage.save(f"drafts/{draft.token}/{file_id}", upload)
    return {
        "id": file_id,
        "path": path,
        "name": upload.name[:200],
        "content_type": content_type,
        "size": upload.size,
    }
