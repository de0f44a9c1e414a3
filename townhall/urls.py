from django.contrib import admin
from django.urls import include, path

from townhall.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("account/auth/", include("allauth.urls")),
    path("staff/catalogue/", include("townhall.catalogue.urls")),
    path("staff/payments/", include("townhall.payments.staff_urls")),
    path("staff/bookings/", include("townhall.bookings.staff_urls")),
    path("staff/crews/", include(("townhall.waste.crew_urls", "crews"))),
    path("staff/", include("townhall.console.urls")),
    path("payments/", include("townhall.payments.urls")),
    path("bins/", include(("townhall.waste.bins_urls", "bins"))),
    path("bins/", include(("townhall.waste.missed_urls", "missed"))),
    path("", include("townhall.portal.urls")),
]
