"""A unit's code is unique within its district only (issue 16): two districts may each have
their Phòng Kinh tế as "KINH_TE". The existing codes were unique city-wide, so they stay valid."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("accounts", "0008_unit_district")]

    operations = [
        # The composite constraint first, so that the codes are never unguarded.
        migrations.AddConstraint(
            model_name="unit",
            constraint=models.UniqueConstraint(
                fields=("district", "code"), name="unit_code_unique_in_district",
                violation_error_message="The district already has a unit with this code."),
        ),
        migrations.AlterField(
            model_name="unit", name="code",
            field=models.CharField(max_length=20, verbose_name="code"),
        ),
    ]
