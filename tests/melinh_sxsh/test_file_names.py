"""Every file the portal hands out is named in Vietnamese words, without a code, and what it
generates reads in Vietnamese: the reports (PDF and workbook, the district's and a commune's),
the facility list's workbook, the import templates, and whatever the authorization matrix's
pages download for any role. A module that sets a download's name joins DOWNLOADING below, so
that a new download is not forgotten here. Then the examples the issue named."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from melinh_sxsh.lib.importing import REGISTRY
from tests.factories import district_create
from tests.security.test_authorization_matrix import MATRIX, ROLES, address
from tests.security.world import build_world
from tests.vietnamese import (
    catalogue,
    content_of,
    problems,
    reference_names,
    response_problems,
    words,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]

# Every module that names a file handed out (Content-Disposition, or lib/http's
# attachment_response): the downloads this file opens.
DOWNLOADING = {
    "melinh_sxsh/lib/http.py",  # attachment_response
    "facilities/views.py",  # the facility list as a workbook
    "facilities/import_views.py",  # the import templates
    "audits/enterprise_views.py",  # the energy template prefilled for a submission
    "audits/letters.py",  # a data request's invitation letters
    "reports/views/reports.py",  # a report's file
    "reports/views/tasks.py",  # a progress report's attachment, as uploaded
    "campaigns/views.py",  # a campaign's attachment, as uploaded
    "campaigns/document_views.py",  # a document, as uploaded
    "public/views.py",  # a public document, as uploaded
}
NAMING = re.compile(r"Content-Disposition|attachment_response\(|FileResponse\(|as_attachment")


def test_every_module_that_names_a_download_is_known():
    found = set()
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith((".venv/", "tests/", "var/")) or "/migrations/" in relative:
            continue
        if NAMING.search(path.read_text(encoding="utf-8")):
            found.add(relative)
    assert found == DOWNLOADING


def file_name(response) -> str:
    header = response.get("Content-Disposition", "")
    if match := re.search(r"filename\*=utf-8''([^;]+)", header, re.I):
        return unquote(match.group(1))
    match = re.search(r'filename="?([^";]+)"?', header)
    return match.group(1) if match else ""


def name_problems(name: str) -> list[str]:
    """A code (a commune's 08989, C10, KHUYEN_CONG) or an English word in a file's name."""
    _ours, english = catalogue()
    stem = name.rsplit(".", 1)[0]
    found = [f"English word {w!r}" for w in sorted(words(stem.replace("-", " ")) & english)]
    for part in re.split(r"[-\s.]+", stem):
        year = part.isdigit() and len(part) == 4 and part[:2] in ("19", "20")
        if (re.search(r"\d", part) and not year) or "_" in part:
            found.append(f"code {part!r}")
    return found


def test_the_name_check_sees_codes_and_english():
    assert name_problems("bao-cao-sxsh-2018-thi-tran-quang-minh.pdf") == []
    assert name_problems("bao-cao-sxsh-2018-08989.pdf") == ["code '08989'"]
    assert name_problems("mau-nhap-facilities.xlsx") == ["English word 'facilities'"]
    assert name_problems("handbook-7.pdf") == ["English word 'handbook'", "code '7'"]


def reports_of_every_kind(world, staff):
    """The district's and commune A's report, as a PDF and as a workbook (the worker's code)."""
    from reports.building import report_build
    from reports.models import Report

    built = []
    for commune in (None, world.report.commune):
        for form in ("pdf", "xlsx"):
            report = district_create(
                Report, year=2018, commune=commune, format=form, requested_by=staff
            )
            report_build(report.pk)
            built.append(report)
    return built


def generated_downloads(world, staff) -> list[str]:
    urls = [
        reverse("reports:report_download", args=[report.pk])
        for report in reports_of_every_kind(world, staff)
    ]
    urls += [reverse("facilities:import_template", args=[kind]) for kind in REGISTRY]
    urls += [reverse("audits:submission_template", args=[world.submission.pk])]
    urls += [reverse("facilities:export") + "?year=2018"]
    return urls


@pytest.mark.slow  # every download, each built
def test_every_file_is_named_and_written_in_vietnamese(login, cast):
    world = build_world(
        staff=cast["staff"], official_a=cast["official_a"], official_b=cast["official_b"]
    )
    opened, found, names = {}, {}, reference_names()
    downloads = generated_downloads(world, cast["staff"])
    for role in ROLES[1:]:
        client = login(cast[role])
        for url in [address(name, world) for name in sorted(MATRIX)] + downloads:
            response = client.get(url)
            if response.status_code != 200 or not response.has_header("Content-Disposition"):
                continue
            name = file_name(response)
            opened[url] = name
            for problem in name_problems(name):
                found.setdefault(f"{name}: {problem}", set()).add(url)
            if url in downloads:
                for problem in response_problems(response, data=names):
                    found.setdefault(f"{name}: {problem}", set()).add(url)
    assert found == {}
    # Each kind was opened: 4 reports, 3 templates, the list, the uploads of the matrix.
    assert set(downloads) <= set(opened) and len(opened) >= len(downloads) + 4, opened


@pytest.mark.slow
def test_workbook_headers_are_vietnamese(login, cast):
    """The first row of every sheet of every workbook the portal writes."""
    world = build_world(staff=cast["staff"], official_a=cast["official_a"])
    client = login(cast["staff"])
    checked, names = 0, reference_names()  # the energy template's "Than cốc (tấn)": coal
    for url in generated_downloads(world, cast["staff"]):
        response = client.get(url)
        if "spreadsheetml" not in response.get("Content-Type", ""):
            continue
        book = load_workbook(BytesIO(content_of(response)), read_only=True)
        for sheet in book.worksheets:
            if sheet.sheet_state != "visible":
                continue
            header = next(sheet.iter_rows(values_only=True), ())
            cells = [str(cell) for cell in header if cell is not None]
            assert cells, (url, sheet.title)
            assert problems("\n".join(cells), data=names) == [], (url, sheet.title, cells)
            # Written in Vietnamese, not merely free of English: its letters say so.
            assert re.search(r"[^\x00-\x7f]", " ".join(cells)), (url, sheet.title, cells)
            checked += 1
    assert checked >= 10


# ---- the examples of the issue ----------------------------------------------------------------


def test_the_import_templates_are_named_in_vietnamese(login, staff):
    client = login(staff)
    names = {
        kind: file_name(client.get(reverse("facilities:import_template", args=[kind])))
        for kind in REGISTRY
    }
    assert names == {
        "facilities": "mau-nhap-co-so-san-xuat.xlsx",
        "statuses": "mau-nhap-muc-do-ap-dung-sxsh-theo-nam.xlsx",
        "energy": "mau-nhap-so-lieu-nang-luong.xlsx",
    }


@pytest.mark.slow
def test_a_communes_report_is_named_after_the_commune(login, cast):
    world = build_world(staff=cast["staff"], official_a=cast["official_a"])
    names = {
        file_name(login(cast["staff"]).get(reverse("reports:report_download", args=[report.pk])))
        for report in reports_of_every_kind(world, cast["staff"])
    }
    assert names == {
        "bao-cao-sxsh-2018-thi-tran-quang-minh.pdf",
        "bao-cao-sxsh-2018-thi-tran-quang-minh.xlsx",
        "bao-cao-sxsh-2018-toan-huyen.pdf",
        "bao-cao-sxsh-2018-toan-huyen.xlsx",
    }


def test_the_workbook_names_how_each_target_is_measured(cast):
    from reports.exporters.base import gather
    from reports.exporters.xlsx import XlsxExporter

    build_world(staff=cast["staff"], official_a=cast["official_a"])
    _name, _kind, content = XlsxExporter().render(gather(year=2018))
    sheet = load_workbook(BytesIO(content), read_only=True)["Chỉ tiêu"]
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("Cách tính")
    assert [row[column] for row in rows[1:] if len(row) > column and row[column]] == [
        "tăng tương đối (%)",
        "tăng tương đối (%)",
        "số tuyệt đối",
    ]


@pytest.mark.slow
def test_the_pdf_writes_sxsh_in_capitals_in_its_data_quality_paragraph(cast):
    """A facility applying cleaner production without a measure: the flag's label, put inside
    the sentence, keeps SXSH (Django's `lower` wrote "sxsh")."""
    from pypdf import PdfReader

    from audits.quality import quality_refresh_ids
    from reports.exporters.base import gather
    from reports.exporters.pdf import PdfExporter
    from tests.factories import FacilityFactory, StatusFactory

    facility = FacilityFactory(commune=cast["official_a"].commune)
    StatusFactory(facility=facility, year=2018, stage=3)
    quality_refresh_ids([facility.pk])
    _name, _kind, content = PdfExporter().render(gather(year=2018))
    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(BytesIO(content)).pages
    )
    assert "đang áp dụng nhưng không có giải pháp SXSH: 1" in text
    assert "sxsh" not in text
