"""Reference data, frozen here (the same rows as tests/fixtures/reference/): the app reads no
file for it."""

from django.db import migrations

# VSIC 2018 (27/2018/QĐ-TTg), section C, level 2: (code, name)
SECTORS = [('10', 'Sản xuất, chế biến thực phẩm'),
 ('11', 'Sản xuất đồ uống'),
 ('12', 'Sản xuất sản phẩm thuốc lá'),
 ('13', 'Dệt'),
 ('14', 'Sản xuất trang phục'),
 ('15', 'Sản xuất da và các sản phẩm có liên quan'),
 ('16',
  'Chế biến gỗ và sản xuất sản phẩm từ gỗ, tre, nứa (trừ giường, tủ, bàn, ghế); sản xuất sản phẩm '
  'từ rơm, rạ và vật liệu tết bện'),
 ('17', 'Sản xuất giấy và sản phẩm từ giấy'),
 ('18', 'In, sao chép bản ghi các loại'),
 ('19', 'Sản xuất than cốc, sản phẩm dầu mỏ tinh chế'),
 ('20', 'Sản xuất hoá chất và sản phẩm hoá chất'),
 ('21', 'Sản xuất thuốc, hoá dược và dược liệu'),
 ('22', 'Sản xuất sản phẩm từ cao su và plastic'),
 ('23', 'Sản xuất sản phẩm từ khoáng phi kim loại khác'),
 ('24', 'Sản xuất kim loại'),
 ('25', 'Sản xuất sản phẩm từ kim loại đúc sẵn (trừ máy móc, thiết bị)'),
 ('26', 'Sản xuất sản phẩm điện tử, máy vi tính và sản phẩm quang học'),
 ('27', 'Sản xuất thiết bị điện'),
 ('28', 'Sản xuất máy móc, thiết bị chưa được phân vào đâu'),
 ('29', 'Sản xuất ô tô và xe có động cơ khác'),
 ('30', 'Sản xuất phương tiện vận tải khác'),
 ('31', 'Sản xuất giường, tủ, bàn, ghế'),
 ('32', 'Công nghiệp chế biến, chế tạo khác'),
 ('33', 'Sửa chữa, bảo dưỡng và lắp đặt máy móc và thiết bị')]


def load(apps, schema_editor):
    Sector = apps.get_model("facilities", "Sector")
    for code, name in SECTORS:
        Sector.objects.update_or_create(code=code, defaults={"name": name})


def unload(apps, schema_editor):
    apps.get_model("facilities", "Sector").objects.filter(code__in=[s[0] for s in SECTORS]).delete()


class Migration(migrations.Migration):
    dependencies = [("facilities", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
