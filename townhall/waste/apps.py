from django.apps import AppConfig


class WasteConfig(AppConfig):
    name = "townhall.waste"
    verbose_name = "Waste"
