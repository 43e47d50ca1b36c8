"""Every page of every role in Vietnamese, as the authorization matrix lists them, with the
world's objects (a facility, a campaign, a demonstration model, a report, an energy record, a
task, an import job): read as a page, as an htmx fragment, and as the answer to its form posted
empty (the errors shown). None shows a word of English, a raw code, an English number or a
list of bare codes (tests/vietnamese.py says what counts); nor does any page of the admin.
Then the examples the issue named, each on its own."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import district_create
from tests.security.test_authorization_matrix import MATRIX, ROLES, address
from tests.security.world import build_world
from tests.vietnamese import names_of, page_problems, reference_names, response_problems

pytestmark = pytest.mark.django_db

FRAGMENT = {"HTTP_HX_REQUEST": "true"}
# What these download is what someone uploaded: their words, not the portal's.
UPLOADS = {"campaigns:attachment_download", "campaigns:document_download",
           "public:document_download", "reports:task_report_file"}  # fmt: skip

# The cast named as people are: their names are on pages (who asked, who changed what).
NAMES = {
    "staff": ("canbo.kinhte", "Nguyễn Văn An"),
    "official_a": ("xa.quangminh", "Lê Thị Hoa"),
    "official_b": ("xa.tienphong", "Trần Văn Bình"),
    "unit": ("donvi.vhtt", "Phạm Thu Hà"),
    "leader": ("lanhdao", "Hoàng Minh Tuấn"),
    "admin": ("quantri", "Đỗ Văn Quân"),
}


@pytest.fixture
def named_cast(cast):
    for role, (username, full_name) in NAMES.items():
        cast[role].username, cast[role].full_name = username, full_name
        cast[role].save(update_fields=["username", "full_name"])
    return cast


def the_data() -> frozenset[str]:
    return reference_names() | names_of(*(name for _login, name in NAMES.values()))


def report(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{problem}: {sorted(set(where))}" for problem, where in found.items())


@pytest.mark.slow  # every page for every role
@pytest.mark.parametrize("role", ROLES)
def test_every_page_is_in_vietnamese(role, login, named_cast):
    cast = named_cast
    world = build_world(
        staff=cast["staff"], official_a=cast["official_a"], official_b=cast["official_b"]
    )
    client = login(None if role == "anonymous" else cast[role])
    data, found, read = the_data(), {}, 0
    pages = [(name, address(name, world)) for name in sorted(MATRIX) if name != "accounts:logout"]
    # Writes last: a confirmed deletion must not take an object away from the pages read.
    for method, headers in (("get", {}), ("get", FRAGMENT), ("post", {})):
        for name, url in pages:
            response = getattr(client, method)(url, **headers)
            if name in UPLOADS and response.status_code == 200:
                continue
            read += response.status_code == 200
            for problem in response_problems(response, data=data):
                found.setdefault(problem, []).append(f"{method} {url}")
    assert found == {}, report(found)
    # An enterprise account reads the public pages, its own page and its password form.
    assert read >= {"anonymous": 15, "enterprise": 15}.get(role, 60)


def admin_addresses() -> list[str]:
    """Every page of the admin for the models the portal registers: each model's list, its
    empty form, and for one of its rows the form, the history and the deletion's
    confirmation."""
    from django.contrib import admin

    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        meta = model._meta
        name = f"admin:{meta.app_label}_{meta.model_name}"
        urls += [
            reverse(f"{name}_changelist"),
            reverse(f"{name}_add"),
            reverse("admin:app_list", args=[meta.app_label]),
        ]
        row = model._default_manager.order_by("pk").first()
        if row is not None:
            urls += [
                reverse(f"{name}_{page}", args=[row.pk]) for page in ("change", "history", "delete")
            ]
    return sorted(set(urls))


def admin_quoted() -> tuple[str, ...]:
    """What the admin shows of the reference data as it is (tests/fixtures/reference): its
    codes, a technique's English name, the notes the MOIT table came with."""
    from accounts.models import Unit
    from audits.models import CPTechnique, EnergyCarrier
    from campaigns.models import FundingSource

    texts = [
        text
        for model, field in (
            (Unit, "code"),
            (FundingSource, "code"),
            (CPTechnique, "code"),
            (EnergyCarrier, "code"),
            (CPTechnique, "name_en"),
            (EnergyCarrier, "note"),
        )
        for text in model.objects.values_list(field, flat=True)
    ]
    return tuple(text for text in texts if text)


SCRIPTED = ("vDateField", "vTimeField", "selectfilter")


