"""One way into the figures: the dashboard, the PDF, the workbook, the public pages and
`kpi --json` print the same figures for the same year and scope, because all of them read
`kpis.overview(year, scope)`. Each output is read back the way a person reads it (the page's
text, the PDF's text, the workbook's cells) and compared with the JSON, in both target modes."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import Commune, User
from melinh_sxsh.lib.text import format_number
from reports import kpis
from reports.exporters import PdfExporter, XlsxExporter, gather
from reports.models import Target

pytestmark = pytest.mark.django_db

QUANG_MINH = "08989"


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=StringIO())


def set_aware_target(mode: str) -> None:
    """The demo's plan sets +20 % relative; in points, +5 points (the demo's change is 25.18)."""
    if mode == "points":
        Target.objects.filter(plan__year=2018, indicator="aware").update(
            mode="points", value=Decimal(5)
        )


def kpi_json(*args: str) -> dict:
    out = StringIO()
    call_command("kpi", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


# ---- what each output should print, from the JSON ------------------------------------------


def vn(value, places: int = 0) -> str:
    return format_number(value, places)


def written_target(data: dict) -> str:
    value = data["target"]
    places = 0 if float(value).is_integer() else 2
    unit = " điểm %" if data["target_mode"] == "points" else "%"
    return f"+{vn(value, places)}{unit}"


def expected(data: dict) -> dict[str, str]:
    printed = {
        "active_base": vn(data["active"]["baseline"]),
        "active": vn(data["active"]["current"]),
        "applying": vn(data["applying"]["current"]),
        "in_band": vn(data["saving"]["in_band"]),
        "above_band": vn(data["saving"]["above_band"]),
        "toe": vn(data["energy_saved_toe"], 3),
        "officers": vn(data["officers"]["current"]),
    }
    for key in ("aware", "saving"):
        figure = data[key]
        printed |= {
            f"{key}_base": vn(figure["baseline"]),
            key: vn(figure["current"]),
            f"{key}_pct": vn(figure["change_percent"], 2),
            f"{key}_pts": vn(figure["change_points"], 2),
            f"{key}_target": written_target(figure),
            f"{key}_met": "yes" if figure["met"] else "no",
        }
    return printed


def in_mode(key: str, text: str, mode: str) -> dict[str, str]:
    """A change written with its unit, filed under the mode it is in."""
    if mode == "points":
        assert text.endswith(" điểm %"), text
        return {f"{key}_pts": text.removesuffix(" điểm %")}
    assert text.endswith("%") and "điểm" not in text, text
    return {f"{key}_pct": text.removesuffix("%")}


# ---- reading the outputs back ---------------------------------------------------------------


class Cards(HTMLParser):
    """The text of every element whose class has `card_class`, piece by piece; the data-count
    of every link, by its address; and every dt's dd."""

    def __init__(self, card_class: str):
        super().__init__()
        self.card_class, self.depth, self.cards = card_class, 0, []
        self.counts: dict[str, str] = {}
        self.pairs: dict[str, str] = {}
        self._dt: str | None = None
        self._in: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.depth:
            self.depth += 1
        elif self.card_class in (attrs.get("class") or "").split():
            self.depth = 1
            self.cards.append([])
        if tag == "a" and "data-count" in attrs:
            self.counts[attrs["href"]] = attrs["data-count"]
        if tag in ("dt", "dd"):
            self._in, self._text = tag, ""

    def handle_endtag(self, tag):
        if tag in ("dt", "dd") and self._in == tag:
            text = " ".join(self._text.split())
            if tag == "dt":
                self._dt = text
            elif self._dt is not None:
                self.pairs[self._dt] = text
            self._in = None
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self._in:
            self._text += data
        if self.depth and data.strip():
            self.cards[-1].append(" ".join(data.split()))


def parse(body: str, card_class: str) -> Cards:
    parser = Cards(card_class)
    parser.feed(body)
    return parser


def after(texts: list[str], label: str) -> str:
    return texts[texts.index(label) + 1]


def from_dashboard(client, user: User, commune: str | None, modes: dict) -> dict[str, str]:
    query = {"year": 2018} | ({"commune": commune} if commune else {})
    body = client.get("/", query).content.decode()
    page = parse(body, "target-card")
    printed = {}
    for key, card in zip(("aware", "saving"), page.cards, strict=True):
        printed |= {
            f"{key}_base": card[2],
            key: card[4],
            f"{key}_pct": after(card, "Tăng, giảm").removesuffix("%"),
            f"{key}_pts": after(card, "Thay đổi tỷ lệ").removesuffix(" điểm %"),
            f"{key}_target": after(card, "Chỉ tiêu"),
            f"{key}_met": "yes" if "đạt" in card and "không đạt" not in card else "no",
        }
        assert ("thay đổi tỷ lệ" in card[-1]) == (modes[key] == "points"), card[-1]
    scope = "?year=2018" + (f"&commune={commune}" if commune else "")
    printed |= {
        figure: page.counts[f"/reports/kpi/{figure}/{scope}"]
        for figure in ("active", "applying", "in_band", "above_band")
    }
    printed |= {
        "officers": page.counts["/reports/kpi/officers/"],
        "toe": page.pairs["Năng lượng tiết kiệm (TOE)"],
    }
    return printed


