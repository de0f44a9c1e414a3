"""Bulky waste collections, under /bins/ (namespace "bulky"): booking from an address's bin
days, then each collection's own pages, by its request's reference."""

from django.urls import path

from townhall.waste.views import bulky, bulky_collection

urlpatterns = [
    path("<int:uprn>/bulky/", bulky.start, name="start"),
    path("<int:uprn>/bulky/items/", bulky.items, name="items"),
    path("<int:uprn>/bulky/day/", bulky.day, name="day"),
    path("<int:uprn>/bulky/where/", bulky.location, name="location"),
    path("<int:uprn>/bulky/details/", bulky.details, name="details"),
    path("<int:uprn>/bulky/check/", bulky.check, name="check"),
    path("bulky/<str:reference>/", bulky_collection.booking, name="booking"),
    path("bulky/<str:reference>/pay/", bulky_collection.pay, name="pay"),
    path("bulky/<str:reference>/items/", bulky_collection.change_items, name="change_items"),
    path("bulky/<str:reference>/day/", bulky_collection.change_day, name="change_day"),
    path("bulky/<str:reference>/cancel/", bulky_collection.cancel, name="cancel"),
]
