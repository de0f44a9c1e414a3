"""Trigram index for free-text address search, on PostgreSQL (the demo's SQLite scans)."""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS gazetteer_property_single_line_trgm "
    "ON gazetteer_property USING gin (upper(single_line) gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS gazetteer_property_single_line_trgm"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("gazetteer", "0001_wards_streets_properties")]

    operations = [migrations.RunPython(run(CREATE), run(DROP))]
