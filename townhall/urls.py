from django.contrib import admin
from django.urls import include, path

from townhall.core import views as core_views
from townhall.streetcare import public_urls as street_report_urls
from townhall.waste import containers_urls, garden_urls

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("account/auth/", include("allauth.urls")),
    path("open311/v2/", include("townhall.integrations.open311.urls")),
    path("api/", include("townhall.api.urls")),
    path("staff/catalogue/", include("townhall.catalogue.urls")),
    path("staff/integrations/", include("townhall.integrations.index_urls")),
    path("staff/integrations/keys/", include("townhall.integrations.key_urls")),
    path("staff/integrations/backoffice/", include("townhall.integrations.backoffice_urls")),
    path("staff/integrations/webhooks/", include("townhall.integrations.webhooks_urls")),
    path("staff/payments/", include("townhall.payments.staff_urls")),
    path("staff/bookings/", include("townhall.bookings.staff_urls")),
    path("staff/garden/", include((garden_urls.staff_urlpatterns, "garden_staff"))),
    path("staff/waste/", include((containers_urls.staff_urlpatterns, "containers_staff"))),
    path("staff/crews/", include(("townhall.waste.crew_urls", "crews"))),
    path("staff/reports/", include((street_report_urls.staff_urlpatterns, "reports_staff"))),
    path("staff/streetcare/", include(("townhall.streetcare.staff_urls", "streetcare_staff"))),
    path("staff/", include("townhall.console.urls")),
    path("payments/", include("townhall.payments.urls")),
    path("bins/", include(("townhall.waste.bins_urls", "bins"))),
    path("bins/", include(("townhall.waste.missed_urls", "missed"))),
    path("bins/", include(("townhall.waste.bulky_urls", "bulky"))),
    path("bins/", include((garden_urls.urlpatterns, "garden"))),
    path("bins/", include((containers_urls.urlpatterns, "containers"))),
    path("reports/", include((street_report_urls.urlpatterns, "reports"))),
    path("report/", include(("townhall.streetcare.report_urls", "street_report"))),
    path("", include("townhall.portal.urls")),
]
