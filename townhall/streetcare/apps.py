from django.apps import AppConfig


class StreetcareConfig(AppConfig):
    name = "townhall.streetcare"
    verbose_name = "Street reporting"

    def ready(self) -> None:
        # Celery finds only `tasks` modules by itself: the worker needs these imported too.
        from townhall.catalogue.journeys import register_journey_finder
        from townhall.streetcare import alerts_tasks, questionnaire_tasks  # noqa: F401
        from townhall.streetcare.selectors import report_journey_for

        # A category's start page, and the console's "raise a request", lead to the map.
        register_journey_finder(report_journey_for)
