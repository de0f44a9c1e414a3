"""Liveness and readiness probes for load balancers and orchestrators, and the site icon
that browsers ask for at the root."""

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponseRedirect, JsonResponse
from django.templatetags.static import static
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache
from kombu import Connection


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and answering."""
    return JsonResponse({"status": "ok"})


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:  # noqa: BLE001 - any failure means not ready
        return False


def _queue_ok() -> bool:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as broker:
            broker.ensure_connection(max_retries=1)
        return True
    except Exception:  # noqa: BLE001 - any failure means not ready
        return False


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """The database and the task queue are reachable; 503 names what is not."""
    checks = {"database": _database_ok(), "queue": _queue_ok()}
    ready = all(checks.values())
    return JsonResponse(
        {
            "status": "ok" if ready else "unavailable",
            "checks": {k: "ok" if v else "failing" for k, v in checks.items()},
        },
        status=200 if ready else 503,
    )


def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """/favicon.ico, which browsers and feed readers fetch without being told, is the static
    icon. A temporary redirect cached for a day: a permanent one would pin browsers to
    today's hashed file name, which the next release's collectstatic may replace."""
    response = HttpResponseRedirect(static("townhall/icons/favicon.ico"))
    patch_cache_control(response, public=True, max_age=24 * 60 * 60)
    return response
