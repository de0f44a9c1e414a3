"""The webhook pages, mounted at /staff/integrations/webhooks/ (townhall/urls.py)."""

from django.urls import path

from townhall.integrations import webhooks_views as views

app_name = "webhooks"

urlpatterns = [
    path("", views.subscribers, name="subscribers"),
    path("new/", views.subscriber_form, name="subscriber_new"),
    path("<int:subscriber_id>/", views.subscriber_form, name="subscriber"),
]
