"""Test-only URLs: allauth, the admin and the public site where the site mounts them (the
sign-in pages are public pages, in its shell), and pages guarded in each way.

The accounts tests use these instead of townhall.urls so that they test this app alone.
"""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from townhall.accounts.models import Role
from townhall.accounts.permissions import staff_required
from townhall.streetcare import public_urls as street_report_urls


def page(request: HttpRequest, rest: str = "") -> HttpResponse:
    return HttpResponse("The page")


urlpatterns = [
    path("admin/", admin.site.urls),
    path("account/auth/", include("allauth.urls")),
    path("staff/<path:rest>", page),
    path("any-staff/", staff_required()(page), name="any_staff_page"),
    path("bare-staff/", staff_required(page), name="bare_staff_page"),
    path("admins-only/", staff_required(Role.COUNCIL_ADMIN)(page), name="admins_only_page"),
    path("case-workers/", staff_required(Role.AGENT, Role.OFFICER)(page), name="case_workers_page"),
    # In the public site's navigation:
    path("bins/", include(("townhall.waste.bins_urls", "bins"))),
    path("reports/", include((street_report_urls.urlpatterns, "reports"))),
    path("report/", include(("townhall.streetcare.report_urls", "street_report"))),
    path("", include("townhall.portal.urls")),
]
