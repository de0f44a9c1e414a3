"""GeoReport v2 resources, mounted at /open311/v2/ (townhall/urls.py): each one ends in
its format, `.json` or `.xml`."""

from django.urls import path, re_path, register_converter

from townhall.integrations.open311 import server
from townhall.integrations.open311.formats import JSON, XML


class FormatConverter:
    regex = f"{JSON}|{XML}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class CodeConverter(FormatConverter):
    """A service code or request id: anything up to the format's dot (codes may hold dots)."""

    regex = r"[^/]+?"


register_converter(FormatConverter, "open311_format")
register_converter(CodeConverter, "open311_code")

app_name = "open311"

urlpatterns = [
    path("discovery.<open311_format:fmt>", server.discovery, name="discovery"),
    path("services.<open311_format:fmt>", server.service_list, name="services"),
    path("services/<open311_code:code>.<open311_format:fmt>", server.service_definition, name="service"),
    path("requests.<open311_format:fmt>", server.request_list, name="requests"),
    path("requests/<open311_code:reference>.<open311_format:fmt>", server.request_detail, name="request"),
    re_path(r"^", server.not_found),
]
