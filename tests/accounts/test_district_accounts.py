"""Accounts belong to districts (issue 16): the district's roles to one, the city's officers and
the administrators to none; the administrator assigns them (the admin's form, `adduser
--district`); a database made before districts gives every account and district-level row Mê
Linh."""

from __future__ import annotations

import lzma
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from accounts.models import District, Role, Unit, User
from accounts.permissions import held_district_id
from accounts.selectors import communes_for, writing_district_id
from melinh_sxsh.lib.errors import DomainError
from tests.conftest import make_user
from tests.factories import second_district

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Rat-kho-doan-2018"


def adduser(*args):
    return call_command("adduser", *args, "--password", PASSWORD)


def test_with_one_district_every_account_of_a_district_role_is_its(cast):
    melinh = District.objects.get(code="250")
    for role in ("staff", "official_a", "official_b", "unit", "leader"):
        assert cast[role].district == melinh and held_district_id(cast[role]) == melinh.pk
    for role in ("admin", "enterprise"):
        assert cast[role].district is None and held_district_id(cast[role]) is None
    adduser("kt9", "--role", "staff")
    assert User.objects.get(username="kt9").district == melinh
    assert writing_district_id(None) == melinh.pk  # the operator's rows: the only district's


def test_with_two_districts_adduser_asks_which(cast):
    district, commune, _namesake = second_district()
    with pytest.raises(CommandError, match=r"016 \(Huyện Sóc Sơn\), 250 \(Huyện Mê Linh\)"):
        adduser("kt2", "--role", "staff")
    adduser("kt2", "--role", "staff", "--district", "016")
    adduser("xa2", "--role", "commune", "--commune", commune.code)  # the commune's district
    adduser("soct", "--role", "city")
    users = {user.username: user for user in User.objects.filter(
        username__in=["kt2", "xa2", "soct"])}
    assert users["kt2"].district == district and users["xa2"].district == district
    assert users["soct"].district is None and users["soct"].role == Role.CITY
    for args in (["--role", "commune", "--commune", "08989", "--district", "016"],
                 ["--role", "city", "--district", "016"],
                 ["--role", "staff", "--district", "999"],
                 ["--role", "unit", "--unit", "TT_VHTT", "--district", "016"]):
        with pytest.raises(CommandError):
            adduser("bad", *args)
    assert not User.objects.filter(username="bad").exists()
    # A row of the operator (None) must now say its district.
    with pytest.raises(DomainError, match="016"):
        writing_district_id(None)


def test_the_admin_form_holds_an_account_to_its_district(cast, commune_a):
    district, commune, _namesake = second_district()
    official = User(username="xa3", role=Role.COMMUNE, commune=commune_a, district=district)
    with pytest.raises(ValidationError) as refused:
        official.full_clean(exclude=["password"])
    assert "commune" in refused.value.message_dict
    staff = User(username="kt3", role=Role.STAFF)
    with pytest.raises(ValidationError) as refused:  # two districts: say which
        staff.full_clean(exclude=["password"])
    assert "district" in refused.value.message_dict
    city = User(username="soct3", role=Role.CITY, district=district)
    with pytest.raises(ValidationError):
        city.full_clean(exclude=["password"])
    unit = User(username="dv3", role=Role.UNIT, unit=Unit.objects.get(code="TT_VHTT"),
                district=district)
    with pytest.raises(ValidationError) as refused:
        unit.full_clean(exclude=["password"])
    assert "unit" in refused.value.message_dict
    # And the database refuses a district's role without a district.
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=cast["staff"].pk).update(district=None)


def test_the_admins_user_page_assigns_the_district(client, admin_user):
    district, _commune, _namesake = second_district()
    client.force_login(admin_user)
    page = client.get("/admin/accounts/user/add/").content.decode()
    assert 'name="district"' in page
    response = client.post("/admin/accounts/user/add/", {
        "username": "kt4", "password1": PASSWORD, "password2": PASSWORD, "role": "staff",
        "district": district.pk, "_save": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(username="kt4").district == district


def test_pickers_offer_the_users_district_only(cast):
    district, commune, namesake = second_district()
    staff_b = make_user("staff_b", Role.STAFF, district=district)
    assert list(communes_for(staff_b)) == [commune, namesake]
    assert list(communes_for(cast["official_a"])) == [cast["official_a"].commune]
    melinh = set(communes_for(cast["staff"]))
    assert commune not in melinh and cast["official_b"].commune in melinh
    assert {commune, namesake} <= set(communes_for(cast["admin"]))


@pytest.mark.slow  # migrates a database in a process of its own
def test_a_database_made_before_districts_gives_its_rows_me_linh(tmp_path):
    path = tmp_path / "db.sqlite3"
    before = ROOT / "tests" / "fixtures" / "before_districts" / "db.sqlite3.xz"
    path.write_bytes(lzma.decompress(before.read_bytes()))
    env = dict(os.environ, DEBUG="true", DATABASE_URL=f"sqlite:///{path}",
               MEDIA_ROOT=str(tmp_path / "media"))
    done = subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput",
                           "-v0"], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(path) as db:
        (melinh,), = db.execute("SELECT id FROM accounts_district WHERE code = '250'")
        roles = dict(db.execute(
            "SELECT role, COUNT(DISTINCT COALESCE(district_id, 0)) FROM accounts_user "
            "GROUP BY role"))
        districts = {row[0] for row in db.execute(
            "SELECT DISTINCT district_id FROM accounts_user WHERE role IN "
            "('staff', 'leader', 'commune', 'unit')")}
        assert districts == {melinh} and roles.get("admin", 1) == 1
        for table in ("accounts_unit", "audits_datarequest", "campaigns_campaign",
                      "campaigns_demonstrationmodel", "campaigns_document", "facilities_yearlock",
                      "facilities_yearlockevent"):
            found = {row[0] for row in db.execute(f"SELECT DISTINCT district_id FROM {table}")}
            assert found <= {melinh}, table
        assert db.execute("SELECT COUNT(*) FROM facilities_yearlock").fetchone()[0] == 2
