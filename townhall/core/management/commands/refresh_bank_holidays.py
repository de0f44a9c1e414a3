import datetime as dt

import requests
from django.core.management.base import BaseCommand, CommandError
from govuk_bank_holidays.bank_holidays import BankHolidays

from townhall.core.services import add_holidays


def fetch_england_and_wales() -> list[tuple[dt.date, str]]:
    """GOV.UK's current list. Unlike the library's loader, a failure is an error, not a
    silent fall back to the bundled copy."""
    try:
        response = requests.get(BankHolidays.source_url, timeout=15)
        response.raise_for_status()
        events = response.json()[BankHolidays.ENGLAND_AND_WALES]["events"]
        return [(dt.date.fromisoformat(event["date"]), event["title"]) for event in events]
    except (requests.RequestException, ValueError, KeyError) as exc:
        raise CommandError(f"Could not read the GOV.UK bank holidays list: {exc}") from exc


class Command(BaseCommand):
    help = "Add England and Wales bank holidays announced since this release, from the GOV.UK list."

    def handle(self, *args, **options):
        added = add_holidays(holidays=fetch_england_and_wales(), source="govuk")
        self.stdout.write(f"{added} new bank holiday(s) added.")
