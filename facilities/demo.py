"""About 300 facilities of Mê Linh as a real district would have them, with 2016-2018 statuses:
enterprises in the Quang Minh industrial zone and in Tiền Phong, Chi Đông and Kim Hoa; small
TTCN workshops in the villages."""

from __future__ import annotations

import random

from accounts.models import Commune, Role, User
from facilities.models import Facility, FacilityYearStatus, Sector, Stage
from melinh_sxsh.lib.batches import create_with_history, update_with_history

# commune code -> (how many facilities, share of CN enterprises, villages or zone)
SPREAD = {
    "08989": (92, 0.9, ["KCN Quang Minh", "KCN Quang Minh", "Thôn Bến Xe", "Thôn Gia Trung"]),
    "09019": (28, 0.6, ["KCN Quang Minh II", "Thôn Đại Bái", "Thôn Yên Bài"]),
    "08973": (22, 0.6, ["Cụm CN Chi Đông", "Tổ dân phố Đông Cao"]),
    "08977": (18, 0.5, ["Thôn Kim Tiền", "Thôn Ấp Tre"]),
    "09013": (16, 0.2, ["Thôn Văn Lôi", "Thôn Trung Hậu"]),
    "08983": (14, 0.3, ["Thôn Phú Mỹ", "Thôn Bạch Trữ"]),
    "09007": (12, 0.2, ["Thôn Phú Hữu", "Thôn Yên Vinh"]),
    "08980": (12, 0.2, ["Thôn Đồng Vân", "Thôn Bồng Mạc"]),
    "08986": (11, 0.3, ["Thôn Yên Phú", "Thôn Bảo Tháp"]),
    "08974": (10, 0.3, ["Thôn Đại Thịnh", "Thôn Hậu Lê"]),
    "08995": (10, 0.2, ["Thôn Hạ Lôi", "Thôn Xa Mạc"]),
    "09010": (10, 0.2, ["Thôn Hạ Lôi", "Thôn Văn Quán"]),
    "08998": (9, 0.1, ["Thôn Bồng Mạc", "Thôn Thạch Đà"]),
    "09001": (8, 0.1, ["Thôn Tráng Việt", "Thôn Vạn Yên"]),
    "09004": (8, 0.1, ["Thôn Chu Phan", "Thôn Yên Thị"]),
    "09016": (8, 0.1, ["Thôn Hoàng Kim", "Thôn Phú Nhi"]),
    "09022": (8, 0.2, ["Thôn Tráng Việt", "Thôn Nội Đồng"]),
    "08992": (7, 0.1, ["Thôn Thanh Lâm", "Thôn Đại Bái"]),
}

