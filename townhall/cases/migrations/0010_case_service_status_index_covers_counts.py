from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_case_submitted_index"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="case",
            name="cases_case_service_c13abd_idx",
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["service", "status", "is_closed", "id"], name="case_service_status_idx"),
        ),
    ]
