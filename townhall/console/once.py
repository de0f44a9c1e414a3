"""Acting once on a form however often it is sent (double clicks, resent pages).

Every console form that changes something carries a one-time key (`{% once_field %}`);
`act_once` claims the key in the same transaction as the change, so a repeat (even a
concurrent one, which waits on the unique index) finds the first one's result instead
of doing the work again. Keys are kept for `KEPT_FOR`, far longer than any repeat takes
to arrive, then purged.
"""

import datetime as dt
import uuid
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from townhall.console.models import SubmittedForm

FIELD = "once"
KEPT_FOR = dt.timedelta(days=2)


class Repeated(Exception):
    """This form was acted on already; `redirect_to` is where the first submission led."""

    def __init__(self, redirect_to: str):
        super().__init__(redirect_to)
        self.redirect_to = redirect_to


def act_once(request: HttpRequest, action: Callable[[], str]) -> str:
    """Run `action` (which returns the URL to go to next) unless this form was acted on
    before; raises Repeated then. A form without a valid key is acted on as sent."""
    try:
        key = uuid.UUID(request.POST.get(FIELD, ""))
    except ValueError:
        return action()
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = SubmittedForm.objects.create(key=key, user=request.user)
        except IntegrityError:
            first = SubmittedForm.objects.filter(key=key, user=request.user).first()
            raise Repeated(first.redirect_to if first else reverse("console:dashboard")) from None
        claim.redirect_to = action()
        claim.save(update_fields=["redirect_to"])
        return claim.redirect_to


def earlier_result(request: HttpRequest) -> str | None:
    """Where this form led when it was acted on before, if it was: for pages whose subject
    the first submission used up (an ended contact, a submitted draft)."""
    try:
        key = uuid.UUID(request.POST.get(FIELD, ""))
    except ValueError:
        return None
    return SubmittedForm.objects.filter(key=key, user=request.user).values_list("redirect_to", flat=True).first()


def purge_submitted_forms(*, now: dt.datetime | None = None) -> int:
    """Forget the keys of forms acted on longer ago than `KEPT_FOR`; returns how many."""
    now = now or timezone.now()
    deleted, _by_model = SubmittedForm.objects.filter(submitted_at__lt=now - KEPT_FOR).delete()
    return deleted
