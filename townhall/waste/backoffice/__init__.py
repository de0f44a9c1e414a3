"""The waste back office: what Townhall tells the council's waste system, and what it reads
from it (issue 4, item 7).

A council runs its crews from a back-office system. Townhall talks to it through one
interface, `WasteBackOffice`, chosen by the `WASTE_BACKOFFICE` setting (the dotted path of
a class): a module per vendor beside `builtin.py`, never `if council == ...`.

Events out (a bulky booking made, changed or cancelled, a new container job, a missed bin
reported or resolved, an assisted collection approved or ended) never call the back office
from a request. The service that makes the change calls `send_waste_event(topic, payload,
case=case)` inside its transaction; the event commits with the change into the outbox
(topic "waste_event"), one key per event and in order per case, and the relay hands it to
`deliver_waste_event`, which calls the configured back office. If the back office is down
the handler raises and the outbox retries with back-off: nothing is lost, and a repeat
delivery carries the same key, so the back office can ignore it.

Data in (rounds and crew records) is read through the same interface; the built-in
implementation reads Townhall's own.
"""

import datetime as dt
import json
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.module_loading import import_string

from townhall.core import outbox

if TYPE_CHECKING:
    from townhall.cases.models import Case
    from townhall.core.models import OutboxMessage

OUTBOX_TOPIC = "waste_event"


class WasteTopic:
    """The events a waste back office receives."""

    BULKY_BOOKED = "bulky_booking.created"
    BULKY_CHANGED = "bulky_booking.changed"
    BULKY_CANCELLED = "bulky_booking.cancelled"
    CONTAINER_JOB = "container_job.created"
    MISSED_BIN = "missed_bin.reported"
    MISSED_BIN_RESOLVED = "missed_bin.resolved"
    ASSISTED_APPROVED = "assisted_collection.approved"
    ASSISTED_ENDED = "assisted_collection.ended"


TOPICS = frozenset(value for name, value in vars(WasteTopic).items() if name.isupper())


class BackOfficeUnavailable(Exception):
    """The back office cannot be reached: the outbox tries again later."""


@dataclass(frozen=True)
class WasteEvent:
    topic: str
    key: str  # unique to this event: a repeat delivery has the same key
    case_reference: str
    occurred_at: str  # ISO 8601
    data: dict


@dataclass(frozen=True)
class RoundData:
    code: str
    name: str
    stream: str
    weekday: int  # 0 Monday
    frequency_weeks: int
    anchor_date: dt.date
    area: str
    active: bool


@dataclass(frozen=True)
class CrewRecordData:
    round_code: str
    date: dt.date
    uprn: int | None
    usrn: int | None
    outcome: str
    note: str
    recorded_at: dt.datetime


class WasteBackOffice(ABC):
    """What a waste back-office adapter does. Adapters are built with no arguments and read
    their own settings; `send_event` must ignore an event whose key it has seen already."""

    name: str = ""

    @abstractmethod
    def send_event(self, event: WasteEvent) -> None:
        """Pass one event on. Raise BackOfficeUnavailable (or anything) to have it retried."""

    @abstractmethod
    def rounds(self) -> list[RoundData]:
        """Every collection round the back office knows."""

    @abstractmethod
    def round_properties(self, code: str) -> list[int]:
        """The UPRNs of the properties on a round."""

    @abstractmethod
    def crew_records(self, *, day: dt.date) -> list[CrewRecordData]:
        """What the crews recorded on one day."""


def get_backoffice() -> WasteBackOffice:
    """The back office named by `settings.WASTE_BACKOFFICE`."""
    return import_string(settings.WASTE_BACKOFFICE)()


def send_waste_event(topic: str, payload: dict, *, case: "Case", key: str = "") -> "OutboxMessage":
    """Queue an event for the waste back office, inside the caller's transaction.

    `payload` is the event's data (dates and datetimes are written as ISO strings). The
    event's key is the topic and the case's reference, plus `key` for a case with more than
    one event of a topic (an amended booking, say): queuing the same event twice queues it
    once. Events of one case go out in the order they were queued.
    """
    if topic not in TOPICS:
        raise ValueError(f"Unknown waste event topic {topic!r}")
    event_key = ":".join(filter(None, [topic, case.reference, key]))
    data = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    return outbox.enqueue(
        topic=OUTBOX_TOPIC,
        payload={
            "topic": topic,
            "key": event_key,
            "case_reference": case.reference,
            "occurred_at": timezone.now().isoformat(),
            "data": data,
        },
        key=f"waste:{event_key}",
        ordering_key=f"waste:{case.reference}",
    )


def deliver_waste_event(payload: dict, delivery_key: str) -> None:
    """Outbox handler (settings.OUTBOX_HANDLERS["waste_event"]): hand the event to the back
    office. Whatever it raises leaves the message for a retry."""
    get_backoffice().send_event(WasteEvent(**payload))
