from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "townhall.customers"
    verbose_name = "Customers"

    def ready(self) -> None:
        from allauth.account.signals import email_confirmed, user_logged_in

        from townhall.customers.receivers import link_verified_account

        email_confirmed.connect(link_verified_account, dispatch_uid="customers.link_on_confirm")
        user_logged_in.connect(link_verified_account, dispatch_uid="customers.link_on_login")
