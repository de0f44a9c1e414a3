from django.apps import AppConfig


class StreetcareConfig(AppConfig):
    name = "townhall.streetcare"
    verbose_name = "Street reporting"
