import datetime as dt

import pytest
import requests
from django.core.management import CommandError, call_command

from townhall.core import calendar
from townhall.core.models import Holiday

pytestmark = pytest.mark.django_db

FEED = {
    "england-and-wales": {
        "division": "england-and-wales",
        "events": [
            {"title": "Christmas Day", "date": "2026-12-25", "notes": "", "bunting": True},
            {"title": "A one-off national holiday", "date": "2029-06-04", "notes": "", "bunting": True},
        ],
    }
}


class FakeResponse:
    def raise_for_status(self):
        return None

    def json(self):
        return FEED


def test_refresh_adds_only_holidays_not_already_known(monkeypatch, capsys):
    monkeypatch.setattr(requests, "get", lambda *a, **kw: FakeResponse())
    calendar.forget_cached_holidays()

    call_command("refresh_bank_holidays")

    assert list(Holiday.objects.values_list("date", flat=True)) == [dt.date(2029, 6, 4)]
    assert "1 new bank holiday" in capsys.readouterr().out
    calendar.forget_cached_holidays()
    assert not calendar.is_working_day(dt.date(2029, 6, 4))
    calendar.forget_cached_holidays()


def test_refresh_fails_loudly_when_the_list_cannot_be_fetched(monkeypatch):
    def offline(*args, **kwargs):
        raise requests.ConnectionError("no network")

    monkeypatch.setattr(requests, "get", offline)

    with pytest.raises(CommandError, match="Could not read"):
        call_command("refresh_bank_holidays")
    assert not Holiday.objects.exists()
