"""Who is calling: the API key in `Authorization: Bearer <key>`, and its rate per minute.

Only keys are accepted, never the console's session cookie, so the API has no CSRF surface.
"""

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.throttling import BaseThrottle

from townhall.integrations.selectors import api_key_for, within_rate
from townhall.integrations.services import note_key_used

SCHEME = "Bearer"


class ApiKeyAuthentication(BaseAuthentication):
    """The request acts as the member of staff the key acts for. A key for no one (an
    Open311 client's) still authenticates, as nobody, so the permission check can say why
    it is refused."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != SCHEME.lower().encode():
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(_("Send the key as: Authorization: Bearer <key>."))
        try:
            secret = parts[1].decode()
        except UnicodeDecodeError:
            secret = ""
        api_key = api_key_for(secret)
        if api_key is None:
            raise AuthenticationFailed(_("This key is not recognised: it may have been revoked."))
        note_key_used(api_key)
        return (api_key.user or AnonymousUser(), api_key)

    def authenticate_header(self, request) -> str:
        return f'{SCHEME} realm="api"'


class KeyRateThrottle(BaseThrottle):
    """Each key's own allowance a minute (counted in the shared cache by `within_rate`)."""

    def allow_request(self, request, view) -> bool:
        return request.auth is None or within_rate(request.auth)

    def wait(self) -> int:
        # The allowance is counted per clock minute: it comes back when the minute turns.
        return 60 - timezone.now().second
