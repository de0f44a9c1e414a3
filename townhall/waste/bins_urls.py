"""Bin days, under /bins/ (namespace "bins"): public pages, the calendar feed and the JSON."""

from django.urls import path

from townhall.waste.views import bins

urlpatterns = [
    path("", bins.find, name="find"),
    path("<int:uprn>/", bins.property_days, name="property"),
    path("<int:uprn>/print/", bins.printable, name="print"),
    path("<int:uprn>/calendar.ics", bins.calendar, name="calendar"),
    path("<int:uprn>/collections.json", bins.collections_json, name="json"),
]
