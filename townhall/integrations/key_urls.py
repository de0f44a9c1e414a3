"""The API key pages, mounted at /staff/integrations/keys/ (townhall/urls.py)."""

from django.urls import path

from townhall.integrations import key_views as views

app_name = "api_keys"

urlpatterns = [
    path("", views.key_list, name="list"),
    path("new/", views.issue_key, name="issue"),
    path("<int:key_id>/revoke/", views.revoke_key, name="revoke"),
]
