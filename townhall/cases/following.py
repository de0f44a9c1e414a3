"""The "stop getting updates" link at the end of every email a case's follower gets.

The link names the follower (a `CaseWatcher`), signed, never their address. It does not
expire: an old email's link must still stop the emails.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from townhall.cases.models import CaseWatcher

STOP_SALT = "townhall.cases.following.stop"


class NotAStopLink(Exception):
    """A link that is not one we made (copied wrongly from the email, or made up)."""


def stop_following_url(watcher: CaseWatcher) -> str:
    token = signing.dumps(watcher.pk, salt=STOP_SALT)
    return settings.SITE_URL + reverse("portal:stop_following", args=[token])


def watcher_for_stop_link(token: str) -> CaseWatcher | None:
    """The follower a stop link is for, with their case; None when they stopped already."""
    try:
        watcher_id = signing.loads(token, salt=STOP_SALT)
    except signing.BadSignature as exc:
        raise NotAStopLink from exc
    return CaseWatcher.objects.select_related("case").filter(pk=watcher_id).first()
