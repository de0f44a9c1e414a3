from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from townhall.api import views

router = SimpleRouter()
router.register("services", views.ServiceViewSet, basename="service")
router.register("cases", views.CaseViewSet, basename="case")
router.register("customers", views.CustomerViewSet, basename="customer")

app_name = "api"

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/docs.html"),
        name="docs",
    ),
    re_path(r"^", views.NotFoundView.as_view()),
]
