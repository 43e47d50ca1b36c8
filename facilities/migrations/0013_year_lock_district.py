"""A year is locked in one district (issue 16): unique (district, year) instead of the year
alone; the existing locks and their log are Mê Linh's (code 250, accounts 0005), else the only
district's.

Not atomic as a whole: PostgreSQL alters a table only once the rows updated in the same
transaction have been checked, so the data step commits before the columns become required."""

import django.db.models.deletion
from django.db import migrations, models

MELINH = "250"


def fill(apps, schema_editor):
    District = apps.get_model("accounts", "District")
    YearLock = apps.get_model("facilities", "YearLock")
    YearLockEvent = apps.get_model("facilities", "YearLockEvent")
    if not (YearLock.objects.filter(district__isnull=True).exists()
            or YearLockEvent.objects.filter(district__isnull=True).exists()):
        return
    district = District.objects.filter(code=MELINH).first()
    if district is None:
        only = list(District.objects.all()[:2])
        if len(only) != 1:
            raise RuntimeError("year locks without a district, and no Mê Linh (250) nor a "
                               "single district to give them")
        district = only[0]
    YearLock.objects.filter(district__isnull=True).update(district=district)
    YearLockEvent.objects.filter(district__isnull=True).update(district=district)


def district(null: bool, related_name: str):
    return models.ForeignKey(null=null, on_delete=django.db.models.deletion.PROTECT,
                             related_name=related_name, to="accounts.district",
                             verbose_name="district")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("accounts", "0006_commune_district_required"),
        ("facilities", "0012_year_lock_waiting"),
    ]

    operations = [
        migrations.AddField(model_name="yearlock", name="district",
                            field=district(True, "year_locks")),
        migrations.AddField(model_name="yearlockevent", name="district",
                            field=district(True, "year_lock_events")),
        migrations.RunPython(fill, migrations.RunPython.noop, atomic=True),
        migrations.AlterField(model_name="yearlock", name="district",
                              field=district(False, "year_locks")),
        migrations.AlterField(model_name="yearlockevent", name="district",
                              field=district(False, "year_lock_events")),
        migrations.AlterField(model_name="yearlock", name="year",
                              field=models.PositiveSmallIntegerField(verbose_name="year")),
        migrations.AlterModelOptions(
            name="yearlock",
            options={"ordering": ["-year", "district"], "verbose_name": "locked year",
                     "verbose_name_plural": "locked years"},
        ),
        migrations.AddConstraint(
            model_name="yearlock",
            constraint=models.UniqueConstraint(fields=("district", "year"),
                                               name="year_lock_once_a_district"),
        ),
    ]
