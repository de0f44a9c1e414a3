"""The built-in waste back office, used by the demo and the tests: it keeps every event it
receives (`WasteBackOfficeEvent`, once per key) and answers "data in" from Townhall's own
rounds and crew records. `WASTE_BACKOFFICE_OUTAGE=true` makes it refuse events, to show
that nothing is lost while a back office is down."""

import datetime as dt
import logging

from django.conf import settings
from django.db.models import F
from django.utils.dateparse import parse_datetime

from townhall.waste.backoffice import (
    BackOfficeUnavailable,
    CrewRecordData,
    RoundData,
    WasteBackOffice,
    WasteEvent,
)
from townhall.waste.models import CrewRecord, PropertyRound, Round, WasteBackOfficeEvent

logger = logging.getLogger(__name__)


class BuiltinBackOffice(WasteBackOffice):
    name = "builtin"

    def send_event(self, event: WasteEvent) -> None:
        if settings.WASTE_BACKOFFICE_OUTAGE:
            raise BackOfficeUnavailable("The built-in waste back office is switched off (WASTE_BACKOFFICE_OUTAGE).")
        received, created = WasteBackOfficeEvent.objects.get_or_create(
            key=event.key,
            defaults={
                "topic": event.topic,
                "case_reference": event.case_reference,
                "occurred_at": parse_datetime(event.occurred_at),
                "data": event.data,
            },
        )
        if not created:  # a repeat delivery: already done
            WasteBackOfficeEvent.objects.filter(pk=received.pk).update(deliveries=F("deliveries") + 1)
        logger.info("Waste back office received %s%s", event.key, "" if created else " again (ignored)")

    def rounds(self) -> list[RoundData]:
        return [
            RoundData(
                code=r.code,
                name=r.name,
                stream=r.stream,
                weekday=r.weekday,
                frequency_weeks=r.frequency_weeks,
                anchor_date=r.anchor_date,
                area=r.area,
                active=r.active,
            )
            for r in Round.objects.order_by("code")
        ]

    def round_properties(self, code: str) -> list[int]:
        return list(
            PropertyRound.objects.filter(round__code=code)
            .order_by("property__uprn")
            .values_list("property__uprn", flat=True)
        )

    def crew_records(self, *, day: dt.date) -> list[CrewRecordData]:
        records = (
            CrewRecord.objects.filter(date=day).select_related("round", "property", "street").order_by("recorded_at")
        )
        return [
            CrewRecordData(
                round_code=record.round.code,
                date=record.date,
                uprn=record.property.uprn if record.property else None,
                usrn=record.street.usrn if record.street else None,
                outcome=record.outcome,
                note=record.note,
                recorded_at=record.recorded_at,
            )
            for record in records
        ]
