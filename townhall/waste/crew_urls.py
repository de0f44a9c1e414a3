"""The crews' pages, under /staff/crews/ (namespace "crews")."""

import datetime as dt

from django.urls import path, register_converter

from townhall.waste.views import crew_api, crews


class RoundDateConverter:
    """A round's day in a URL as 2026-06-02."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> dt.date:
        return dt.date.fromisoformat(value)  # ValueError (30 February) is a 404

    def to_url(self, value: dt.date | str) -> str:
        return value if isinstance(value, str) else value.isoformat()


register_converter(RoundDateConverter, "roundday")

urlpatterns = [
    path("", crews.rounds, name="today"),
    path("photos/<int:record_id>/", crews.photo, name="photo"),
    # The in-cab devices' API: the worklist (GET) and recording (POST).
    path("api/<slug:code>/<roundday:day>/", crew_api.worklist, name="api_worklist"),
    path("api/<slug:code>/<roundday:day>/records/", crew_api.record, name="api_record"),
    path("<slug:code>/<roundday:day>/", crews.round_day, name="round"),
    path("<slug:code>/<roundday:day>/start/", crews.start, name="start"),
    path("<slug:code>/<roundday:day>/finish/", crews.finish, name="finish"),
    path("<slug:code>/<roundday:day>/<str:kind>/<int:number>/mark/", crews.mark, name="mark"),
    path("<slug:code>/<roundday:day>/<str:kind>/<int:number>/", crews.record_place, name="place"),
]
