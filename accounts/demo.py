"""Demo accounts, one per role, for `load_demo`."""

from __future__ import annotations

from accounts.models import DISTRICT_ROLES, Commune, District, Role, Unit, User

DEMO_PASSWORD = "MeLinh@2018"
MELINH = "250"  # the district the demo's accounts belong to

# username, full name, role, commune code, unit code, SXSH officer
ACCOUNTS = [
    ("canbo.kinhte", "Nguyễn Thị Hồng Nhung", Role.STAFF, None, "KINH_TE", True),
    ("xa.quangminh", "Trần Văn Hùng", Role.COMMUNE, "08989", None, False),
    ("xa.tienphong", "Lê Thị Mai", Role.COMMUNE, "09019", None, False),
    ("donvi.vhtt", "Phạm Quốc Toản", Role.UNIT, None, "TT_VHTT", False),
    ("lanhdao", "Bùi Xuân Quang", Role.LEADER, None, None, False),
    ("quantri", "Đỗ Minh Khôi", Role.ADMIN, None, None, False),
    # linked to its facility by audits/demo_requests.py, once the facilities exist
    ("doanhnghiep.demo", "Ngô Văn Thành", Role.ENTERPRISE, None, None, False),
]


def is_loaded() -> bool:
    return User.objects.filter(username=ACCOUNTS[0][0]).exists()


def load() -> list[User]:
    communes = {c.code: c for c in Commune.objects.all()}
    melinh = District.objects.get(code=MELINH)
    # Unit codes are unique within a district only.
    units = {u.code: u for u in Unit.objects.filter(district=melinh)}
    users = []
    for username, full_name, role, commune, unit, officer in ACCOUNTS:
        user = User(
            username=username, full_name=full_name, role=role,
            commune=communes.get(commune),
            district=melinh if role in DISTRICT_ROLES else None,
            email=f"{username}@melinh.hanoi.gov.vn",
            # Only unit officers belong to a unit in the permission sense.
            unit=units.get(unit) if role == Role.UNIT else None,
            is_sxsh_officer=officer, is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN,
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        users.append(user)
    return users


def describe() -> list[str]:
    lines = []
    for user in User.objects.filter(username__in=[a[0] for a in ACCOUNTS]).select_related(
        "commune", "unit"
    ).order_by("id"):
        where = user.commune or user.unit or ""
        suffix = f" – {where}" if where else ""
        lines.append(f"  {user.username:<17} {user.get_role_display()}{suffix}")
    return lines
