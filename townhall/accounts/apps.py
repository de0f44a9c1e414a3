from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "townhall.accounts"
    verbose_name = "Accounts"
