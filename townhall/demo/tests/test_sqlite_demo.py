"""The embedded demo runs on SQLite (`make run`), which the rest of the suite never touches:
build a small borough there and read the busiest pages, so that a query only PostgreSQL can
run fails here rather than in a council's first try of the demo."""

import os
import subprocess
import sys
import textwrap

PAGES_SCRIPT = textwrap.dedent(
    """
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from townhall.accounts.models import User
    from townhall.demo.builder import build_demo
    from townhall.streetcare.models import StreetReport

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    build_demo(sizes={"properties": 300, "customers": 20, "cases": 60, "contacts": 10})
    report = StreetReport.objects.filter(public=True).select_related("case").first()
    public = [
        "/", "/services/", "/bins/", "/report/", "/reports/", "/reports/?status=fixed",
        "/reports/map.json", f"/reports/{report.case.reference}/",
        "/open311/v2/services.json", "/open311/v2/requests.json", "/open311/v2/requests.xml",
    ]
    staff = ["/staff/", "/staff/queues/", "/staff/customers/?q=smith", "/staff/outbox/",
             f"/staff/cases/{report.case.reference}/"]
    client = Client()
    failed = [url for url in public if client.get(url).status_code != 200]
    client.force_login(User.objects.get(email="manager@wexmoor.example"))
    failed += [url for url in staff if client.get(url).status_code != 200]
    assert not failed, f"Not 200 on SQLite: {failed}"
    """
)


def test_the_demo_borough_builds_and_its_busiest_pages_answer_on_sqlite(tmp_path):
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "townhall.settings",
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter running our own script
        [sys.executable, "-c", PAGES_SCRIPT], env=env, capture_output=True, text=True, timeout=600, check=False
    )

    assert result.returncode == 0, result.stderr[-3000:]
