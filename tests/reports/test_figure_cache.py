"""Figures are cached per data version (melinh_sxsh/lib/dataversion.py), and no figure is ever
stale: after each way of writing, the very next request shows the figures computed afresh."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from audits.models import EnergyCarrier
from campaigns.models import Campaign
from facilities.models import Facility, Stage
from melinh_sxsh.lib import dataversion
from reports import kpis
from tests.html_forms import form_data

pytestmark = pytest.mark.django_db
YEAR = 2018


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=StringIO())


@pytest.fixture
def staff_client(demo, client):
    client.force_login(User.objects.get(username="canbo.kinhte"))
    return client


def numbers(figures) -> tuple:
    return (figures.active.current, figures.aware.current, figures.applying.current,
            figures.saving.current, figures.energy_saved_toe, figures.officers.current)


def dashboard(client) -> tuple:
    response = client.get(f"/?year={YEAR}")
    assert response.status_code == 200
    return numbers(response.context["figures"])


def public() -> tuple:
    response = Client().get("/public/")
    assert response.status_code == 200
    return numbers(response.context["progress"].figures)


def fresh() -> tuple:
    return numbers(kpis.overview(YEAR).figures)


def primed(client) -> tuple:
    """The figures as the pages show them, now cached."""
    shown = dashboard(client)
    assert public() == shown == fresh()
    return shown


def assert_next_request_is_fresh(client, before: tuple, *, changed: bool = True) -> None:
    now = fresh()
    assert dashboard(client) == now
    assert public() == now
    if changed:
        assert now != before


def a_facility_not_applying() -> Facility:
    applying = kpis.overview(YEAR).evaluation[YEAR].applying
    active = kpis.overview(YEAR).evaluation[YEAR].active
    return Facility.objects.filter(pk__in=active - applying).order_by("pk").first()


def test_a_cached_dashboard_reads_only_the_version_of_the_figures(staff_client):
    primed(staff_client)
    with CaptureQueriesContext(connection) as cold:
        kpis.cached_overview(YEAR, kpis.DISTRICT, token="another")
    with CaptureQueriesContext(connection) as warm:
        assert kpis.cached_overview(YEAR, kpis.DISTRICT).figures
    assert len(warm) == 1 < len(cold)  # the token; the figures come from the cache


def test_status_form(staff_client):
    before = primed(staff_client)
    facility = a_facility_not_applying()
    response = staff_client.post(reverse("facilities:status_update", args=[facility.pk]),
                                 {"year": YEAR, "stage": Stage.APPLYING})
    assert response.status_code == 302
    assert_next_request_is_fresh(staff_client, before)


def test_the_list_behind_a_number_follows_a_status_change(staff_client):
    url = reverse("reports:figure", args=["applying"]) + f"?year={YEAR}"
    before = staff_client.get(url).context["count"]
    facility = a_facility_not_applying()
    staff_client.post(reverse("facilities:status_update", args=[facility.pk]),
                      {"year": YEAR, "stage": Stage.APPLYING})
    assert staff_client.get(url).context["count"] == before + 1 == fresh()[2]


def test_facility_form(staff_client):
    before = primed(staff_client)
    page = staff_client.get(reverse("facilities:create")).content.decode()
    data = form_data(page, having="tax_code")
    data.update({"tax_code": "0109999999", "name": "Công ty TNHH Bộ nhớ đệm",
                 "commune": Facility.objects.first().commune_id, "address": "Thôn 1",
                 "first_year": "2010"})
    response = staff_client.post(reverse("facilities:create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert_next_request_is_fresh(staff_client, before)


def test_import_in_process(staff_client, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from facilities.models import ImportJob
    from tests.facilities.xlsx_helpers import facilities_file

    before = primed(staff_client)
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("facilities:import"), {
            "kind": "facilities", "file": SimpleUploadedFile("co-so.xlsx", facilities_file(5))})
    job = ImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("facilities:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "done"
    assert_next_request_is_fresh(staff_client, before)


def test_attendance_added_in_bulk(staff_client):
    from campaigns import services

    before = primed(staff_client)
    campaign = Campaign.objects.filter(starts_on__year=YEAR).first()
    aware = kpis.overview(YEAR).evaluation[YEAR].aware
    unaware = list(Facility.objects.exclude(pk__in=aware).values_list("pk", flat=True)[:3])
    assert unaware
    added = services.attendance_add(user=User.objects.get(username="canbo.kinhte"),
                                    campaign=campaign, facility_ids=unaware)
    assert added == len(unaware)
    assert_next_request_is_fresh(staff_client, before)


def test_toe_factor_edited_in_the_admin(staff_client, admin_user):
    before = primed(staff_client)
    assert before[4] > 0  # some energy saved, which the factor weighs
    staff_client.force_login(admin_user)
    coal = EnergyCarrier.objects.get(code="COAL12")
    url = reverse("admin:audits_energycarrier_change", args=[coal.pk])
    data = form_data(staff_client.get(url).content.decode(), having="toe_per_unit")
    data["toe_per_unit"] = "0,9"  # typed as in Vietnamese, with a decimal comma
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    coal.refresh_from_db()
    assert coal.toe_per_unit == Decimal("0.9")
    assert_next_request_is_fresh(staff_client, before)


def test_year_lock_moves_the_version(staff_client):
    primed(staff_client)
    token = dataversion.current()
    # The demo's 2018 request still has forms waiting for review: the lock is confirmed.
    response = staff_client.post(reverse("reports:locks"),
                                 {"year": YEAR, "note": "Đã ban hành", "confirm": "on"})
    assert response.status_code == 302
    assert dataversion.current() != token
    assert_next_request_is_fresh(staff_client, None)


def test_a_rolled_back_write_leaves_the_version(staff_client):
    from django.db import transaction

    primed(staff_client)
    token = dataversion.current()
    with transaction.atomic():
        Facility.objects.filter(pk=a_facility_not_applying().pk).first().save()
        assert dataversion.current() != token  # this transaction sees its own write
        transaction.set_rollback(True)
    assert dataversion.current() == token


def test_a_last_login_moves_nothing(staff_client):
    token = dataversion.current()
    Client().post(reverse("accounts:login"), {"username": "canbo.kinhte", "password": "x"})
    user = User.objects.get(username="canbo.kinhte")
    user.save(update_fields=["last_login"])
    assert dataversion.current() == token
    user.is_sxsh_officer = not user.is_sxsh_officer
    user.save()
    assert dataversion.current() != token


# ---- other processes ---------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_a_write_by_another_process_is_seen_on_the_next_request(client):
    """`manage.py shell` in a process of its own changes a stage; this process, whose cache
    holds the figures from before, shows the new ones on its very next request."""
    import subprocess
    import sys

    from tests.conftest import need
    from tests.worker import ROOT, process_env

    need("PostgreSQL", connection.vendor == "postgresql",
         "another process cannot share an in-memory SQLite test database")
    call_command("load_demo", stdout=StringIO())
    client.force_login(User.objects.get(username="canbo.kinhte"))
    before = primed(client)
    facility = a_facility_not_applying()
    script = ("from accounts.models import User; from facilities import services; "
              "from facilities.models import Facility; "
              f"services.status_set(user=User.objects.get(username='canbo.kinhte'), "
              f"facility=Facility.objects.get(pk={facility.pk}), year={YEAR}, stage=3)")
    from django.conf import settings

    done = subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT,
                          env={**process_env(settings, {}), "REDIS_URL": ""},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert_next_request_is_fresh(client, before)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_an_import_written_by_a_worker_is_seen_on_the_next_request(start_worker, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from facilities.models import ImportJob
    from melinh_sxsh.lib.jobs import JobStatus
    from tests.facilities.xlsx_helpers import facilities_file
    from tests.worker import wait_for

    call_command("load_demo", stdout=StringIO())
    start_worker()
    client.force_login(User.objects.get(username="canbo.kinhte"))
    before = primed(client)
    client.post(reverse("facilities:import"), {
        "kind": "facilities", "file": SimpleUploadedFile("co-so.xlsx", facilities_file(20))})
    job = ImportJob.objects.get()
    wait_for(lambda: ImportJob.objects.get(pk=job.pk).status == JobStatus.READY,
             what="the check")
    assert dashboard(client) == before  # checked, nothing written: the cache still holds
    client.post(reverse("facilities:import_confirm", args=[job.pk]))
    wait_for(lambda: ImportJob.objects.get(pk=job.pk).status == JobStatus.DONE,
             what="the import")
    assert_next_request_is_fresh(client, before)


def test_the_cached_tables_of_one_address_follow_each_persons_scope(demo, client):
    from accounts.models import Role

    client.force_login(User.objects.get(username="canbo.kinhte"))
    district = client.get(f"/?year={YEAR}").content.decode()
    assert "commune-table" in district
    official = User.objects.filter(role=Role.COMMUNE).first()
    client.force_login(official)
    own = client.get(f"/?year={YEAR}").content.decode()  # the same address, cached tables
    assert "commune-table" not in own
    fresh_count = kpis.overview(YEAR, kpis.Scope(official.commune_id)).figures.active.current
    assert f'data-count="{fresh_count}"' in own
