from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "townhall.console"
    verbose_name = "Console"
