"""Every commune in one district (0005 gave each existing commune its district); the text fields
that named the district go. A migration of its own: PostgreSQL alters a table only once the
rows updated in the same transaction have been checked."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_districts")]

    operations = [
        migrations.RemoveField(model_name="commune", name="district_code"),
        migrations.RemoveField(model_name="commune", name="district_name"),
        migrations.AlterField(
            model_name="commune", name="district",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                    related_name="communes", to="accounts.district",
                                    verbose_name="district"),
        ),
    ]
