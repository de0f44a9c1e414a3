from django.apps import AppConfig


class WasteConfig(AppConfig):
    name = "townhall.waste"
    verbose_name = "Waste"

    def ready(self) -> None:
        # The service modules register their pricing and refund rules, their `case_paid`
        # receivers and their Celery tasks on import: the web and the worker need them all.
        # The services with pages of their own are registered with the catalogue, and a
        # missed bin follows its case's status (the back office hears when it is resolved).
        from townhall.cases.services import case_status_changed
        from townhall.payments.services import case_paid
        from townhall.waste import bulky, bulky_changes, bulky_tasks, containers, garden_tasks, journeys, missed  # noqa: F401
        from townhall.waste.garden import services as garden_services

        case_paid.connect(garden_services.on_case_paid, dispatch_uid="waste.garden.case_paid")
        case_status_changed.connect(missed.on_case_status_changed, dispatch_uid="waste.missed.status_changed")
        journeys.register()
