"""A status change's reason is the officer's, for staff only: move it from the public
event's text (where earlier versions kept it) to its data."""

from django.db import migrations

BATCH = 1000


def _move(apps, *, to_data: bool) -> None:
    CaseEvent = apps.get_model("cases", "CaseEvent")
    events = CaseEvent.objects.filter(kind="status_changed")
    events = events.exclude(text="") if to_data else events.filter(data__has_key="reason")
    batch = []
    for event in events.iterator(chunk_size=BATCH):
        if to_data:
            event.data = {**event.data, "reason": event.text}
            event.text = ""
        else:
            event.text = event.data.pop("reason")
        batch.append(event)
        if len(batch) == BATCH:
            CaseEvent.objects.bulk_update(batch, ["text", "data"])
            batch = []
    CaseEvent.objects.bulk_update(batch, ["text", "data"])


def reasons_to_data(apps, schema_editor):
    _move(apps, to_data=True)


def reasons_to_text(apps, schema_editor):
    _move(apps, to_data=False)


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_case_has_new_message")]

    operations = [migrations.RunPython(reasons_to_data, reasons_to_text)]
