from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "townhall.payments"
    verbose_name = "Payments"
