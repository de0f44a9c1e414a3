"""Containers and assisted collections.

`urlpatterns`: the resident's pages, under /bins/ in the "containers" namespace, beside the
bin-day pages. `staff_urlpatterns`: the waste team's pages, under /staff/waste/ in the
"containers_staff" namespace (townhall/urls.py includes both).
"""

from django.urls import path

from townhall.waste.views import containers

urlpatterns = [
    path("<int:uprn>/containers/", containers.choose, name="choose"),
    path("<int:uprn>/containers/eligibility/", containers.eligibility, name="eligibility"),
    path("<int:uprn>/containers/check/", containers.check, name="check"),
    path("<int:uprn>/containers/<str:reference>/", containers.request_page, name="request"),
    path("<int:uprn>/assisted/", containers.assisted_apply, name="assisted"),
    path("<int:uprn>/assisted/<str:reference>/", containers.assisted_done, name="assisted_done"),
]

staff_urlpatterns = [
    path("containers/", containers.staff_containers, name="containers"),
    path("containers/<str:reference>/", containers.staff_container, name="container"),
    path("assisted/", containers.staff_assisted, name="assisted"),
    path("assisted/<str:reference>/", containers.staff_application, name="application"),
]