@pytest.mark.slow  # every page for every role
def test_the_admin_is_in_vietnamese(login, named_cast):
    cast = named_cast
    build_world(staff=cast["staff"], official_a=cast["official_a"], official_b=cast["official_b"])
    client = login(cast["admin"])
    data, quoted, found = the_data(), admin_quoted(), {}
    for url in admin_addresses():
        methods = ("get", "post") if url.endswith("/add/") else ("get",)
        for method in methods:
            response = getattr(client, method)(url)
            assert response.status_code in (200, 302, 403), (method, url)
            problems = response_problems(response, data=data, quoted=quoted)
            # Widgets whose words a script writes, from Django's JavaScript catalogue, which
            # lacks Vietnamese for them (the days of the calendar, "Choose all").
            page = response.content.decode() if response.status_code == 200 else ""
            problems += [f"script-drawn widget {w}" for w in SCRIPTED if f'class="{w}' in page]
            for problem in problems:
                found.setdefault(problem, []).append(f"{method} {url}")
    assert found == {}, report(found)


def test_the_error_pages_are_in_vietnamese(login, named_cast):
    """A refused input (400), a missing page (404), a form sent without its token (403) and a
    failure (500): pages nobody reaches through the matrix's addresses."""
    from django.test import Client, RequestFactory
    from django.views.defaults import server_error

    client = login(named_cast["staff"])
    answers = [client.get("/facilities/?q=%00"), client.get("/khong-co-trang-nay/")]
    answers.append(Client(enforce_csrf_checks=True).post(reverse("accounts:login"), {}))
    answers.append(server_error(RequestFactory().get("/")))
    assert [answer.status_code for answer in answers] == [400, 404, 403, 500]
    for answer in answers:
        assert page_problems(answer.content.decode(), data=the_data()) == [], answer.status_code


# ---- the examples of the issue ----------------------------------------------------------------


def options_of(html: str, name: str) -> list[str]:
    import re

    from tests.vietnamese import read

    select = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S)
    assert select is not None, name
    return read(select.group(0)).options


def test_the_sort_menu_is_vietnamese_in_vietnamese_and_english_in_english(login, staff):
    client = login(staff)
    options = options_of(client.get(reverse("facilities:list")).content.decode(), "sort")
    assert "Tên (giảm dần)" in options and "Số lao động (giảm dần)" in options
    assert not [option for option in options if "descending" in option]
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    options = options_of(client.get(reverse("facilities:list")).content.decode(), "sort")
    assert "Name (descending)" in options


def test_the_dashboards_sectors_show_their_code_and_name(login, staff):
    options = options_of(login(staff).get(reverse("dashboard")).content.decode(), "sector")
    assert "C10 – Sản xuất, chế biến thực phẩm" in options
    assert "C10" not in options


def admin_plan_page(login, admin_user) -> str:
    from datetime import date
    from decimal import Decimal

    from accounts.models import Unit
    from reports.models import Plan, PlanTask, Target

    plan = district_create(
        Plan, code="108/KH-UBND", title="KH", year=2018, baseline_year=2017,
        signed_on=date(2018, 3, 28)
    )
    Target.objects.create(plan=plan, indicator="aware", mode="relative", value=Decimal(20))
    Target.objects.create(
        plan=plan,
        indicator="saving",
        mode="relative",
        value=Decimal(10),
        band_low=Decimal("8.5"),
        band_high=Decimal(13),
    )
    PlanTask.objects.create(plan=plan, unit=Unit.objects.get(code="TT_VHTT"), duty="x")
    page = login(admin_user).get(reverse("admin:reports_plan_change", args=[plan.pk]))
    return page.content.decode()


def test_the_plan_form_names_the_unit_in_vietnamese(login, admin_user):
    from tests.vietnamese import read

    texts = [" ".join(text.split()) for text in read(admin_plan_page(login, admin_user)).texts]
    assert "Đơn vị" in texts and "Người cập nhật" in texts
    assert "Unit" not in texts and "Updated by" not in texts


def test_target_values_are_written_the_vietnamese_way(login, admin_user):
    import re

    from reports.models import Target

    page = admin_plan_page(login, admin_user)
    values = dict(
        re.findall(r'name="targets-(\d-(?:value|band_low|band_high))" value="([^"]*)"', page)
    )
    assert values == {"0-value": "20", "1-value": "10", "1-band_low": "8,5", "1-band_high": "13"}
    assert "20.00" not in page
    assert str(Target.objects.get(indicator="aware")).endswith(": 20")


def test_a_checksum_is_not_read_as_words_and_a_word_still_is():
    from tests.vietnamese import problems

    # A report's SHA-256 shows its first characters; "dec" in it is not the month.
    assert problems("SHA-256: 3dec9a07be1f45c2aa…") == []
    assert problems("muối: bad8Tq********** băm: Kr2xWm**************") == []
    assert problems("Tháng Dec") == ["English word: 'dec'"]
