"""Reference data, frozen here (the same rows as tests/fixtures/reference/): the app reads no
file for it."""

from django.db import migrations

# (official code, name, kind, district code, district name), from communes.csv
COMMUNES = [('08973', 'Chi Đông', 'thi_tran', '250', 'Mê Linh'),
 ('08974', 'Đại Thịnh', 'xa', '250', 'Mê Linh'),
 ('08977', 'Kim Hoa', 'xa', '250', 'Mê Linh'),
 ('08980', 'Thạch Đà', 'xa', '250', 'Mê Linh'),
 ('08983', 'Tiến Thắng', 'xa', '250', 'Mê Linh'),
 ('08986', 'Tự Lập', 'xa', '250', 'Mê Linh'),
 ('08989', 'Quang Minh', 'thi_tran', '250', 'Mê Linh'),
 ('08992', 'Thanh Lâm', 'xa', '250', 'Mê Linh'),
 ('08995', 'Tam Đồng', 'xa', '250', 'Mê Linh'),
 ('08998', 'Liên Mạc', 'xa', '250', 'Mê Linh'),
 ('09001', 'Vạn Yên', 'xa', '250', 'Mê Linh'),
 ('09004', 'Chu Phan', 'xa', '250', 'Mê Linh'),
 ('09007', 'Tiến Thịnh', 'xa', '250', 'Mê Linh'),
 ('09010', 'Mê Linh', 'xa', '250', 'Mê Linh'),
 ('09013', 'Văn Khê', 'xa', '250', 'Mê Linh'),
 ('09016', 'Hoàng Kim', 'xa', '250', 'Mê Linh'),
 ('09019', 'Tiền Phong', 'xa', '250', 'Mê Linh'),
 ('09022', 'Tráng Việt', 'xa', '250', 'Mê Linh')]

# (code, name) of the implementing units of section IV of plan 108/KH-UBND, in its order
UNITS = [('KINH_TE', 'Phòng Kinh tế'),
 ('TNMT', 'Phòng Tài nguyên và Môi trường'),
 ('TCKH', 'Phòng Tài chính - Kế hoạch'),
 ('VP_UBND', 'Văn phòng HĐND và UBND huyện'),
 ('TT_VHTT', 'Trung tâm Văn hóa Thông tin và Thể thao huyện'),
 ('LDLD', 'Liên đoàn Lao động huyện'),
 ('UBND_XA', 'UBND các xã và thị trấn'),
 ('DOANH_NGHIEP', 'Các doanh nghiệp và cơ sở sản xuất')]


def load(apps, schema_editor):
    Commune = apps.get_model("accounts", "Commune")
    Unit = apps.get_model("accounts", "Unit")
    for code, name, kind, district_code, district_name in COMMUNES:
        Commune.objects.update_or_create(code=code, defaults={
            "name": name, "kind": kind, "district_code": district_code,
            "district_name": district_name})
    for position, (code, name) in enumerate(UNITS, start=1):
        Unit.objects.update_or_create(code=code, defaults={"name": name, "position": position})


def unload(apps, schema_editor):
    apps.get_model("accounts", "Commune").objects.filter(code__in=[c[0] for c in COMMUNES]).delete()
    apps.get_model("accounts", "Unit").objects.filter(code__in=[u[0] for u in UNITS]).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
