from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "townhall.catalogue"
    verbose_name = "Catalogue"
