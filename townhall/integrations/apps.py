from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "townhall.integrations"
    verbose_name = "Integrations"
