"""The Celery application: the worker and beat for every background job."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "townhall.settings")

app = Celery("townhall")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
