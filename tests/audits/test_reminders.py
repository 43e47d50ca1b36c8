"""Reminders of a data request's deadline (audits/reminders.py), read from a real SMTP server
on the loopback: 7 days and 1 day before the deadline and once overdue, one e-mail to each
facility with an address whose form is still open and one digest to each commune official of a
commune with such facilities; never twice, and a message the server did not take is sent at the
next run."""

from __future__ import annotations

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from accounts.models import Role
from audits.mail import render_templated, send_templated
from audits.models import DataRequest, Reminder, Submission
from audits.reminders import reminders_send
from audits.submissions import request_create
from melinh_sxsh.templatetags.sxsh import lowerfirst
from tests.audits.conftest import make_facility
from tests.conftest import make_user
from tests.smtp import free_port
from tests.sxsh_env import need
from tests.worker import wait_for

State = Submission.State
Kind = Reminder.Kind
DEADLINE_IN = 20


@pytest.fixture
def world(staff, commune_a, commune_b, official_a, official_b):
    """Commune A: two open forms with an address (requested, draft), one open without an
    address, one submitted and one accepted; commune B: one returned with an address. Two
    officials of A with an address (one also without, one inactive: neither hears), one of B."""
    facilities = {
        "requested": make_facility(commune_a, "0100000011", "Công ty Gạch Quang Minh",
                                   email="gach@example.vn"),
        "draft": make_facility(commune_a, "0100000012", "HTX Mây tre Chi Đông",
                               email="maytre@example.vn"),
        "no_email": make_facility(commune_a, "0100000013", "Cơ sở Bún Tráng Việt",
                                  phone="0243 888 1234"),
        "submitted": make_facility(commune_a, "0100000014", "Công ty Bao bì Kim Hoa",
                                   email="baobi@example.vn"),
        "accepted": make_facility(commune_a, "0100000015", "Công ty Dệt Thanh Lâm",
                                  email="det@example.vn"),
        "returned": make_facility(commune_b, "0100000016", "Công ty Nhựa Tiền Phong",
                                  email="nhua@example.vn"),
    }
    request = request_create(user=staff, year=2018, title="Số liệu năng lượng năm 2018",
                             deadline=timezone.localdate() + timedelta(days=DEADLINE_IN),
                             facilities=facilities.values())
    for state, facility in facilities.items():
        if state in (State.DRAFT, State.SUBMITTED, State.ACCEPTED, State.RETURNED):
            Submission.objects.filter(request=request, facility=facility).update(state=state)
    official_a.email, official_b.email = "xa.a@melinh.vn", "xa.b@melinh.vn"
    official_a.save(), official_b.save()
    second_a = make_user("official_a2", Role.COMMUNE, commune=commune_a, email="xa.a2@melinh.vn")
    make_user("official_a3", Role.COMMUNE, commune=commune_a)  # no address
    make_user("official_a4", Role.COMMUNE, commune=commune_a, email="cu@melinh.vn",
              is_active=False)
    return {"request": request, "facilities": facilities, "officials": {
        "a": official_a, "a2": second_a, "b": official_b}}


FACILITY_ADDRESSES = {"gach@example.vn", "maytre@example.vn", "nhua@example.vn"}
DIGEST_ADDRESSES = {"xa.a@melinh.vn", "xa.a2@melinh.vn", "xa.b@melinh.vn"}


def addresses(inbox) -> list[str]:
    return sorted(address for m in inbox.messages for address in m.recipients)


def day(world, days_before: int):
    return world["request"].deadline - timedelta(days=days_before)


@pytest.mark.django_db
@pytest.mark.parametrize(("days_before", "kind"), [(7, Kind.WEEK), (1, Kind.DAY),
                                                   (-1, Kind.OVERDUE)])
