"""The back-office pages, mounted at /staff/integrations/backoffice/ (townhall/urls.py)."""

from django.urls import path

from townhall.integrations import backoffice_views as views

app_name = "backoffice"

urlpatterns = [
    path("", views.endpoints, name="endpoints"),
    path("new/", views.endpoint_form, name="endpoint_new"),
    path("<int:endpoint_id>/", views.endpoint_form, name="endpoint"),
    path("routes/new/", views.route_form, name="route_new"),
    path("routes/<int:route_id>/", views.route_form, name="route"),
    path("routes/<int:route_id>/remove/", views.route_remove, name="route_remove"),
]