# sector code -> (business words, main products, product unit)
PRODUCTS = {
    "25": ("Cơ khí", "Kết cấu thép, khung nhà xưởng", "tấn"),
    "22": ("Nhựa", "Bao bì nhựa PP, PE", "tấn"),
    "27": ("Thiết bị điện", "Dây cáp điện", "km"),
    "10": ("Thực phẩm", "Bánh kẹo, thực phẩm chế biến", "tấn"),
    "17": ("Bao bì giấy", "Thùng carton", "tấn"),
    "26": ("Điện tử", "Linh kiện điện tử", "nghìn sản phẩm"),
    "31": ("Nội thất", "Bàn ghế gỗ", "bộ"),
    "23": ("Vật liệu xây dựng", "Gạch không nung", "nghìn viên"),
    "16": ("Chế biến gỗ", "Ván ép, đồ gỗ", "m3"),
    "11": ("Đồ uống", "Nước uống đóng chai", "nghìn lít"),
    "13": ("Dệt may", "Vải, sợi", "tấn"),
    "18": ("In", "Ấn phẩm, nhãn mác", "nghìn trang"),
}
WORKSHOPS = [
    ("10", "Xưởng chế biến nông sản", "Miến, bún khô", "tấn"),
    ("10", "Cơ sở sản xuất đậu phụ", "Đậu phụ", "tấn"),
    ("16", "Xưởng mộc", "Đồ gỗ dân dụng", "bộ"),
    ("25", "Xưởng cơ khí", "Cửa sắt, hoa sắt", "tấn"),
    ("23", "Cơ sở gạch", "Gạch xây", "nghìn viên"),
    ("32", "Cơ sở làm hoa giả", "Hoa lụa", "nghìn bông"),
    ("10", "Cơ sở sấy hoa quả", "Hoa quả sấy", "tấn"),
    ("14", "Xưởng may", "Quần áo bảo hộ", "nghìn bộ"),
]
NAMES = ["An Phát", "Hồng Hà", "Thăng Long", "Minh Đức", "Phú Thịnh", "Đại Dương", "Tân Tiến",
         "Hưng Thịnh", "Việt Hàn", "Quang Minh", "Bình Minh", "Đông Á", "Sông Hồng", "Mê Linh",
         "Hoàng Long", "Kim Sơn", "Thành Công", "Phúc An", "Tiến Đạt", "Nam Việt", "Hải Âu",
         "Trường Sơn", "Á Châu", "Hòa Bình", "Ngọc Lan", "Sao Mai", "Vĩnh Phúc", "Đức Anh",
         "Thái Hà", "Lạc Hồng", "Gia Phát", "Tân Á", "Hợp Nhất", "Bảo Ngọc", "Vạn Xuân"]
PEOPLE = ["Nguyễn Văn Hải", "Trần Thị Lan", "Lê Văn Tùng", "Phạm Thị Hoa", "Hoàng Văn Nam",
          "Vũ Thị Thu", "Đỗ Văn Long", "Bùi Thị Hạnh", "Ngô Văn Thắng", "Dương Thị Huệ",
          "Đặng Văn Quý", "Nguyễn Thị Ngọc", "Lưu Văn Bình", "Tạ Thị Minh", "Kiều Văn Sơn"]


def tax_code(rng: random.Random, household: bool) -> str:
    # Hà Nội enterprises carry codes 01xxxxxxxx; household businesses a personal code 8xxxxxxxxx.
    prefix = "8" if household else "01"
    return prefix + "".join(rng.choice("0123456789") for _ in range(10 - len(prefix)))


def load(rng: random.Random) -> list[Facility]:
    communes = {c.code: c for c in Commune.objects.all()}
    sectors = {s.code: s for s in Sector.objects.all()}
    facilities: list[Facility] = []
    used_codes: set[str] = set()
    used_names: set[str] = set()
    for code, (count, cn_share, places) in SPREAD.items():
        for index in range(count):
            enterprise = rng.random() < cn_share
            household = not enterprise and rng.random() < 0.7
            while (tax := tax_code(rng, household)) in used_codes:
                pass
            used_codes.add(tax)
            place = places[index % len(places)]
            if enterprise:
                sector_code = rng.choice(list(PRODUCTS))
                word, products, unit = PRODUCTS[sector_code]
                form = rng.choice(["Công ty TNHH", "Công ty TNHH", "Công ty Cổ phần"])
                name = f"{form} {word} {rng.choice(NAMES)}"
                kind, group = Facility.Kind.ENTERPRISE, Facility.Group.CN
                employees = rng.randint(30, 450)
                address = f"Lô {rng.choice('ABCDE')}{rng.randint(1, 30)}, {place}" \
                    if place.startswith(("KCN", "Cụm")) else f"{place}, {communes[code]}"
            else:
                sector_code, word, products, unit = rng.choice(WORKSHOPS)
                person = rng.choice(PEOPLE)
                if household:
                    name = f"{word} {person}"
                    kind = Facility.Kind.HOUSEHOLD
                else:
                    name = f"Hợp tác xã {word.split(' ', 1)[-1]} {place.split(' ', 1)[-1]}"
                    kind = Facility.Kind.COOPERATIVE
                group = Facility.Group.TTCN
                employees = rng.randint(3, 40)
                address = f"{place}, {communes[code]}"
            base = name
            suffix = 2
            while name in used_names:
                name = f"{base} {suffix}"
                suffix += 1
            used_names.add(name)
            first_year = rng.choice([1998, 2003, 2006, 2009, 2011, 2013, 2014, 2015, 2016, 2017])
            if rng.random() < 0.04:
                first_year = 2018
            last_year = 2017 if rng.random() < 0.03 else None
            facility = Facility(
                tax_code=tax, name=name, commune=communes[code], address=address,
                sector=sectors[sector_code], kind=kind, group=group, main_products=products,
                product_unit=unit, employees=employees, first_year=first_year,
                last_year=last_year, contact_person=rng.choice(PEOPLE),
                phone=f"0{rng.choice(['24', '98', '91', '96'])}{rng.randint(1000000, 9999999)}",
                # Household businesses rarely have an address (reminders then go to the
                # commune official's digest only).
                email="" if kind == Facility.Kind.HOUSEHOLD
                else f"lienhe{len(facilities) + 1}@example.vn",
            )
            facility.refresh_keys()
            facilities.append(facility)
    return create_with_history(facilities, Facility, user=None, reason="demo")


