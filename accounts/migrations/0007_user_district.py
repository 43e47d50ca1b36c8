"""Accounts belong to a district (issue 16): staff, leaders, commune officials and unit officers
each to one, the city's officers (a new role) and the administrators to none (they read every
district). Existing accounts take their commune's district, else Mê Linh's (code 250), else the
only district.

Not atomic as a whole: PostgreSQL alters a table only once the rows updated in the same
transaction have been checked, so the data step commits before the constraint is added."""

import django.db.models.deletion
from django.db import migrations, models

DISTRICT_ROLES = ("staff", "leader", "commune", "unit")
MELINH = "250"


def assign(apps, schema_editor):
    District = apps.get_model("accounts", "District")
    User = apps.get_model("accounts", "User")
    fallback = District.objects.filter(code=MELINH).first()
    if fallback is None:
        only = list(District.objects.all()[:2])
        fallback = only[0] if len(only) == 1 else None
    for user in User.objects.filter(role__in=DISTRICT_ROLES, district__isnull=True).select_related(
            "commune"):
        user.district_id = user.commune.district_id if user.commune_id else (
            fallback.pk if fallback else None)
        if user.district_id is None:
            raise RuntimeError(f"account {user.username!r}: no district to give it (several "
                               "districts and no Mê Linh); set one and migrate again")
        user.save(update_fields=["district"])


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("accounts", "0006_commune_district_required")]

    operations = [
        migrations.AlterField(
            model_name="user", name="role",
            field=models.CharField(choices=[
                ("staff", "Economic Department officer"), ("commune", "Commune official"),
                ("unit", "Implementing unit officer"), ("leader", "District leadership"),
                ("admin", "System administrator"), ("enterprise", "Enterprise"),
                ("city", "Department of Industry and Trade officer")],
                default="leader", max_length=10, verbose_name="role"),
        ),
        migrations.AddField(
            model_name="user", name="district",
            field=models.ForeignKey(blank=True, null=True,
                                    on_delete=django.db.models.deletion.PROTECT,
                                    related_name="users", to="accounts.district",
                                    verbose_name="district"),
        ),
        migrations.RunPython(assign, migrations.RunPython.noop, atomic=True),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=models.Q(("role__in", DISTRICT_ROLES), _negated=True)
                | models.Q(("district__isnull", False)),
                name="district_account_has_district"),
        ),
    ]