def from_pdf(data) -> dict[str, str]:
    reader = PdfReader(BytesIO(PdfExporter().render_bytes(data)))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    number, change = r"([\d.]+)", r"([\d.,]+|—)"
    target = r"(\+[\d.,]+(?:%| điểm %)) (Đạt|Không đạt)"
    active = re.search(rf"năm 2017 là {number} cơ sở, năm 2018 là {number} cơ sở", text)
    aware = re.search(rf"lợi ích của SXSH {number} {number} {change} {change} {target}", text)
    saving = re.search(rf"trở lên {number} {number} {change} {change} {target}", text)
    officers = re.search(rf"về SXSH(?: \(toàn huyện\))? — {number} —", text)
    note = re.search(
        rf"có {number} cơ sở đang áp dụng SXSH; {number} cơ sở tiết kiệm trong "
        rf"khoảng [^;]*\(đạt\), {number} cơ sở tiết kiệm trên [^;]*; tổng năng "
        rf"lượng tiết kiệm ([\d.,]+) TOE",
        text,
    )
    assert active and aware and saving and officers and note, text
    printed = {
        "active_base": active[1],
        "active": active[2],
        "officers": officers[1],
        "applying": note[1],
        "in_band": note[2],
        "above_band": note[3],
        "toe": note[4],
    }
    for key, match in (("aware", aware), ("saving", saving)):
        printed |= {
            f"{key}_base": match[1],
            key: match[2],
            f"{key}_pct": match[3],
            f"{key}_pts": match[4],
            f"{key}_target": match[5],
            f"{key}_met": "yes" if match[6] == "Đạt" else "no",
        }
    return printed


def from_workbook(data, modes: dict) -> dict[str, str]:
    workbook = load_workbook(BytesIO(XlsxExporter().render_bytes(data)))
    rows = {row[0]: row for row in workbook["Chỉ tiêu"].iter_rows(min_row=2, values_only=True)}
    active = rows["Cơ sở đang hoạt động"]
    printed = {
        "active_base": vn(active[1]),
        "active": vn(active[2]),
        "applying": vn(rows["Cơ sở đang áp dụng SXSH"][2]),
        "in_band": vn(rows["– trong đó tiết kiệm trong khoảng chỉ tiêu (đạt)"][2]),
        "above_band": vn(rows["– trong đó tiết kiệm vượt khoảng chỉ tiêu (vượt)"][2]),
        "toe": vn(rows["Năng lượng tiết kiệm (TOE)"][2], 3),
    }
    officers = next(row for label, row in rows.items() if label.startswith("Cán bộ"))
    printed["officers"] = vn(officers[2])
    for key, label in (
        ("aware", "Cơ sở nhận thức được lợi ích của SXSH"),
        ("saving", "Cơ sở áp dụng SXSH tiết kiệm năng lượng"),
    ):
        row = rows[label]
        # The column "Cách tính" names the target's mode, in words.
        assert row[6] == {"relative": "tăng tương đối (%)",
                          "points": "thay đổi tỷ lệ (điểm phần trăm)"}[modes[key]]
        unit = " điểm %" if modes[key] == "points" else "%"
        places = 0 if float(row[5]).is_integer() else 2
        printed |= {
            f"{key}_base": vn(row[1]),
            key: vn(row[2]),
            f"{key}_pct": vn(row[3], 2),
            f"{key}_pts": vn(row[4], 2),
            f"{key}_target": f"+{vn(row[5], places)}{unit}",
            f"{key}_met": "yes" if row[7] == "Đạt" else "no",
        }
    return printed


def from_public_home(client, modes: dict) -> dict[str, str]:
    body = unescape(client.get("/public/").content.decode())
    page = parse(body, "public-target")
    aware, applying, saving = page.cards
    printed = {
        "applying": applying[1],
        "in_band": page.pairs["Tiết kiệm 8–13%"],
        "above_band": page.pairs["Tiết kiệm trên 13%"],
        "officers": page.pairs["Cán bộ quản lý nhà nước về SXSH"].split(" / ")[0],
        "active": re.search(r"có ([\d.]+) cơ sở sản xuất đang hoạt động", body)[1],
        "toe": re.search(r'<p class="fs-3 mb-1[^"]*">([\d.,]+) <abbr', body)[1],
    }
    for key, card in (("aware", aware), ("saving", saving)):
        printed |= {
            key: card[1],
            f"{key}_base": card[3],
            f"{key}_target": after(card, "Chỉ tiêu"),
            f"{key}_met": "yes" if "Đạt chỉ tiêu" in card else "no",
        }
        printed |= in_mode(key, after(card, "Tăng, giảm"), modes[key])
    return printed


