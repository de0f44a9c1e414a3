"""Every case event is shared out once, after commit, in order per case."""

import pytest
from django.db import transaction

from townhall.cases import services as case_services
from townhall.cases.models import EventKind
from townhall.core.models import OutboxMessage
from townhall.integrations.fanout import fan_out_case_event
from townhall.integrations.models import WebhookSubscriber

pytestmark = pytest.mark.django_db


def test_every_timeline_event_queues_one_case_event_message_with_ids_and_kind_only(report):
    case = report()
    case_services.add_note(case=case, text="Checked the photos", by=None)
    case_services.receive_message(case=case, text="Any news?")

    messages = OutboxMessage.objects.filter(topic="case_event").order_by("id")
    events = list(case.events.order_by("id"))
    assert [m.key for m in messages] == [f"case-event:{event.pk}" for event in events]
    assert {m.ordering_key for m in messages} == {f"case:{case.pk}"}
    assert [m.payload for m in messages] == [
        {"event_id": event.pk, "case_id": case.pk, "kind": event.kind} for event in events
    ]
    assert events[-1].kind == EventKind.MESSAGE_IN
    assert events[-1].actor_label == "Rosa Mae Resident"  # the resident, though not signed in


def test_an_event_that_is_rolled_back_queues_nothing(report):
    case = report()
    before = OutboxMessage.objects.count()

    with pytest.raises(RuntimeError), transaction.atomic():
        case_services.add_note(case=case, text="Never kept", by=None)
        raise RuntimeError

    assert OutboxMessage.objects.count() == before


def test_sharing_out_an_event_again_queues_no_delivery_twice(route, report):
    WebhookSubscriber.objects.create(
        name="Dashboard", url="https://example.org/e", secret="s", event_kinds=["submitted"]
    )
    case = report()
    message = OutboxMessage.objects.get(topic="case_event", payload__kind="submitted")

    fan_out_case_event(message.payload, message.key)
    fan_out_case_event(message.payload, message.key)

    deliveries = OutboxMessage.objects.exclude(topic__in=["case_event", "email"])
    assert sorted((m.topic, m.ordering_key) for m in deliveries) == [
        ("backoffice_send", f"backoffice:{route.endpoint_id}:case:{case.pk}"),
        ("webhook", f"webhook:{WebhookSubscriber.objects.get().pk}:case:{case.pk}"),
    ]
