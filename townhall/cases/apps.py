from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "townhall.cases"
    verbose_name = "Cases"
