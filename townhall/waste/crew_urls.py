from django.urls import path  # noqa: F401 - filled in as the pages are built

urlpatterns: list = []
