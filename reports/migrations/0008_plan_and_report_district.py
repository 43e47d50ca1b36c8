"""Plans and reports belong to a district (issue 16: the city). A plan's district is empty for the
city's plan (1048/KH-SCT), under which each district's plan of its year stands (`parent`); one
plan per district and year, and one city plan per year. The existing plans and reports are Mê
Linh's (code 250, made by accounts 0005), else the only district's.

The schema comes first and the data step last: PostgreSQL alters a table only once the rows
updated in the same transaction have been checked. The report's district becomes required in
0009, a transaction of its own."""

import django.db.models.deletion
from django.db import migrations, models

MELINH = "250"


def assign(apps, schema_editor):
    District = apps.get_model("accounts", "District")
    Plan = apps.get_model("reports", "Plan")
    Report = apps.get_model("reports", "Report")
    district = District.objects.filter(code=MELINH).first()
    if district is None:
        only = list(District.objects.all()[:2])
        district = only[0] if len(only) == 1 else None
    if district is None:
        if Plan.objects.exists() or Report.objects.exists():
            raise RuntimeError("plans and reports: no district to give them (several districts "
                               "and no Mê Linh)")
        return
    Plan.objects.filter(district__isnull=True).update(district=district)
    for report in Report.objects.filter(district__isnull=True).select_related("commune"):
        report.district_id = report.commune.district_id if report.commune_id else district.pk
        report.save(update_fields=["district"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_districts"),
        ("reports", "0007_merge_0006_report_signer_0006_vietnamese_labels"),
    ]

    operations = [
        migrations.AddField(
            model_name="plan", name="district",
            field=models.ForeignKey(blank=True, help_text="Empty for the city's plan.", null=True,
                                    on_delete=django.db.models.deletion.PROTECT,
                                    related_name="plans", to="accounts.district",
                                    verbose_name="district"),
        ),
        migrations.AddField(
            model_name="plan", name="parent",
            field=models.ForeignKey(blank=True, limit_choices_to={"district__isnull": True},
                                    null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="district_plans", to="reports.plan",
                                    verbose_name="city plan"),
        ),
        migrations.AddField(
            model_name="report", name="district",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="reports", to="accounts.district",
                                    verbose_name="district"),
        ),
        migrations.AlterField(
            model_name="plan", name="year",
            field=models.PositiveSmallIntegerField(verbose_name="plan year"),
        ),
        migrations.AddConstraint(
            model_name="plan",
            constraint=models.UniqueConstraint(fields=("district", "year"),
                                               name="plan_once_per_district_and_year"),
        ),
        migrations.AddConstraint(
            model_name="plan",
            constraint=models.UniqueConstraint(condition=models.Q(("district__isnull", True)),
                                               fields=("year",), name="city_plan_once_per_year"),
        ),
        migrations.AddConstraint(
            model_name="plan",
            constraint=models.CheckConstraint(
                condition=models.Q(("parent__isnull", True), ("district__isnull", False),
                                   _connector="OR"),
                name="plan_parent_only_for_a_district"),
        ),
        migrations.RunPython(assign, migrations.RunPython.noop),
    ]
