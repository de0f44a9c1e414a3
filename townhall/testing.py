"""Loaded by pytest before Django (see `addopts` in pyproject.toml) to fix the test environment.

The suite runs on PostgreSQL, never on the demo's SQLite; tasks run inline; static
files are served unhashed so no collectstatic is needed.
"""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/townhall")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("TOWNHALL_DEMO", "true")
