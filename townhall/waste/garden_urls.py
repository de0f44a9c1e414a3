"""Garden waste pages. `urlpatterns` under /bins/ (namespace "garden"), beside the bin days
they belong to; `staff_urlpatterns` under /staff/garden/ (namespace "garden_staff")."""

from django.urls import path

from townhall.waste.views import garden

urlpatterns = [
    path("<int:uprn>/garden/", garden.overview, name="overview"),
    path("<int:uprn>/garden/subscribe/", garden.subscribe, name="subscribe"),
    path("<int:uprn>/garden/renew/", garden.renew, name="renew"),
    path("<int:uprn>/garden/change/", garden.change, name="change"),
    path("<int:uprn>/garden/check/", garden.check, name="check"),
    path("<int:uprn>/garden/cancel/", garden.cancel, name="cancel"),
    path("<int:uprn>/garden/requests/<str:reference>/", garden.request_page, name="request"),
]

staff_urlpatterns = [
    path("", garden.staff_find, name="find"),
    path("<int:uprn>/", garden.staff_property, name="property"),
]
