from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The fictional Borough of Wexmoor: data to try Townhall with. Nothing imports it."""

    name = "townhall.demo"
    verbose_name = "Demo borough"
