"""What the district level left to fix (issue 16): a unit's code is unique within its district
only, and everything that finds a unit by its code looks within a district; no page, letter or
e-mail of another district names Mê Linh, while with Mê Linh alone their words stay as they
were."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import District, Role, Unit, User
from audits.letters import letters_html
from audits.mail import render_templated
from audits.models import DataRequest
from campaigns.forms import CampaignForm
from tests.conftest import make_user
from tests.factories import second_district

pytestmark = pytest.mark.django_db

PASSWORD = "Rat-kho-doan-2018"


@pytest.fixture
def socson(cast):
    """Sóc Sơn beside Mê Linh (the cast made first), with its own Economic Department "KINH_TE"
    as Mê Linh has."""
    district, commune, _namesake = second_district()
    unit = Unit.objects.create(code="KINH_TE", name="Phòng Kinh tế huyện Sóc Sơn",
                               district=district)
    return district, unit


def test_two_districts_may_each_have_a_unit_of_the_same_code(socson):
    district, unit = socson
    melinh_unit = Unit.objects.get(code="KINH_TE", district__code="250")
    assert melinh_unit.pk != unit.pk and unit.district == district
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(code="KINH_TE", name="Phòng Kinh tế (bản trùng)", district=district)
    # The admin's form says it in words, naming the code's field pair.
    twin = Unit(code="KINH_TE", name="Phòng Kinh tế (bản trùng)", district=district)
    with pytest.raises(ValidationError) as refused:
        twin.full_clean()
    assert "Huyện đã có đơn vị mang mã này." in str(refused.value)


def test_adduser_finds_a_unit_by_its_code_within_the_district(socson):
    district, unit = socson
    with pytest.raises(CommandError, match=r"016 \(Huyện Sóc Sơn\), 250 \(Huyện Mê Linh\)"):
        call_command("adduser", "dv.ss", "--role", "unit", "--unit", "KINH_TE",
                     "--password", PASSWORD)
    call_command("adduser", "dv.ss", "--role", "unit", "--unit", "KINH_TE", "--district", "016",
                 "--password", PASSWORD)
    call_command("adduser", "dv.ml", "--role", "unit", "--unit", "KINH_TE", "--district", "250",
                 "--password", PASSWORD)
    ours, theirs = User.objects.get(username="dv.ss"), User.objects.get(username="dv.ml")
    assert (ours.unit, ours.district) == (unit, district)
    assert theirs.unit.district.code == theirs.district.code == "250"
    # A code only one district has needs no district.
    call_command("adduser", "dv.vh", "--role", "unit", "--unit", "TT_VHTT",
                 "--password", PASSWORD)
    assert User.objects.get(username="dv.vh").district.code == "250"
    with pytest.raises(CommandError, match="016"):
        call_command("adduser", "dv.x", "--role", "unit", "--unit", "TT_VHTT",
                     "--district", "016", "--password", PASSWORD)


def test_a_new_campaign_is_led_by_the_users_own_economic_department(socson):
    district, unit = socson
    socson_staff = make_user("canbo.ss", Role.STAFF, district=district)
    melinh_staff = User.objects.get(username="staff")
    assert CampaignForm(user=socson_staff).fields["lead_unit"].initial == unit
    assert CampaignForm(user=melinh_staff).fields["lead_unit"].initial == Unit.objects.get(
        code="KINH_TE", district__code="250")


def request_of(district: District) -> DataRequest:
    return DataRequest(district=district, year=2018, deadline=date(2018, 12, 1),
                       title="Số liệu năng lượng năm 2018")


def mails_of(request: DataRequest) -> str:
    facility = SimpleNamespace(name="Công ty TNHH Cơ khí Phù Linh", address="", phone="",
                               email="a@b.vn")
    official = SimpleNamespace(full_name="Trần Văn Hùng", username="xa")
    texts = [render_templated("audits/email/invitation.txt", {
        "request": request, "facility": facility, "code": "ABCD-1234", "url": "http://x/",
        "expires": date(2018, 12, 31)})[1]]
    for overdue in (False, True):
        texts.append(render_templated("audits/email/reminder.txt", {
            "request": request, "facility": facility, "url": "http://x/",
            "overdue": overdue, "days_left": 3})[1])
        texts.append(render_templated("audits/email/commune_digest.txt", {
            "request": request, "commune": "Xã Phù Linh", "official": official,
            "facilities": [facility], "url": "http://x/", "overdue": overdue,
            "days_left": 3})[1])
    return "\n".join(texts)


def letter_of(request: DataRequest, commune) -> str:
    facility = SimpleNamespace(name="Công ty TNHH Cơ khí Phù Linh", address="", commune=commune)
    invitation = SimpleNamespace(facility=facility, expires_at=timezone.now() + timedelta(days=30))
    return letters_html(request, [(invitation, "ABCD-1234")], "http://x/activate/")


def test_the_e_mails_and_letters_of_another_district_name_it_not_me_linh(cast, commune_a):
    melinh = District.objects.get(code="250")
    alone = mails_of(request_of(melinh)), letter_of(request_of(melinh), commune_a)
    # Mê Linh alone: the words it always had.
    assert "Phòng Kinh tế huyện Mê Linh" in alone[0]
    assert "Cổng thông tin sản xuất sạch hơn huyện Mê Linh" in alone[0]
    assert "Kế hoạch số 108/KH-UBND của UBND huyện Mê Linh" in alone[0]
    assert "Kế hoạch số 108/KH-UBND ngày 28/3/2018 của UBND huyện Mê Linh" in alone[1]

    district, commune, _namesake = second_district()
    cache.clear()  # the count of districts is read once in a while (context_processors)
    texts = mails_of(request_of(district)), letter_of(request_of(district), commune)
    for text in texts:
        assert "Mê Linh" not in text and "108/KH-UBND" not in text
    assert texts[0].count("Phòng Kinh tế huyện Sóc Sơn") == 3  # the invitation, 2 reminders
    assert texts[0].count("Cổng thông tin sản xuất sạch hơn huyện Sóc Sơn") == 5
    assert "Xã Phù Linh, huyện Sóc Sơn" in texts[1]
    assert "liên hệ Phòng Kinh tế huyện Sóc Sơn" in texts[1]
    assert "UBND huyện Sóc Sơn</div>" in texts[1] and "Sóc Sơn, ngày" in texts[1]
    # Mê Linh's own, now one district among several, says its name the new way.
    assert "Phòng Kinh tế huyện Mê Linh" in mails_of(request_of(melinh))


def test_the_pages_before_signing_in_name_no_district_among_several(client, cast):
    pages = (reverse("accounts:login"), reverse("activate"))
    for path in pages:
        assert "Mê Linh" in client.get(path).content.decode(), path
    second_district()
    cache.clear()
    for path in pages:
        page = client.get(path).content.decode()
        assert "Mê Linh" not in page, path
    assert "Phòng Kinh tế quận, huyện nơi cơ sở hoạt động" in client.get(pages[1]).content.decode()


def test_the_lock_page_names_the_users_own_district(login, cast):
    district, _commune, _namesake = second_district()
    socson_staff = make_user("canbo.ss", Role.STAFF, district=district)
    page = login(socson_staff).get(reverse("reports:locks")).content.decode()
    assert "Mê Linh" not in page and "huyện Sóc Sơn" in page
    page = login(User.objects.get(username="staff")).get(reverse("reports:locks")).content.decode()
    assert "Sóc Sơn" not in page and "huyện Mê Linh" in page