def test_one_reminder_per_open_facility_and_one_digest_per_official(
        world, send_to_smtp_server, days_before, kind):
    inbox = send_to_smtp_server
    run = reminders_send(today=day(world, days_before))

    assert addresses(inbox) == sorted(FACILITY_ADDRESSES | DIGEST_ADDRESSES)
    assert all(len(m.recipients) == 1 for m in inbox.messages)
    assert run.sent == 6 and run.failed == 0
    deadline = world["request"].deadline.strftime("%d/%m/%Y")
    (brick,) = inbox.to("gach@example.vn")
    assert brick.sender == "sxsh@localhost"
    assert deadline in brick.subject and "2018" in brick.subject
    assert "Kính gửi: Công ty Gạch Quang Minh," in brick.body
    assert deadline in brick.body
    submission = Submission.objects.get(request=world["request"],
                                        facility=world["facilities"]["requested"])
    assert f"http://127.0.0.1:8000/audits/submissions/{submission.pk}/" in brick.body
    assert brick.message["Auto-Submitted"] == "auto-generated"
    expected = {Kind.WEEK: "còn 7 ngày đến hạn", Kind.DAY: "còn 1 ngày đến hạn",
                Kind.OVERDUE: "đã quá hạn"}[kind]
    assert expected in brick.subject
    # The commune's digest names its open facilities, with or without an address, and no other.
    (digest,) = inbox.to("xa.a@melinh.vn")
    commune = world["facilities"]["requested"].commune
    assert f"3 cơ sở của {lowerfirst(commune)} " in digest.subject  # "của thị trấn Quang Minh"
    for name in ("Công ty Gạch Quang Minh", "HTX Mây tre Chi Đông", "Cơ sở Bún Tráng Việt"):
        assert name in digest.body
    assert "chưa có địa chỉ e-mail" in digest.body and "0243 888 1234" in digest.body
    for name in ("Bao bì Kim Hoa", "Dệt Thanh Lâm", "Nhựa Tiền Phong"):
        assert name not in digest.body
    (digest_b,) = inbox.to("xa.b@melinh.vn")
    assert "Công ty Nhựa Tiền Phong" in digest_b.body and "Gạch" not in digest_b.body
    assert f"/audits/requests/{world['request'].pk}/" in digest_b.body
    assert Reminder.objects.filter(kind=kind, sent_at__isnull=False).count() == 6


@pytest.mark.django_db
def test_running_twice_sends_nothing_the_second_time(world, send_to_smtp_server):
    inbox = send_to_smtp_server
    today = day(world, 7)
    assert reminders_send(today=today).sent == 6
    assert reminders_send(today=today).sent == 0
    # the next day is still the week's reminder: already sent
    assert reminders_send(today=today + timedelta(days=1)).sent == 0
    assert len(inbox.messages) == 6


@pytest.mark.django_db
def test_each_stage_is_sent_once_and_nothing_outside_the_windows(world, send_to_smtp_server):
    inbox = send_to_smtp_server
    for days_before in (30, 8, 7, 6, 2, 1, 0, -1, -2, -30, -31, -60):
        reminders_send(today=day(world, days_before))
    kinds = sorted(Reminder.objects.values_list("kind", flat=True))
    assert kinds == sorted([Kind.WEEK] * 6 + [Kind.DAY] * 6 + [Kind.OVERDUE] * 6)
    assert len(inbox.messages) == 18
    assert len(inbox.to("gach@example.vn")) == 3


@pytest.mark.django_db
def test_a_missed_stage_is_caught_up_within_its_window_only(world, send_to_smtp_server):
    inbox = send_to_smtp_server
    reminders_send(today=day(world, 3))  # beat missed the 7th day: the week's reminder now
    assert set(Reminder.objects.values_list("kind", flat=True)) == {Kind.WEEK}
    inbox.clear()
    reminders_send(today=day(world, 0))  # and the 1st: the deadline day sends the day's
    assert len(inbox.messages) == 6
    assert "hôm nay, ngày" in inbox.to("gach@example.vn")[0].subject


@pytest.mark.django_db
def test_a_facility_that_sent_its_form_hears_nothing_more(world, send_to_smtp_server):
    inbox = send_to_smtp_server
    request = world["request"]
    Submission.objects.filter(request=request).exclude(
        facility=world["facilities"]["requested"]).update(state=State.SUBMITTED)
    reminders_send(today=day(world, 1))
    assert addresses(inbox) == sorted(["gach@example.vn", "xa.a@melinh.vn", "xa.a2@melinh.vn"])
    inbox.clear()
    Submission.objects.filter(request=request).update(state=State.ACCEPTED)
    reminders_send(today=day(world, -1))
    assert inbox.messages == []


@pytest.mark.django_db
def test_a_server_failing_midway_leaves_the_unsent_to_the_next_run(world, send_to_smtp_server):
    inbox = send_to_smtp_server
    inbox.refuse_after = 2
    run = reminders_send(today=day(world, 7))
    assert run.sent == 2 and run.failed == 4
    first = addresses(inbox)
    # What the server took is recorded as sent; nothing else is claimed.
    assert sorted(Reminder.objects.values_list("email", flat=True)) == first
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()

    inbox.refuse_after = None
    assert reminders_send(today=day(world, 6)).sent == 4
    assert sorted(addresses(inbox)) == sorted(FACILITY_ADDRESSES | DIGEST_ADDRESSES)
    assert len(inbox.messages) == 6


