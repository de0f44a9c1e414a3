"""Reporting a street problem, under /report/ (namespace "street_report")."""

from django.urls import path

from townhall.streetcare.report_views import sending, steps

urlpatterns = [
    path("", steps.where, name="where"),
    path("start-again/", steps.start_again, name="start_again"),
    path("category/", steps.category, name="category"),
    path("category/stopped/", steps.stopped, name="stopped"),
    path("asset/", steps.asset, name="asset"),
    path("assets.json", steps.assets_json, name="assets_json"),
    path("questions/<slug:key>/", steps.question, name="question"),
    path("describe/", steps.describe, name="describe"),
    path("photos/", steps.photos, name="photos"),
    path("details/", steps.details, name="details"),
    path("nearby/", sending.nearby, name="nearby"),
    path("check/", sending.check, name="check"),
    path("sent/<str:reference>/", sending.sent, name="sent"),
    path("supported/<str:reference>/", sending.supported, name="supported"),
]
