"""Campaigns, demonstration models and documents are one district's (issue 16): a model its
host's district, a document its campaign's; the others, and those, Mê Linh's (code 250, accounts
0005) or else the only district's.

Not atomic as a whole: PostgreSQL alters a table only once the rows updated in the same
transaction have been checked, so the data step commits before the columns become required."""

import django.db.models.deletion
from django.db import migrations, models

MELINH = "250"


def fallback(District):
    district = District.objects.filter(code=MELINH).first()
    if district is None:
        only = list(District.objects.all()[:2])
        if len(only) != 1:
            raise RuntimeError("campaigns, models or documents without a district, and no Mê "
                               "Linh (250) nor a single district to give them")
        district = only[0]
    return district


def fill(apps, schema_editor):
    District = apps.get_model("accounts", "District")
    Commune = apps.get_model("accounts", "Commune")
    Campaign = apps.get_model("campaigns", "Campaign")
    DemonstrationModel = apps.get_model("campaigns", "DemonstrationModel")
    Document = apps.get_model("campaigns", "Document")
    districts = dict(Commune.objects.values_list("pk", "district_id"))
    for model in DemonstrationModel.objects.filter(district__isnull=True).select_related("host"):
        model.district_id = districts[model.host.commune_id]
        model.save(update_fields=["district"])
    if Campaign.objects.filter(district__isnull=True).exists():
        Campaign.objects.filter(district__isnull=True).update(district=fallback(District))
    for document in Document.objects.filter(district__isnull=True, campaign__isnull=False
                                            ).select_related("campaign"):
        document.district_id = document.campaign.district_id
        document.save(update_fields=["district"])
    if Document.objects.filter(district__isnull=True).exists():
        Document.objects.filter(district__isnull=True).update(district=fallback(District))


def district(null: bool):
    return lambda related_name: models.ForeignKey(
        null=null, on_delete=django.db.models.deletion.PROTECT, related_name=related_name,
        to="accounts.district", verbose_name="district")


def historical():
    return models.ForeignKey(blank=True, db_constraint=False, null=True,
                             on_delete=django.db.models.deletion.DO_NOTHING, related_name="+",
                             to="accounts.district", verbose_name="district")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("accounts", "0006_commune_district_required"),
        ("campaigns", "0005_vietnamese_labels"),
    ]

    operations = [
        *[migrations.AddField(model_name=name, name="district",
                              field=district(True)(related_name))
          for name, related_name in [("campaign", "campaigns"),
                                     ("demonstrationmodel", "demonstration_models"),
                                     ("document", "documents")]],
        *[migrations.AddField(model_name=name, name="district", field=historical())
          for name in ("historicalcampaign", "historicaldemonstrationmodel")],
        migrations.RunPython(fill, migrations.RunPython.noop, atomic=True),
        *[migrations.AlterField(model_name=name, name="district",
                                field=district(False)(related_name))
          for name, related_name in [("campaign", "campaigns"),
                                     ("demonstrationmodel", "demonstration_models"),
                                     ("document", "documents")]],
    ]
