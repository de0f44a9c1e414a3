from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "townhall.core"
    verbose_name = "Core"
