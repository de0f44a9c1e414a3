"""Reporting a missed collection, under /bins/ (namespace "missed")."""

from django.urls import path

from townhall.waste.views import missed

urlpatterns = [
    path("<int:uprn>/missed/", missed.start, name="start"),
    path("<int:uprn>/missed/details/", missed.details, name="details"),
    path("<int:uprn>/missed/check/", missed.check, name="check"),
    path("<int:uprn>/missed/reported/<str:reference>/", missed.done, name="done"),
]
