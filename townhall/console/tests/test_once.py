"""The one-time keys of console forms acted on: kept long enough to catch a repeat, then forgotten."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from townhall.console import once, tasks
from townhall.console.models import SubmittedForm

pytestmark = pytest.mark.django_db


def submitted(user, *, ago: dt.timedelta) -> SubmittedForm:
    return SubmittedForm.objects.create(key=uuid.uuid4(), user=user, submitted_at=timezone.now() - ago)


def test_keys_older_than_two_days_are_purged_and_newer_ones_kept(agent):
    submitted(agent, ago=dt.timedelta(days=2, minutes=1))
    recent = submitted(agent, ago=dt.timedelta(days=1, hours=23))

    assert once.purge_submitted_forms() == 1
    assert list(SubmittedForm.objects.all()) == [recent]


def test_the_hourly_task_purges_old_keys(agent, settings):
    submitted(agent, ago=dt.timedelta(days=3))

    assert tasks.purge_submitted_forms.delay().get() == 1
    assert not SubmittedForm.objects.exists()
    assert settings.CELERY_BEAT_SCHEDULE["purge-submitted-forms"] == {
        "task": "townhall.console.tasks.purge_submitted_forms",
        "schedule": 60 * 60.0,
    }
