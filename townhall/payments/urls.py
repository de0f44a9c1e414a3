from django.urls import path

from townhall.payments import views

app_name = "payments"

urlpatterns = [
    path("return/<str:token>/", views.payment_return, name="return"),
    path("webhooks/<slug:provider_name>/", views.webhook, name="webhook"),
    path("sandbox/<str:token>/", views.sandbox_page, name="sandbox_page"),
]