def load_statuses(rng: random.Random, facilities: list[Facility]) -> None:
    """Statuses 2016-2018: awareness spreads, a few facilities commit and apply."""
    staff = User.objects.filter(role=Role.STAFF).first()
    officials = {u.commune_id: u for u in User.objects.filter(role=Role.COMMUNE)}
    statuses = []
    for facility in facilities:
        stage = Stage.UNAWARE
        big = facility.group == Facility.Group.CN
        # Pioneers applied CP from 2017 (the baseline year); a second wave joined in 2018.
        wave = rng.random()
        path = None
        if big and wave < 0.09:
            path = {2016: Stage.AWARE, 2017: Stage.APPLYING, 2018: Stage.APPLYING}
        elif big and wave < 0.17:
            path = {2016: Stage.AWARE, 2017: Stage.COMMITTED, 2018: Stage.APPLYING}
        for year in (2016, 2017, 2018):
            if not facility.is_active_in(year):
                continue
            roll = rng.random()
            if path is not None:
                stage = path[year]
            elif stage == Stage.UNAWARE and roll < (0.28 if big else 0.12) * (year - 2015):
                stage = Stage.AWARE
            elif stage == Stage.AWARE and roll < (0.25 if big else 0.08):
                stage = Stage.COMMITTED
            elif stage == Stage.COMMITTED and roll < 0.5:
                stage = Stage.APPLYING
            # Some facilities were simply not surveyed in 2016.
            if year == 2016 and rng.random() < 0.35:
                continue
            note = ""
            if stage == Stage.APPLYING:
                note = "Đã áp dụng giải pháp SXSH"
            statuses.append(FacilityYearStatus(
                facility=facility, year=year, stage=stage, note=note,
                set_by=officials.get(facility.commune_id, staff)))
    create_with_history(statuses, FacilityYearStatus, user=None, reason="demo")
    load_consent(facilities, statuses)


def load_consent(facilities: list[Facility], statuses: list[FacilityYearStatus]) -> None:
    """The enterprises applying CP in 2018 agreed to be named on the public pages (about one
    facility in ten); no other facility did. Draws nothing from the random generator, so the
    rest of the demo stays as it was."""
    applying = {s.facility_id for s in statuses if s.year == 2018 and s.stage == Stage.APPLYING}
    agreed = [f for f in facilities
              if f.pk in applying and f.kind == Facility.Kind.ENTERPRISE]
    for facility in agreed:
        facility.public_consent = True
    update_with_history(agreed, Facility, ["public_consent"], user=None, reason="demo")
