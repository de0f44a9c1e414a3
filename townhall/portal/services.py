"""The public site's own writes: forms in progress and a resident's profile. Requests
themselves are made by `cases.services.submit_case`, the same for every channel."""

import datetime as dt
import uuid

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from townhall.cases import drafting
from townhall.cases.models import Case, Draft, EventKind
from townhall.cases.services import receive_message
from townhall.catalogue.models import Channel
from townhall.core.uploads import check_upload
from townhall.customers import services as customer_services
from townhall.customers.models import Customer
from townhall.gazetteer.models import Property
from townhall.portal.selectors import DRAFT_LIFETIME, SAVED_DRAFT_LIFETIME

MAX_FILES_PER_QUESTION = 10
# The same reply again within this long is a double click or a resent form, not a new message.
REPLY_REPEAT_WINDOW = dt.timedelta(minutes=10)


def add_draft_file(*, draft: Draft, key: str, upload: UploadedFile) -> dict:
    """Check and keep an uploaded file as (part of) an answer; raises ValidationError if refused."""
    content_type = check_upload(upload)
    if len(draft.answers.get(key) or []) >= MAX_FILES_PER_QUESTION:
        raise ValidationError(_("You can upload up to %(n)s files") % {"n": MAX_FILES_PER_QUESTION}, code="too_many")
    file_id = uuid.uuid4().hex
    # Never the uploader's file name on disk: it is untrusted input.
    path = default_storage.save(f"drafts/{draft.token}/{file_id}", upload)
    item = {"id": file_id, "name": upload.name[:200], "content_type": content_type, "size": upload.size, "path": path}
    try:
        with transaction.atomic():
            locked = Draft.objects.select_for_update().get(pk=draft.pk)
            locked.answers[key] = [*(locked.answers.get(key) or []), item]
            locked.save(update_fields=["answers", "updated_at"])
    except Exception:
        default_storage.delete(path)
        raise
    draft.answers = locked.answers
    return item


@transaction.atomic
def remove_draft_file(*, draft: Draft, key: str, file_id: str) -> None:
    locked = Draft.objects.select_for_update().get(pk=draft.pk)
    files = locked.answers.get(key) or []
    removed = [item for item in files if item.get("id") == file_id]
    locked.answers[key] = [item for item in files if item.get("id") != file_id]
    locked.save(update_fields=["answers", "updated_at"])
    draft.answers = locked.answers
    for item in removed:
        transaction.on_commit(lambda path=item["path"]: default_storage.delete(path))


@transaction.atomic
def save_draft_for_later(*, draft: Draft, user) -> Draft:
    """Keep a signed-in resident's form in My Account until they come back to it."""
    draft.user = user
    draft.session_key = ""
    draft.saved = True
    draft.save(update_fields=["user", "session_key", "saved", "updated_at"])
    return draft


def _draft_files(draft: Draft) -> list[str]:
    keys = {question.key for question in drafting.draft_questions(draft) if question.type == "file"}
    return [item["path"] for key in keys for item in draft.answers.get(key) or [] if isinstance(item, dict)]


@transaction.atomic
def discard_draft(*, draft: Draft) -> None:
    """Delete a form in progress and the files uploaded to it."""
    paths = _draft_files(draft)
    draft.delete()
    transaction.on_commit(lambda: [default_storage.delete(path) for path in paths])


def purge_expired_drafts(*, now: dt.datetime | None = None) -> int:
    """Delete web forms nobody came back to in time, so abandoned answers are not kept."""
    now = now or timezone.now()
    expired = Draft.objects.filter(channel=Channel.WEB).filter(
        Q(saved=False, updated_at__lt=now - DRAFT_LIFETIME) | Q(saved=True, updated_at__lt=now - SAVED_DRAFT_LIFETIME)
    )
    count = 0
    for draft in expired.select_related("form").iterator():
        discard_draft(draft=draft)
        count += 1
    return count


def _own_customer(user) -> Customer:
    return getattr(user, "customer", None) or customer_services.link_account(user=user)


@transaction.atomic
def update_profile(*, user, full_name: str, phone: str) -> Customer:
    """A resident's own name and phone number, on their account and their customer record."""
    full_name = full_name.strip()
    if user.full_name != full_name:
        user.full_name = full_name
        user.save(update_fields=["full_name"])
    return customer_services.update_customer(customer=_own_customer(user), by=user, name=full_name, phone=phone.strip())


@transaction.atomic
def set_home_address(*, user, address: Property) -> Customer:
    return customer_services.update_customer(
        customer=_own_customer(user), by=user, address=address, address_text="", postcode=address.postcode
    )


@transaction.atomic
def send_reply(*, case: Case, text: str, by) -> Case:
    """A resident's reply to their request, once; returns the request as it now is (perhaps reopened)."""
    locked = Case.objects.select_for_update().select_related("service").get(pk=case.pk)
    text = text.strip()
    repeated = locked.events.filter(
        kind=EventKind.MESSAGE_IN, text=text, at__gte=timezone.now() - REPLY_REPEAT_WINDOW
    ).exists()
    if not repeated:
        receive_message(case=locked, text=text, by=by)
        locked.refresh_from_db()
    return locked
