import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Role, User

ROOT = Path(__file__).resolve().parents[2]


def run(*args):
    return call_command("adduser", *args)


@pytest.mark.django_db
def test_creates_each_role(capsys):
    run("kt1", "--role", "staff", "--password", "Rat-kho-doan-2018", "--sxsh-officer")
    run("qm1", "--role", "commune", "--commune", "08989", "--password", "Rat-kho-doan-2018")
    run("vh1", "--role", "unit", "--unit", "TT_VHTT", "--password", "Rat-kho-doan-2018")
    run("ld1", "--role", "leader", "--password", "Rat-kho-doan-2018")
    run("qt1", "--role", "admin", "--password", "Rat-kho-doan-2018")
    users = {u.username: u for u in User.objects.select_related("commune", "unit")}
    assert users["kt1"].role == Role.STAFF and users["kt1"].is_sxsh_officer
    assert users["qm1"].commune.name == "Quang Minh"
    assert users["vh1"].unit.code == "TT_VHTT"
    assert users["qt1"].is_superuser and users["qt1"].is_staff
    assert not users["ld1"].is_staff
    assert users["ld1"].check_password("Rat-kho-doan-2018")


@pytest.mark.django_db
def test_an_enterprise_account_represents_the_facilities_named(commune_a):
    from facilities.models import Facility

    one = Facility.objects.create(tax_code="0109000001", name="Công ty A", commune=commune_a)
    two = Facility.objects.create(tax_code="0109000002", name="Xưởng B", commune=commune_a)
    Facility.objects.create(tax_code="0109000003", name="Công ty C", commune=commune_a)
    # A code as written on paper: dots and spaces are no matter.
    run("dn1", "--role", "enterprise", "--facility", "0109000001", "0109.000.002",
        "--password", "Rat-kho-doan-2018")
    user = User.objects.get(username="dn1")
    assert user.role == Role.ENTERPRISE
    assert set(user.represented_facilities.all()) == {one, two}
    with pytest.raises(CommandError):  # one unknown code: nothing is created
        run("dn2", "--role", "enterprise", "--facility", "0109000003", "0100000099",
            "--password", "Rat-kho-doan-2018")
    assert not User.objects.filter(username="dn2").exists()


@pytest.mark.django_db
def test_generates_and_prints_a_password(capsys):
    run("ld2", "--role", "leader")
    out = capsys.readouterr().out
    password = out.split("password: ")[1].strip()
    assert User.objects.get(username="ld2").check_password(password)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x", "--role", "commune"], "--commune"),
        (["x", "--role", "commune", "--commune", "99999"], "99999"),
        (["x", "--role", "unit"], "--unit"),
        (["x", "--role", "unit", "--unit", "NOPE"], "NOPE"),
        (["x", "--role", "leader", "--commune", "08989"], "xã"),
        (["x", "--role", "staff", "--unit", "TT_VHTT"], "đơn vị"),
        (["x", "--role", "leader", "--sxsh-officer"], "SXSH"),
        (["x", "--role", "leader", "--password", "123"], "quá ngắn"),
        (["x", "--role", "enterprise"], "--facility"),
        (["x", "--role", "enterprise", "--facility", "0109999999"], "0109999999"),
        (["x", "--role", "enterprise", "--facility", "12ab"], "12ab"),
        (["x", "--role", "leader", "--facility", "0109999999"], "doanh nghiệp"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(args, message):
    with pytest.raises(CommandError) as info:
        run(*args)
    assert info.value.returncode == 2
    assert message in str(info.value)
    assert not User.objects.filter(username="x").exists()


@pytest.mark.django_db
def test_taken_username(staff):
    with pytest.raises(CommandError) as info:
        run("STAFF", "--role", "leader", "--password", "Rat-kho-doan-2018")
    assert info.value.returncode == 2
    assert "STAFF" in str(info.value)


def test_real_process_exit_code_and_message(sqlite_url):
    """The exit code is what scripts see: run the command as a real process."""
    env = {"PATH": "/usr/bin:/bin", "DEBUG": "true", "DATABASE_URL": sqlite_url}
    manage = [sys.executable, str(ROOT / "manage.py")]
    bad_role = subprocess.run([*manage, "adduser", "x", "--role", "mayor"], env=env, cwd=ROOT,
                              capture_output=True, text=True, timeout=60)
    assert bad_role.returncode == 2
    assert "mayor" in bad_role.stderr
    no_commune = subprocess.run([*manage, "adduser", "x", "--role", "commune"], env=env,
                                cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert no_commune.returncode == 2
    assert "--commune" in no_commune.stderr
    ok = subprocess.run([*manage, "adduser", "x", "--role", "commune", "--commune", "08989",
                         "--password", "Rat-kho-doan-2018"], env=env, cwd=ROOT,
                        capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr
