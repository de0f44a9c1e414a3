"""A case's timeline in words: what each status or priority change went from and to, and why."""

from django.utils.translation import gettext as _

from townhall.cases.models import CaseEvent, EventKind, Priority
from townhall.catalogue.models import Channel, Service


def described(events, service: Service, *, with_reasons: bool = True) -> list[CaseEvent]:
    """The events, each with a `summary` line (blank where its text says it all) and the
    `reason` an officer gave for a status change. The reason is for staff only: pages that
    show what the resident sees pass `with_reasons=False`."""
    events = list(events)
    for event in events:
        event.summary = ""
        event.reason = event.data.get("reason", "") if with_reasons else ""
        if event.kind in (EventKind.STATUS_CHANGED, EventKind.REOPENED):
            event.summary = _("From “%(from)s” to “%(to)s”") % {
                "from": service.staff_state_label(event.from_status),
                "to": service.staff_state_label(event.to_status),
            }
        elif event.kind == EventKind.PRIORITY_CHANGED:
            event.summary = _("From %(from)s to %(to)s") % {
                "from": _label(Priority, event.data.get("from")),
                "to": _label(Priority, event.data.get("to")),
            }
        elif event.kind == EventKind.SUBMITTED and event.data.get("channel"):
            event.summary = _("Channel: %(channel)s") % {"channel": _label(Channel, event.data["channel"])}
    return events


def _label(choices, value) -> str:
    return str(choices(value).label) if value in choices.values else str(value or "")
