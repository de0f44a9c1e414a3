from django.contrib import admin
from django.urls import include, path

from townhall.core import views as core_views
from townhall.waste import containers_urls, garden_urls

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("account/auth/", include("allauth.urls")),
    path("staff/catalogue/", include("townhall.catalogue.urls")),
    path("staff/payments/", include("townhall.payments.staff_urls")),
    path("staff/bookings/", include("townhall.bookings.staff_urls")),
    path("staff/garden/", include((garden_urls.staff_urlpatterns, "garden_staff"))),
    path("staff/waste/", include((containers_urls.staff_urlpatterns, "containers_staff"))),
    path("staff/crews/", include(("townhall.waste.crew_urls", "crews"))),
    path("staff/", include("townhall.console.urls")),
    path("payments/", include("townhall.payments.urls")),
    path("bins/", include(("townhall.waste.bins_urls", "bins"))),
    path("bins/", include(("townhall.waste.missed_urls", "missed"))),
    path("bins/", include(("townhall.waste.bulky_urls", "bulky"))),
    path("bins/", include((garden_urls.urlpatterns, "garden"))),
    path("bins/", include((containers_urls.urlpatterns, "containers"))),
    path("", include("townhall.portal.urls")),
]
