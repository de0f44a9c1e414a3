from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "townhall.portal"
    verbose_name = "Portal"