@pytest.mark.django_db
def test_a_message_refused_for_good_does_not_stop_the_others(world, send_to_smtp_server):
    inbox = send_to_smtp_server
    inbox.rejected = {"gach@example.vn"}  # first in the run
    run = reminders_send(today=day(world, 7))
    assert (run.sent, run.failed) == (5, 1)
    assert inbox.to("gach@example.vn") == [] and len(inbox.messages) == 5
    assert not Reminder.objects.filter(email="gach@example.vn").exists()
    inbox.rejected = set()  # the address was corrected, say: the next run sends it
    assert reminders_send(today=day(world, 6)).sent == 1
    assert len(inbox.to("gach@example.vn")) == 1


@pytest.mark.django_db
def test_a_server_that_cannot_be_reached_sends_and_records_nothing(world, settings,
                                                                   send_to_smtp_server):
    settings.EMAIL_PORT = free_port()  # nobody listens there
    run = reminders_send(today=day(world, 7))
    assert (run.sent, run.failed) == (0, 6)
    assert not Reminder.objects.exists()


@pytest.mark.django_db
def test_a_claim_of_another_run_is_left_to_it_until_it_is_stale(world, send_to_smtp_server):
    inbox = send_to_smtp_server
    request, brick = world["request"], world["facilities"]["requested"]
    # Another run took the brickworks' reminder a moment ago and is sending it now.
    claim = Reminder.objects.create(request=request, kind=Kind.WEEK, facility=brick,
                                    email=brick.email, claimed_at=timezone.now())
    reminders_send(today=day(world, 7))
    assert inbox.to(brick.email) == [] and len(inbox.messages) == 5
    # That run died before marking it sent: an hour later the claim is taken over.
    Reminder.objects.filter(pk=claim.pk).update(claimed_at=timezone.now() - timedelta(hours=2))
    assert reminders_send(today=day(world, 6)).sent == 1
    assert len(inbox.to(brick.email)) == 1
    assert Reminder.objects.get(pk=claim.pk).sent_at is not None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_message_once(world, send_to_smtp_server):
    need("PostgreSQL", connection.vendor == "postgresql", "two sessions at once")
    inbox, today = send_to_smtp_server, day(world, 7)
    barrier, runs, errors = threading.Barrier(2), [], []

    def run():
        try:
            barrier.wait()
            runs.append(reminders_send(today=today))
        except Exception as exc:  # collected for the test to look at
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(r.sent for r in runs) == 6
    assert addresses(inbox) == sorted(FACILITY_ADDRESSES | DIGEST_ADDRESSES)


@pytest.mark.django_db
def test_with_email_off_nothing_is_recorded(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    assert reminders_send(today=day(world, 7)).sent == 0
    assert not Reminder.objects.exists()
    assert send_templated(to=["a@example.vn"], template="audits/email/reminder.txt",
                          context={}) is False


@pytest.mark.django_db
def test_without_a_server_make_run_writes_the_messages_under_var_mail(world, settings,
                                                                      tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    assert reminders_send(today=day(world, 7)).sent == 6
    (written,) = (tmp_path / "mail").iterdir()
    assert written.read_text().count("Subject: ") == 6


def test_a_plain_text_message_keeps_an_ampersand():
    subject, body = render_templated("audits/email/reminder.txt", {
        "request": DataRequest(year=2018, title="A & B", deadline=timezone.localdate()),
        "facility": {"name": "Gạch <Đông> & Tây"}, "url": "http://x/", "days_left": 3,
        "overdue": False})
    assert "Gạch <Đông> & Tây" in body and '"A & B"' in body and "&amp;" not in body
    assert "\n" not in subject and subject.startswith("Số liệu năm 2018: còn 3 ngày")


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
@pytest.mark.xdist_group("celery")
def test_the_beat_task_sends_through_a_real_worker_once(start_worker, smtp_server, tmp_path):
    call_command("load_demo", stdout=StringIO())
    request = DataRequest.objects.get(year=2018)
    # The clock is the worker's: the deadline is moved to 7 days from its today.
    DataRequest.objects.filter(pk=request.pk).update(
        deadline=timezone.localdate() + timedelta(days=7))
    expected = {s.facility.email for s in request.submissions.select_related("facility")
                if s.is_open and s.facility.email}
    assert expected
    smtp_server.clear()
    worker = start_worker(EMAIL_HOST=smtp_server.host, EMAIL_PORT=smtp_server.port)
    from audits.tasks import send_reminders

    send_reminders.delay()
    # The task makes and sends reminders one by one: wait for it to end, not
    # for a moment when every reminder made so far happens to be sent.
    wait_for(lambda: worker.log.read_text().count("succeeded in") >= 1,
             what="the first run to end")
    assert Reminder.objects.count() > 0
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()
    received = {address for m in smtp_server.messages for address in m.recipients}
    assert expected <= received
    count = len(smtp_server.messages)
    assert count == Reminder.objects.count()

    send_reminders.delay()
    wait_for(lambda: worker.log.read_text().count("succeeded in") >= 2,
             what="the second run to end")
    assert len(smtp_server.messages) == count
