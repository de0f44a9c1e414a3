"""Give the default "waiting for the resident" state a label for staff, so the console
stops telling officers "Waiting for your reply"."""

from django.db import migrations

RESIDENT_LABEL = "Waiting for your reply"
STAFF_LABEL = "Waiting for the resident"


def add_staff_labels(apps, schema_editor):
    Service = apps.get_model("catalogue", "Service")
    for service in Service.objects.all():
        changed = False
        for state in service.workflow:
            if state.get("label") == RESIDENT_LABEL and not state.get("staff_label"):
                state["staff_label"] = STAFF_LABEL
                changed = True
        if changed:
            service.save(update_fields=["workflow"])


def remove_staff_labels(apps, schema_editor):
    Service = apps.get_model("catalogue", "Service")
    for service in Service.objects.all():
        changed = False
        for state in service.workflow:
            if state.get("staff_label") == STAFF_LABEL:
                del state["staff_label"]
                changed = True
        if changed:
            service.save(update_fields=["workflow"])


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0002_form_definition_revision")]

    operations = [migrations.RunPython(add_staff_labels, remove_staff_labels)]
