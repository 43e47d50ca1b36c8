"""Reference data, frozen here (the same rows as tests/fixtures/reference/): the app reads no
file for it."""

from django.db import migrations

# Funding sources named by plan 108/KH-UBND: (code, name)
SOURCES = [('KHUYEN_CONG', 'Kinh phí sự nghiệp khuyến công'),
 ('KHCN', 'Kinh phí sự nghiệp khoa học và công nghệ'),
 ('MOI_TRUONG', 'Kinh phí sự nghiệp môi trường'),
 ('NS_HUYEN', 'Ngân sách huyện'),
 ('NS_THANH_PHO', 'Ngân sách thành phố'),
 ('DOANH_NGHIEP', 'Doanh nghiệp tự bố trí'),
 ('KHAC', 'Nguồn khác')]


def load(apps, schema_editor):
    FundingSource = apps.get_model("campaigns", "FundingSource")
    for code, name in SOURCES:
        FundingSource.objects.update_or_create(code=code, defaults={"name": name})


def unload(apps, schema_editor):
    apps.get_model("campaigns", "FundingSource").objects.filter(code__in=[s[0] for s in SOURCES]).delete()


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
