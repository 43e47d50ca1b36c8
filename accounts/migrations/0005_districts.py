"""Districts above communes (issue: the city): the District table, each commune's district (the
ones of the existing database are Mê Linh's, code 250, the text fields they carried), and the
years in which a commune or district existed."""

import django.core.validators
import django.db.models.deletion
from importlib import import_module

from django.db import migrations, models

reference = import_module("accounts.migrations.0002_reference_data")

MELINH = {"code": "250", "name": "Mê Linh", "kind": "huyen"}


def load(apps, schema_editor):
    """Mê Linh and its communes, each commune in the district its old text fields named (Mê
    Linh's code when empty). Also what the tests run to put the reference rows back with the
    current models (tests/conftest.py), hence update_or_create throughout."""
    District = apps.get_model("accounts", "District")
    Commune = apps.get_model("accounts", "Commune")
    Unit = apps.get_model("accounts", "Unit")
    melinh, _created = District.objects.update_or_create(
        code=MELINH["code"], defaults={"name": MELINH["name"], "kind": MELINH["kind"]})
    fields = {field.name for field in Commune._meta.get_fields()}
    for code, name, kind, _district_code, _district_name in reference.COMMUNES:
        Commune.objects.update_or_create(code=code, defaults={
            "name": name, "kind": kind, "district": melinh})
    if "district_code" in fields:  # the migration itself, on an existing database
        for commune in Commune.objects.filter(district__isnull=True):
            code = commune.district_code or MELINH["code"]
            district = District.objects.filter(code=code).first() or District.objects.create(
                code=code, name=commune.district_name or code, kind="huyen")
            commune.district = district
            commune.save(update_fields=["district"])
    # The units' district comes in 0008; the tests run this with the current models, where
    # a unit names its district.
    of_district = ({"district": melinh} if "district" in {f.name for f in Unit._meta.get_fields()}
                   else {})
    for position, (code, name) in enumerate(reference.UNITS, start=1):
        Unit.objects.update_or_create(code=code, **of_district,
                                      defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_enterprise_accounts")]

    operations = [
        migrations.CreateModel(
            name="District",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("first_year", models.PositiveSmallIntegerField(blank=True, null=True,
                                                                verbose_name="first year")),
                ("last_year", models.PositiveSmallIntegerField(blank=True, null=True,
                                                               verbose_name="last year")),
                ("code", models.CharField(max_length=3, unique=True, validators=[
                    django.core.validators.RegexValidator("^\\d{3}$",
                                                          "The code has exactly 3 digits.")],
                    verbose_name="code")),
                ("name", models.CharField(max_length=100, verbose_name="name")),
                ("kind", models.CharField(choices=[("quan", "urban district"),
                                                   ("huyen", "rural district"),
                                                   ("thi_xa", "district-level town")],
                                          default="huyen", max_length=10, verbose_name="kind")),
            ],
            options={"verbose_name": "district", "verbose_name_plural": "districts",
                     "ordering": ["code"]},
        ),
        migrations.AddField(
            model_name="commune", name="first_year",
            field=models.PositiveSmallIntegerField(blank=True, null=True,
                                                   verbose_name="first year"),
        ),
        migrations.AddField(
            model_name="commune", name="last_year",
            field=models.PositiveSmallIntegerField(blank=True, null=True,
                                                   verbose_name="last year"),
        ),
        migrations.AlterField(
            model_name="commune", name="kind",
            field=models.CharField(choices=[("xa", "commune"), ("thi_tran", "town"),
                                            ("phuong", "ward")],
                                   default="xa", max_length=10, verbose_name="kind"),
        ),
        migrations.AddField(
            model_name="commune", name="district",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="communes", to="accounts.district",
                                    verbose_name="district"),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
