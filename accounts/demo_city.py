"""The accounts and implementing units of `load_demo --city`: the city's officer (Sở Công Thương)
and, for each of the other demo districts, its Economic Department officer and its leader. Made
the way accounts/demo.py makes Mê Linh's; the rest of the city demo is reports/demo_city.py."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.demo import DEMO_PASSWORD
from accounts.models import District, Role, Unit, User

CITY_OFFICER = ("soct.demo", "Vũ Thị Lan Anh", "soct.demo@congthuong.hanoi.gov.vn")


@dataclass(frozen=True)
class DistrictPeople:
    code: str  # official district code (accounts/reference/hanoi_units.csv)
    slug: str  # the accounts' suffix and the e-mail domain: canbo.<slug>@<slug>.hanoi.gov.vn
    staff: str  # full name of the Economic Department officer
    leader: str  # full name of the district's leader who signs
    officer: bool  # the staff account is the state officer in charge of CP (target 3)


def staff_username(slug: str) -> str:
    return f"canbo.{slug}"


def leader_username(slug: str) -> str:
    return f"lanhdao.{slug}"


def is_loaded() -> bool:
    return User.objects.filter(username=CITY_OFFICER[0]).exists()


def _user(username: str, full_name: str, role: str, email: str, *,
          district: District | None = None, officer: bool = False) -> User:
    user = User(username=username, full_name=full_name, role=role, email=email,
                district=district, is_sxsh_officer=officer)
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def load(people: list[DistrictPeople]) -> dict[str, User]:
    """The accounts, by username; Hà Nội's districts must be loaded."""
    districts = {d.code: d for d in District.objects.filter(code__in=[p.code for p in people])}
    username, full_name, email = CITY_OFFICER
    made = {username: _user(username, full_name, Role.CITY, email)}
    for p in people:
        domain = f"{p.slug}.hanoi.gov.vn"
        for name, full, role, officer in (
            (staff_username(p.slug), p.staff, Role.STAFF, p.officer),
            (leader_username(p.slug), p.leader, Role.LEADER, False),
        ):
            made[name] = _user(name, full, role, f"{name}@{domain}",
                               district=districts[p.code], officer=officer)
    return made


# A district's own implementing units, for its plan's tasks (section IV of each plan).
UNITS = [("KINH_TE", "Phòng Kinh tế"), ("UBND_XA", "UBND các xã, thị trấn")]


def load_units(district: District) -> dict[str, Unit]:
    """The district's units by their code (KINH_TE, ...): a code is unique within its district,
    so each district has its own KINH_TE as Mê Linh does."""
    units = Unit.objects.bulk_create(
        Unit(code=code, name=name, district=district, position=index)
        for index, (code, name) in enumerate(UNITS, start=1))
    return {code: unit for (code, _name), unit in zip(UNITS, units, strict=True)}


def describe(people: list[DistrictPeople]) -> list[str]:
    names = [CITY_OFFICER[0]] + [n for p in people
                                 for n in (staff_username(p.slug), leader_username(p.slug))]
    order = {name: index for index, name in enumerate(names)}
    lines = []
    for user in sorted(User.objects.filter(username__in=names).select_related("district"),
                       key=lambda u: order[u.username]):
        suffix = f" – {user.district}" if user.district_id else ""
        lines.append(f"  {user.username:<17} {user.get_role_display()}{suffix}")
    return lines
