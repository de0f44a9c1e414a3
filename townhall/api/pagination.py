"""Lists a page at a time, by cursor: no count of a million rows, and no row skipped or
repeated when new ones arrive between pages."""

from rest_framework.pagination import CursorPagination


class CursorPage(CursorPagination):
    """`next` and `previous` are links to follow; `page_size` from 1 to 200 (default 50).
    The order is each view's `ordering`: its first field must be (nearly) unique."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_ordering(self, request, queryset, view) -> tuple[str, ...]:
        return tuple(view.ordering)
