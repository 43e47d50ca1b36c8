"""Every report in one district (0008 gave each existing report its district). A migration of its
own: PostgreSQL alters a table only once the rows updated in the same transaction have been
checked."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("reports", "0008_plan_and_report_district")]

    operations = [
        migrations.AlterField(
            model_name="report", name="district",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                    related_name="reports", to="accounts.district",
                                    verbose_name="district"),
        ),
    ]
