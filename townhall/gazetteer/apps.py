from django.apps import AppConfig


class GazetteerConfig(AppConfig):
    name = "townhall.gazetteer"
    verbose_name = "Gazetteer"
