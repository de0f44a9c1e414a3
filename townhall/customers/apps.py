from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "townhall.customers"
    verbose_name = "Customers"
