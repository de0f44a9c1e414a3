"""The text typed in a console page's search box. Lists page through townhall.core.paging."""

from django.http import HttpRequest

MAX_SEARCH_LENGTH = 200


def search_text(request: HttpRequest) -> str:
    """What was typed in a page's search box (`q`)."""
    return request.GET.get("q", "").strip()[:MAX_SEARCH_LENGTH]
