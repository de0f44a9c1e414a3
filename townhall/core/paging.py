"""Long lists a page at a time, for every list page in the public site and the staff console."""

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PER_PAGE = 50


def paginate(request: HttpRequest, items, *, per_page: int = PER_PAGE) -> Page:
    """The page of `items` the `page` query parameter asks for (the last one if it is past
    the end), with `page_links`: the page numbers core/includes/pagination.html links to,
    around the current page, gaps as None."""
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    ellipsis = page.paginator.ELLIPSIS
    page.page_links = [
        None if number == ellipsis else number
        for number in page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    ]
    return page
