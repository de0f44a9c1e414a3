from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "townhall.api"
    verbose_name = "REST API"

    def ready(self) -> None:
        # Registers how the schema describes API keys.
        from townhall.api import schema  # noqa: F401
