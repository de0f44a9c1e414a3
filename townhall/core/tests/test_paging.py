from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory

from townhall.core.paging import paginate


def _page(query: str, *, rows: int = 500, per_page: int = 10):
    request = RequestFactory().get(f"/list/?{query}")
    request.user = AnonymousUser()
    return request, paginate(request, list(range(rows)), per_page=per_page)


def test_links_the_ends_and_the_pages_either_side_of_the_current_one_with_gaps_as_none():
    _request, page = _page("page=25")

    assert page.number == 25
    assert page.page_links == [1, None, 24, 25, 26, None, 50]


def test_a_page_past_the_end_or_not_a_number_gives_the_last_or_the_first():
    assert _page("page=999")[1].number == 50
    assert _page("page=x")[1].number == 1


def test_the_page_links_keep_the_lists_filters():
    request, page = _page("status=open&q=drain&page=2")

    html = render_to_string("core/includes/pagination.html", {"page": page}, request=request)

    assert 'href="?status=open&amp;q=drain&amp;page=3" rel="next"' in html
    assert 'href="?status=open&amp;q=drain&amp;page=2" aria-label="Page 2" aria-current="page"' in html
    assert html.count("govuk-pagination__item--ellipses") == 1


def test_a_single_page_shows_no_pagination():
    request, page = _page("", rows=5)

    assert render_to_string("core/includes/pagination.html", {"page": page}, request=request).strip() == ""
