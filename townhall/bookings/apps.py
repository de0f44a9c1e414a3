from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "townhall.bookings"
    verbose_name = "Bookings"
