"""Lists and searches: pages of 50 rows and the text typed in a search box."""

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PER_PAGE = 50
MAX_SEARCH_LENGTH = 200


def paginate(request: HttpRequest, items, per_page: int = PER_PAGE) -> Page:
    """The page of `items` the `page` query parameter asks for (the last one if it is past the end),
    with `page_links`: the page numbers to link to, gaps as None."""
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    ellipsis = page.paginator.ELLIPSIS
    page.page_links = [
        None if number == ellipsis else number
        for number in page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    ]
    return page


def search_text(request: HttpRequest) -> str:
    """What was typed in a page's search box (`q`)."""
    return request.GET.get("q", "").strip()[:MAX_SEARCH_LENGTH]
