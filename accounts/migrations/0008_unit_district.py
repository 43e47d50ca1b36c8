"""Each implementing unit is one district's (issue 16): the existing ones are Mê Linh's (code
250, 0005), else the only district's.

Not atomic as a whole: PostgreSQL alters a table only once the rows updated in the same
transaction have been checked, so the data step commits before the column becomes required."""

import django.db.models.deletion
from django.db import migrations, models

MELINH = "250"


def fill(apps, schema_editor):
    District = apps.get_model("accounts", "District")
    Unit = apps.get_model("accounts", "Unit")
    if not Unit.objects.filter(district__isnull=True).exists():
        return
    district = District.objects.filter(code=MELINH).first()
    if district is None:
        only = list(District.objects.all()[:2])
        if len(only) != 1:
            raise RuntimeError("implementing units without a district, and no Mê Linh (250) "
                               "nor a single district to give them")
        district = only[0]
    Unit.objects.filter(district__isnull=True).update(district=district)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("accounts", "0007_user_district")]

    operations = [
        migrations.AddField(
            model_name="unit", name="district",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="units", to="accounts.district",
                                    verbose_name="district"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, atomic=True),
        migrations.AlterField(
            model_name="unit", name="district",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                    related_name="units", to="accounts.district",
                                    verbose_name="district"),
        ),
    ]
