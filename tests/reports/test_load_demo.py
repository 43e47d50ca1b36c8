from collections import Counter

import pytest
from django.core.management import call_command

from accounts.models import Role, User
from audits.models import DataRequest, Submission
from reports.models import Plan, PlanTask, Target

pytestmark = pytest.mark.django_db


def test_load_demo_once(capsys):
    call_command("load_demo")
    first = capsys.readouterr().out
    assert "canbo.kinhte" in first and "MeLinh@2018" in first
    roles = set(User.objects.values_list("role", flat=True))
    # Every role but the city's officer, whose account comes with `load_demo --city`.
    assert roles == set(Role.values) - {Role.CITY}
    communes = set(User.objects.filter(role=Role.COMMUNE).values_list("commune__code", flat=True))
    assert len(communes) == 2
    assert User.objects.get(role=Role.UNIT).unit.code == "TT_VHTT"
    assert User.objects.filter(role=Role.STAFF, is_sxsh_officer=True).count() == 1
    plan = Plan.objects.get(code="108/KH-UBND")
    assert (plan.year, plan.baseline_year) == (2018, 2017)
    targets = {t.indicator: t for t in plan.targets.all()}
    assert targets["aware"].value == 20 and targets["aware"].mode == "relative"
    assert targets["saving"].value == 10
    assert (targets["saving"].band_low, targets["saving"].band_high) == (8, 13)
    assert targets["officers"].value == 1
    assert PlanTask.objects.filter(plan=plan).count() == 8
    # The 2018 data request: submissions in every state, each move recorded, the accepted
    # ones' records verified, and the demo enterprise linked to a returned one.
    request = DataRequest.objects.get(year=2018)
    states = Counter(request.submissions.values_list("state", flat=True))
    assert set(states) == set(Submission.State.values) and states["requested"] >= 2
    for submission in request.submissions.exclude(state="requested"):
        assert submission.transitions.last().to_state == submission.state
    assert all(s.record.is_verified for s in request.submissions.filter(state="accepted"))
    enterprise = User.objects.get(username="doanhnghiep.demo")
    [mine] = enterprise.represented_facilities.all()
    assert mine.submissions.get().state == "returned"
    assert "doanhnghiep.demo" in first

    counts = (User.objects.count(), Plan.objects.count(), Target.objects.count(),
              PlanTask.objects.count())
    call_command("load_demo")
    second = capsys.readouterr().out
    assert "không nạp lại" in second
    assert (User.objects.count(), Plan.objects.count(), Target.objects.count(),
            PlanTask.objects.count()) == counts


def test_every_demo_account_logs_in_with_the_printed_password(client):
    call_command("load_demo")
    for user in User.objects.all():
        response = client.post("/accounts/login/", {"username": user.username,
                                                    "password": "MeLinh@2018"})
        assert response.status_code == 302, user.username
        # "/" is each one's landing page (an enterprise's own page is another address).
        assert client.get("/", follow=True).status_code == 200, user.username
        client.post("/accounts/logout/")