def from_embed(client, modes: dict) -> dict[str, str]:
    pairs = parse(unescape(client.get("/public/embed/progress/").content.decode()), "x").pairs
    printed = {
        "applying": pairs["Cơ sở đang áp dụng sản xuất sạch hơn"],
        "toe": pairs["Năng lượng tiết kiệm"].removesuffix(" TOE"),
    }
    for key, label in (
        ("aware", "Cơ sở nhận thức được lợi ích của SXSH"),
        ("saving", "Cơ sở tiết kiệm năng lượng"),
    ):
        current, change = re.fullmatch(r"([\d.]+) \(\+(.+)\)", pairs[label]).groups()
        printed |= {key: current} | in_mode(key, change, modes[key])
    return printed


# ---- the test -------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("aware_mode", ["relative", "points"])
@pytest.mark.parametrize("commune", [None, QUANG_MINH], ids=["district", "quang-minh"])
def test_every_output_prints_the_overviews_figures(demo, client, login, commune, aware_mode):
    set_aware_target(aware_mode)
    modes = {"aware": aware_mode, "saving": "relative"}
    data = kpi_json("--year", "2018", *(["--commune", commune] if commune else []))
    overview = kpis.overview(
        2018, kpis.Scope(Commune.objects.get(code=commune).pk if commune else None)
    )
    assert overview.figures.as_json() == data
    assert data["aware"]["target_mode"] == aware_mode
    want = expected(data)

    user = User.objects.get(username="xa.quangminh" if commune else "lanhdao")
    outputs = {"dashboard": from_dashboard(login(user), user, commune, modes)}
    report = gather(year=2018, commune=Commune.objects.filter(code=commune).first())
    outputs["pdf"] = from_pdf(report)
    outputs["workbook"] = from_workbook(report, modes)
    if commune is None:  # the public pages are the district's
        client.logout()
        outputs["public"] = from_public_home(client, modes)
        outputs["embed"] = from_embed(client, modes)

    for name, printed in outputs.items():
        assert len(printed) >= 6, name
        assert printed == {key: want[key] for key in printed}, name
    # Between them the outputs print every figure of the JSON.
    assert set().union(*outputs.values()) == set(want)


def test_the_trend_starts_at_one_first_year_everywhere(demo, login, client):
    trend = [(p.year, p.active, p.aware, p.applying, p.saving) for p in kpis.overview(2018).trend]
    assert trend[0][0] == kpis.FIRST_TREND_YEAR and trend[-1][0] == 2018

    def table(body: str, caption: str) -> list[tuple[int, ...]]:
        part = body.split(caption, 1)[1].split("</table>", 1)[0]
        rows = re.findall(r"<tr>(.*?)</tr>", part, re.S)[1:]
        return [
            tuple(int(cell.replace(".", "")) for cell in re.findall(r">\s*([\d.]+)\s*<", row))
            for row in rows
        ]

    dashboard = login(User.objects.get(username="lanhdao")).get("/", {"year": 2018})
    assert table(dashboard.content.decode(), "<caption>Số cơ sở theo năm</caption>") == trend
    client.logout()
    public = client.get("/public/").content.decode()
    assert table(public, "<caption>Số cơ sở theo năm</caption>") == trend
    assert gather(year=2018).trend == kpis.overview(2018).trend


def test_the_tables_list_the_communes_of_their_year(db):
    """A commune made in 2025 is not a row of 2018; one merged away after 2017 still is a row
    of 2018 while a facility operating then belongs to it, and no longer is otherwise."""
    from accounts.models import District
    from tests.factories import FacilityFactory

    melinh = District.objects.get(code="250")
    new = Commune.objects.create(code="99990", name="Mới", district=melinh, first_year=2025)
    gone = Commune.objects.get(code="09001")
    gone.last_year = 2017
    gone.save()

    def rows(year):
        return {commune.code for commune in kpis.overview(year).communes}

    assert "99990" not in rows(2018) and "99990" in rows(2025)
    assert "09001" in rows(2017) and "09001" not in rows(2018)
    FacilityFactory(commune=gone, first_year=2010)
    assert "09001" in rows(2018)
    assert len(rows(2018)) == 18 and new.pk
