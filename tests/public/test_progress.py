"""The progress the public pages show is the KPI engine's, for the latest plan's year."""

import json
import re
from html import unescape

import pytest
from django.core.management import call_command

from reports import kpis
from reports.models import Plan, Target
from tests.factories import district_create

pytestmark = pytest.mark.django_db


def numbers_after(body: str, title: str) -> list[str]:
    """The numbers of the card that has this title, in order."""
    card = body.split(title, 1)[1].split("</article>", 1)[0]
    return re.findall(r">\s*([+\-]?[\d.]+(?:,\d+)?%?)\s*<", card)


def test_home_shows_the_same_figures_as_kpi_json(client, demo, capsys):
    call_command("kpi", "--year", "2018", "--json")
    expected = json.loads(capsys.readouterr().out)
    body = unescape(client.get("/public/").content.decode())
    assert "Kết quả năm 2018 so với năm 2017" in body
    aware = expected["aware"]
    assert numbers_after(body, "Cơ sở nhận thức được lợi ích của SXSH")[:3] == [
        str(aware["current"]), str(aware["baseline"]),
        f"{aware['change_percent']:.2f}".replace(".", ",") + "%"]
    saving = expected["saving"]
    assert numbers_after(body, "năng lượng trên đơn vị sản phẩm")[:3] == [
        str(saving["current"]), str(saving["baseline"]),
        f"{saving['change_percent']:.2f}".replace(".", ",") + "%"]
    assert f"{expected['energy_saved_toe']:.3f}".replace(".", ",") in body.replace(".", "")
    assert ("Đạt chỉ tiêu" in body) == (aware["met"] or saving["met"])


def test_home_names_no_plan_when_none_is_entered(client, world):
    assert not Plan.objects.exists()
    body = client.get("/public/").content.decode()
    assert "Kết quả năm 2018 so với năm 2017" in body
    assert "Chỉ tiêu theo Kế hoạch" not in body


def test_the_latest_plan_sets_the_year(client, world):
    district_create(Plan, code="12/KH-UBND", title="Kế hoạch 2019", year=2019, baseline_year=2018,
                    signed_on="2019-03-01", signer="Chủ tịch")
    response = client.get("/public/")
    assert "Kết quả năm 2019 so với năm 2018" in response.content.decode()
    figures = response.context["progress"].figures
    assert figures == kpis.summarize(
        kpis.evaluate(range(2016, 2020), band=kpis.targets_for(2019).band), year=2019,
        targets=kpis.targets_for(2019))


def test_trend_chart_is_an_image_with_its_table(client, world):
    body = client.get("/public/").content.decode()
    assert 'src="data:image/svg+xml;base64,' in body
    assert "<caption>Số cơ sở theo năm</caption>" in body


def test_a_target_in_points_is_shown_in_points(client, demo):
    """The plan sets target 1 as +5 percentage points: the public card and the embeddable card
    show the change of the share (25,18 điểm %), the one the target is decided on, not the
    relative change (45,51 %)."""
    Target.objects.filter(plan__year=2018, indicator="aware").update(mode="points", value=5)
    figures = kpis.overview(2018).figures
    assert figures.aware.change_text == "25,18 điểm %"
    assert figures.aware.change_percent_text == "45,51%"

    body = unescape(client.get("/public/").content.decode())
    card = body.split("Cơ sở nhận thức được lợi ích của SXSH", 1)[1].split("</article>", 1)[0]
    assert ">25,18 điểm %<" in card and ">+5 điểm %<" in card
    assert "45,51" not in card
    # The saving target stays relative, and says so.
    saving = body.split("năng lượng trên đơn vị sản phẩm", 1)[1].split("</article>", 1)[0]
    assert ">175,00%<" in saving and ">+10%<" in saving

    embed = unescape(client.get("/public/embed/progress/").content.decode())
    assert "(+25,18 điểm %)" in embed and "45,51" not in embed
    assert "(+175,00%)" in embed
