"""Case events, shared out to every receiver that wants them (issue 5, item 6).

`cases` writes every timeline event with one outbox message (topic "case_event", ordered
per case) and knows nothing of who listens. This handler, run by the relay after
commit, turns it into one delivery per receiver: a webhook per subscriber that asked for
the event, a send or update per back office the case is routed to. Each delivery has
its own key and is ordered per receiver and case, so a receiver that is down holds up
only its own deliveries, and each receiver gets a case's events in order.
"""

from townhall.cases.models import CaseEvent
from townhall.integrations import backoffice, webhooks


def fan_out_case_event(payload: dict, delivery_key: str) -> None:
    """Outbox handler (topic case_event). Queuing is idempotent (each delivery's key), so a
    repeat of this message queues nothing twice."""
    event = CaseEvent.objects.select_related("case").filter(pk=payload["event_id"]).first()
    if event is None:
        return  # the case was deleted (retention) before its events were shared out
    webhooks.queue_deliveries(event)
    backoffice.queue_deliveries(event)
