"""The append-only audit log: every write, and every view of a restricted record."""

from contextvars import ContextVar
from typing import Any

from django.db import models

from townhall.core.models import AuditEvent
from townhall.core.network import client_ip

# Set per request by AuditContextMiddleware, so services can say "from where"
# without taking the request as an argument.
current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)


def record(*, actor: Any, action: str, target: models.Model | None = None, data: dict | None = None) -> AuditEvent:
    """Write one audit event. `actor` is a user, or None for the system or an anonymous resident."""
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor=actor if authenticated else None,
        actor_label=str(actor) if authenticated else "anonymous or system",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data or {},
        ip_address=current_ip.get(),
    )


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)
