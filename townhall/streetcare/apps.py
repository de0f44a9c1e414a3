from django.apps import AppConfig


class StreetcareConfig(AppConfig):
    name = "townhall.streetcare"
    verbose_name = "Street reporting"

    def ready(self) -> None:
        # Celery finds only `tasks` modules by itself: the worker needs these imported too.
        from townhall.streetcare import alerts_tasks, questionnaire_tasks  # noqa: F401
