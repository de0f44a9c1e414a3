"""The integrations page, mounted at /staff/integrations/ (townhall/urls.py)."""

from django.urls import path

from townhall.integrations import index_views

app_name = "integrations"

urlpatterns = [path("", index_views.index, name="index")]
