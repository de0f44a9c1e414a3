from django.apps import AppConfig


class WasteConfig(AppConfig):
    name = "townhall.waste"
    verbose_name = "Waste"

    def ready(self) -> None:
        # The service modules register their pricing and refund rules, their `case_paid`
        # receivers and their Celery tasks on import: the web and the worker need them all.
        from townhall.payments.services import case_paid
        from townhall.waste import bulky, bulky_changes, bulky_tasks, containers, garden_tasks  # noqa: F401
        from townhall.waste.garden import services as garden_services

        case_paid.connect(garden_services.on_case_paid, dispatch_uid="waste.garden.case_paid")
