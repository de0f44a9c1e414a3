"""Trigram index for the console's customer search by part of a name, on PostgreSQL (the
demo's SQLite scans). customers.selectors.search_customers matches each word with
`name__icontains`, which PostgreSQL runs as `UPPER(name::text) LIKE UPPER(...)`: this is
that expression. Email, phone and postcode are matched whole, by their b-tree indexes."""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS customers_customer_name_trgm "
    "ON customers_customer USING gin (upper(name) gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS customers_customer_name_trgm"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_customers_contacts_alerts")]

    operations = [migrations.RunPython(run(CREATE), run(DROP))]
