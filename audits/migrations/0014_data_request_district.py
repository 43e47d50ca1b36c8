"""Each data request is one district's (issue 16): the existing ones are Mê Linh's (code 250,
accounts 0005), else the only district's.

Not atomic as a whole: PostgreSQL alters a table only once the rows updated in the same
transaction have been checked, so the data step commits before the column becomes required."""

import django.db.models.deletion
from django.db import migrations, models

MELINH = "250"


def fill(apps, schema_editor):
    District = apps.get_model("accounts", "District")
    DataRequest = apps.get_model("audits", "DataRequest")
    if not DataRequest.objects.filter(district__isnull=True).exists():
        return
    district = District.objects.filter(code=MELINH).first()
    if district is None:
        only = list(District.objects.all()[:2])
        if len(only) != 1:
            raise RuntimeError("data requests without a district, and no Mê Linh (250) nor a "
                               "single district to give them")
        district = only[0]
    DataRequest.objects.filter(district__isnull=True).update(district=district)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("accounts", "0006_commune_district_required"),
        ("audits", "0013_submission_baseline"),
    ]

    operations = [
        migrations.AddField(
            model_name="datarequest", name="district",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="data_requests", to="accounts.district",
                                    verbose_name="district"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, atomic=True),
        migrations.AlterField(
            model_name="datarequest", name="district",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                    related_name="data_requests", to="accounts.district",
                                    verbose_name="district"),
        ),
    ]
