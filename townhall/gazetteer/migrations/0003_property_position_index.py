"""Properties by position, so the address nearest a point on the map is found by reading a
small box of the index, not every property."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("gazetteer", "0002_trigram_address_search"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="property",
            index=models.Index(fields=["latitude", "longitude"], name="property_position_idx"),
        ),
    ]
