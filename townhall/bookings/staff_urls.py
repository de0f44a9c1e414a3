"""The bookings pages, mounted at /staff/bookings/ (townhall/urls.py) in the "bookings" namespace."""

import datetime as dt

from django.urls import path, register_converter

from townhall.bookings import staff_views


class IsoDateConverter:
    """A day in a URL as 2025-12-02."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> dt.date:
        return dt.date.fromisoformat(value)  # ValueError (30 February) is a 404

    def to_url(self, value: dt.date | str) -> str:
        return value if isinstance(value, str) else value.isoformat()


register_converter(IsoDateConverter, "isodate")

app_name = "bookings"

urlpatterns = [
    path("", staff_views.calendars, name="calendars"),
    path("<slug:calendar>/", staff_views.capacity, name="capacity"),
    path("<slug:calendar>/days/<isodate:day>/", staff_views.day_bookings, name="day"),
    path("<slug:calendar>/days/<isodate:day>/<str:zone>/change/", staff_views.change_day, name="change_day"),
    path("<slug:calendar>/days/<isodate:day>/<str:zone>/reset/", staff_views.reset_day, name="reset_day"),
    path("<slug:calendar>/areas/new/", staff_views.usual_week, name="new_area"),
    path("<slug:calendar>/areas/<str:zone>/week/", staff_views.usual_week, name="usual_week"),
]
