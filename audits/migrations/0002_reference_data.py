"""Reference data, frozen here (the same rows as tests/fixtures/reference/): the app reads no
file for it."""

from decimal import Decimal

from django.db import migrations

# MOIT conversion table (3505/BCT-KHCN, 19/4/2011): (code, name, unit, TOE per unit, note)
CARRIERS = [('ELEC', 'Điện', 'kWh', '0.0001543', ''),
 ('COKE', 'Than cốc', 'tấn', '0.75', 'table gives 0.70-0.75'),
 ('COAL12', 'Than cám loại 1-2', 'tấn', '0.70', ''),
 ('COAL34', 'Than cám loại 3-4', 'tấn', '0.60', ''),
 ('COAL56', 'Than cám loại 5-6', 'tấn', '0.50', 'one copy of the table gives 0.60'),
 ('DO', 'Dầu DO', 'tấn', '1.02', ''),
 ('DO_L', 'Dầu DO', 'lít', '0.00088', '0.88 per 1000 litres'),
 ('FO', 'Dầu FO', 'tấn', '0.99', ''),
 ('FO_L', 'Dầu FO', 'lít', '0.00094', '0.94 per 1000 litres'),
 ('LPG', 'LPG', 'tấn', '1.09', ''),
 ('NG', 'Khí tự nhiên', 'nghìn m3', '0.90', '900 per million m3'),
 ('GASOLINE', 'Xăng', 'tấn', '1.05', ''),
 ('GASOLINE_L', 'Xăng', 'lít', '0.00083', '0.83 per 1000 litres')]

# The eight standard cleaner-production techniques (UNEP): (code, name, English name)
TECHNIQUES = [('HOUSEKEEPING', 'Quản lý nội vi tốt', 'Good housekeeping'),
 ('INPUT_CHANGE', 'Thay đổi nguyên liệu đầu vào', 'Input material change'),
 ('PROCESS_CONTROL', 'Kiểm soát quá trình tốt hơn', 'Better process control'),
 ('EQUIPMENT', 'Cải tiến thiết bị', 'Equipment modification'),
 ('TECHNOLOGY', 'Thay đổi công nghệ', 'Technology change'),
 ('RECOVERY', 'Tuần hoàn và tái sử dụng tại chỗ', 'On-site recovery and reuse'),
 ('BYPRODUCT', 'Tạo ra sản phẩm phụ hữu ích', 'Production of useful by-products'),
 ('PRODUCT', 'Cải tiến sản phẩm', 'Product modification')]


def load(apps, schema_editor):
    EnergyCarrier = apps.get_model("audits", "EnergyCarrier")
    CPTechnique = apps.get_model("audits", "CPTechnique")
    for code, name, unit, factor, note in CARRIERS:
        EnergyCarrier.objects.update_or_create(code=code, defaults={
            "name": name, "unit": unit, "toe_per_unit": Decimal(factor), "note": note})
    for code, name, name_en in TECHNIQUES:
        CPTechnique.objects.update_or_create(code=code, defaults={"name": name, "name_en": name_en})


def unload(apps, schema_editor):
    apps.get_model("audits", "EnergyCarrier").objects.filter(code__in=[c[0] for c in CARRIERS]).delete()
    apps.get_model("audits", "CPTechnique").objects.filter(code__in=[t[0] for t in TECHNIQUES]).delete()


class Migration(migrations.Migration):
    dependencies = [("audits", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
