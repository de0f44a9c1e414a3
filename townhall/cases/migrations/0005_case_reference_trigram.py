"""Trigram index for finding a case by part of its reference in the console's queue, on
PostgreSQL (the demo's SQLite scans). It indexes exactly what console.selectors matches a
part against: the reference without its hyphens, so a part may run across one."""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS cases_case_reference_trgm "
    "ON cases_case USING gin (replace(reference, '-', '') gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS cases_case_reference_trgm"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_status_change_reasons_internal")]

    operations = [migrations.RunPython(run(CREATE), run(DROP))]
