from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "townhall.payments"
    verbose_name = "Payments"

    def ready(self) -> None:
        from townhall.payments import checks  # noqa: F401 - registers the deployment checks
