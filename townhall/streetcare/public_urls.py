"""Public street reports (mounted at /reports/ as `reports`), and their moderation by
staff (`staff_urlpatterns`, at /staff/reports/ as `reports_staff`)."""

from django.urls import path

from townhall.streetcare import alerts_views, moderation_views, public_views, questionnaire_views

urlpatterns = [
    path("", public_views.report_list, name="list"),
    path("map.json", public_views.map_data, name="map_data"),
    path("alerts/", alerts_views.area_alert, name="area_alert"),
    path("alerts/<uuid:token>/confirm/", alerts_views.area_alert_confirm, name="area_alert_confirm"),
    path("alerts/<uuid:token>/stop/", alerts_views.area_alert_stop, name="area_alert_stop"),
    path("follow/<str:token>/", alerts_views.follow_confirm, name="follow_confirm"),
    path("fixed/<uuid:token>/", questionnaire_views.questionnaire, name="questionnaire"),
    path("<str:reference>/", public_views.report_detail, name="report"),
    path("<str:reference>/follow/", alerts_views.follow, name="follow"),
    path("<str:reference>/photos/<int:photo_id>/", public_views.report_photo, name="photo"),
]

staff_urlpatterns = [
    path("<str:reference>/text/", moderation_views.moderate_text, name="moderate_text"),
    path("<str:reference>/photos/<int:photo_id>/", moderation_views.moderate_photo, name="moderate_photo"),
    path("<str:reference>/photos/<int:photo_id>/image/", moderation_views.photo, name="photo"),
]
