"""The authorization matrix: for every URL pattern of the project and every role, the answer
to GET and to POST. The list of patterns comes from the URL configuration, so a new view
without a row here fails the suite.

Roles, in the order of the codes below: anonymous, staff, the official of commune A (the
world's commune), the official of commune B, a unit officer (Trung tâm VHTT&TT), leadership,
the system administrator. The world's objects belong to commune A and to Phòng Kinh tế.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.world import build_world

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "staff", "official_a", "official_b", "unit", "leader", "admin"]
# Who goes last: a POST that deletes must not remove the object before others are tried.
ORDER = ["anonymous", "official_b", "unit", "leader", "admin", "official_a", "staff"]

R, OK, FORBIDDEN, HIDDEN, NOT_ALLOWED = 302, 200, 403, 404, 405
ALL_GET = (OK,) * 7
LOGIN_GET = (R, OK, OK, OK, OK, OK, OK)
POST_405 = (R, *(NOT_ALLOWED,) * 6)
PUBLIC = (ALL_GET, (NOT_ALLOWED,) * 7)
READ_ONLY = (LOGIN_GET, POST_405)
POST_ONLY_GET = (R, *(NOT_ALLOWED,) * 6)

#        name                            GET (anon, staff, off_a, off_b, unit, leader, admin)
#                                        POST (same order)
MATRIX = {
    "dashboard": READ_ONLY,
    "healthz": (ALL_GET, (NOT_ALLOWED,) * 7),
    "accounts:login": ((OK, R, R, R, R, R, R), (OK, R, R, R, R, R, R)),
    "accounts:logout": ((NOT_ALLOWED,) * 7, (R,) * 7),
    # one's own password: everyone signed in; another's: the system administrator only
    "accounts:password_change": (LOGIN_GET, LOGIN_GET),
    "accounts:users": ((R, 403, 403, 403, 403, 403, OK), POST_405),
    "accounts:user_reset_password": ((R, 403, 403, 403, 403, 403, OK),
                                     (R, 403, 403, 403, 403, 403, OK)),
    "set_language": ((R,) * 7, (R,) * 7),
    # facilities: commune officials keep their commune's; leaders, units, admins read
    "facilities:list": READ_ONLY,
    "facilities:export": READ_ONLY,
    "facilities:create": ((R, OK, OK, OK, 403, 403, 403), (R, OK, OK, OK, 403, 403, 403)),
    "facilities:status_bulk": (POST_ONLY_GET, (R, R, R, R, 403, 403, 403)),
    "facilities:detail": ((R, OK, OK, 404, OK, OK, OK), POST_405),
    "facilities:edit": ((R, OK, OK, 404, 403, 403, 403), (R, OK, OK, 404, 403, 403, 403)),
    "facilities:delete": ((R, OK, 403, 404, 403, 403, 403), (R, R, 403, 404, 403, 403, 403)),
    "facilities:status_update": (POST_ONLY_GET, (R, R, R, 404, 403, 403, 403)),
    "facilities:import": ((R, OK, OK, OK, 403, 403, 403), (R, OK, OK, OK, 403, 403, 403)),
    "facilities:import_template": ((R, OK, OK, OK, 403, 403, 403), POST_405),
    # an import job is seen by its uploader (official A) and by staff
    "facilities:import_detail": ((R, OK, OK, 404, 404, 404, 404), POST_405),
    "facilities:import_confirm": (POST_ONLY_GET, (R, R, R, 404, 404, 404, 404)),
    "facilities:import_cancel": (POST_ONLY_GET, (R, R, R, 404, 404, 404, 404)),
    # campaigns: staff change all, unit officers their own unit's (not Phòng Kinh tế's)
    "campaigns:index": READ_ONLY,
    "campaigns:create": ((R, OK, 403, 403, OK, 403, 403), (R, OK, 403, 403, OK, 403, 403)),
    "campaigns:detail": READ_ONLY,
    "campaigns:edit": ((R, OK, 403, 403, 403, 403, 403), (R, OK, 403, 403, 403, 403, 403)),
    "campaigns:delete": ((R, OK, 403, 403, 403, 403, 403), (R, R, 403, 403, 403, 403, 403)),
    "campaigns:attendance_add": (POST_ONLY_GET, (R, R, 403, 403, 403, 403, 403)),
    "campaigns:attendance_people": (POST_ONLY_GET, (R, R, 403, 403, 403, 403, 403)),
    "campaigns:attendance_remove": (POST_ONLY_GET, (R, R, 403, 403, 403, 403, 403)),
    "campaigns:attachment_add": (POST_ONLY_GET, (R, R, 403, 403, 403, 403, 403)),
    "campaigns:attachment_download": READ_ONLY,
    "campaigns:attachment_delete": (POST_ONLY_GET, (R, R, 403, 403, 403, 403, 403)),
    "campaigns:funding_add": (POST_ONLY_GET, (R, R, 403, 403, 403, 403, 403)),
    "campaigns:funding_delete": (POST_ONLY_GET, (R, R, 403, 403, 403, 403, 403)),
    "campaigns:models": READ_ONLY,
    "campaigns:model_create": ((R, OK, 403, 403, 403, 403, 403),
                               (R, OK, 403, 403, 403, 403, 403)),
    "campaigns:model_detail": READ_ONLY,
    "campaigns:model_edit": ((R, OK, 403, 403, 403, 403, 403), (R, OK, 403, 403, 403, 403, 403)),
    "campaigns:model_move": (POST_ONLY_GET, (R, R, 403, 403, 403, 403, 403)),
    "campaigns:model_funding_add": (POST_ONLY_GET, (R, R, 403, 403, 403, 403, 403)),
    "campaigns:documents": READ_ONLY,
    "campaigns:document_upload": ((R, OK, 403, 403, OK, 403, 403),
                                  (R, OK, 403, 403, OK, 403, 403)),
    "campaigns:document_download": READ_ONLY,
    "campaigns:document_delete": ((R, OK, 403, 403, 403, 403, 403),
                                  (R, R, 403, 403, 403, 403, 403)),
    # energy records and measures: staff enter them; commune officials read their commune's
    "audits:index": READ_ONLY,
    "audits:record_detail": ((R, OK, OK, 404, OK, OK, OK), POST_405),
    "audits:record_create": ((R, OK, 403, 404, 403, 403, 403), (R, OK, 403, 404, 403, 403, 403)),
    "audits:record_edit": ((R, OK, 403, 404, 403, 403, 403), (R, OK, 403, 404, 403, 403, 403)),
    "audits:record_verify": (POST_ONLY_GET, (R, R, 403, 404, 403, 403, 403)),
    "audits:record_delete": ((R, OK, 403, 404, 403, 403, 403), (R, R, 403, 404, 403, 403, 403)),
    "audits:measure_create": ((R, OK, 403, 404, 403, 403, 403),
                              (R, OK, 403, 404, 403, 403, 403)),
    "audits:measure_edit": ((R, OK, 403, 404, 403, 403, 403), (R, OK, 403, 404, 403, 403, 403)),
    "audits:measure_delete": ((R, OK, 403, 404, 403, 403, 403),
                              (R, R, 403, 404, 403, 403, 403)),
    "audits:quality": ((R, OK, OK, OK, 403, OK, OK), POST_405),
    "audits:catalogue": READ_ONLY,
    # reports: asked for by staff, commune officials (their commune's) and leaders
    "reports:index": (LOGIN_GET, (R, OK, OK, OK, 403, OK, 403)),
    "reports:report_detail": ((R, OK, OK, 404, OK, OK, OK), POST_405),
    "reports:report_download": ((R, OK, OK, 404, OK, OK, OK), POST_405),
    "reports:report_issue": (POST_ONLY_GET, (R, R, 403, 404, 403, 403, 403)),
    # a draft is rebuilt or deleted by staff or by whoever asked for it (here: staff)
    "reports:report_rebuild": (POST_ONLY_GET, (R, R, 403, 404, 403, 403, 403)),
    "reports:report_delete": ((R, OK, 403, 404, 403, 403, 403),
                              (R, R, 403, 404, 403, 403, 403)),
    "reports:locks": ((R, OK, 403, 403, 403, 403, 403), (R, OK, 403, 403, 403, 403, 403)),
    "reports:officers": READ_ONLY,
    "reports:figure": READ_ONLY,
    "reports:budget": ((R, OK, 403, 403, OK, OK, OK), POST_405),
    "reports:budget_lines": ((R, OK, 403, 403, OK, OK, OK), POST_405),
    "reports:plans": READ_ONLY,
    "reports:plan_create": ((R, OK, 403, 403, 403, 403, 403), (R, OK, 403, 403, 403, 403, 403)),
    "reports:plan_edit": ((R, OK, 403, 403, 403, 403, 403), (R, OK, 403, 403, 403, 403, 403)),
    "reports:tasks": READ_ONLY,
    # the unit's task: its officer and staff post progress
    "reports:task_detail": (LOGIN_GET, (R, OK, 403, 403, OK, 403, 403)),
    "reports:task_report_file": READ_ONLY,
    # public pages: anyone, read only
    "public:home": PUBLIC,
    "public:events": PUBLIC,
    "public:event_detail": PUBLIC,
    "public:news": PUBLIC,
    "public:news_detail": PUBLIC,
    "public:documents": PUBLIC,
    "public:document_download": PUBLIC,
    "public:catalogue": PUBLIC,
    "public:embed_progress": PUBLIC,
    "public:feed_atom": PUBLIC,
    "public:feed_rss": PUBLIC,
    # Django's admin: only the system administrator gets in; the others are sent to its login
    "admin:*": ((R, R, R, R, R, R, OK), (R, R, R, R, R, R, OK)),
}
ADMIN_PROBES = ["admin:index", "admin:facilities_facility_changelist"]


def url_names(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            if inner.startswith("admin:"):
                yield "admin:*"
                continue
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield namespace + (pattern.name or f"<unnamed {pattern.pattern}>")


def test_every_url_pattern_has_a_row():
    names = set(url_names())
    assert names - set(MATRIX) == set(), "views without a row in the matrix"
    assert set(MATRIX) - names == set(), "rows for views that no longer exist"


def address(name: str, world) -> str:
    if name == "admin:*":
        return reverse(ADMIN_PROBES[1])
    args = {
        "facilities:detail": [world.facility.pk], "facilities:edit": [world.facility.pk],
        "facilities:delete": [world.facility.pk], "facilities:status_update": [world.facility.pk],
        "facilities:import_template": ["facilities"],
        "facilities:import_detail": [world.job.pk], "facilities:import_confirm": [world.job.pk],
        "facilities:import_cancel": [world.job.pk],
        "campaigns:detail": [world.campaign.pk], "campaigns:edit": [world.campaign.pk],
        "campaigns:delete": [world.campaign.pk],
        "campaigns:attendance_add": [world.campaign.pk],
        "campaigns:attendance_people": [world.campaign.pk, world.attendance.pk],
        "campaigns:attendance_remove": [world.campaign.pk, world.attendance.pk],
        "campaigns:attachment_add": [world.campaign.pk],
        "campaigns:attachment_download": [world.campaign.pk, world.attachment.pk],
        "campaigns:attachment_delete": [world.campaign.pk, world.attachment.pk],
        "campaigns:funding_add": [world.campaign.pk], "campaigns:funding_delete": [world.line.pk],
        "campaigns:model_detail": [world.model.pk], "campaigns:model_edit": [world.model.pk],
        "campaigns:model_move": [world.model.pk],
        "campaigns:model_funding_add": [world.model.pk],
        "campaigns:document_download": [world.document.pk],
        "campaigns:document_delete": [world.document.pk],
        "audits:record_detail": [world.record.pk], "audits:record_edit": [world.record.pk],
        "audits:record_verify": [world.record.pk], "audits:record_delete": [world.record.pk],
        "audits:record_create": [world.facility.pk], "audits:measure_create": [world.facility.pk],
        "audits:measure_edit": [world.measure.pk], "audits:measure_delete": [world.measure.pk],
        "reports:report_detail": [world.report.pk], "reports:report_download": [world.report.pk],
        "reports:report_issue": [world.report.pk], "reports:report_rebuild": [world.report.pk],
        "reports:report_delete": [world.report.pk], "reports:figure": ["aware"],
        "reports:plan_edit": [world.plan.pk], "reports:task_detail": [world.task.pk],
        "reports:task_report_file": [world.task_report.pk],
        "public:event_detail": [world.event.pk], "public:news_detail": [world.article.pk],
        "public:document_download": [world.document.pk],
        "accounts:user_reset_password": [world.job.requested_by_id],
    }.get(name, [])
    url = reverse(name, args=args)
    return url + ("?source=KHUYEN_CONG&year=2018" if name == "reports:budget_lines" else "")


def answers(method: str, name: str, login, cast) -> tuple[int, ...]:
    world = build_world(staff=cast["staff"], official_a=cast["official_a"])
    got = {}
    for role in ORDER:
        client = login(None if role == "anonymous" else cast[{"unit": "unit"}.get(role, role)])
        response = getattr(client, method)(address(name, world))
        got[role] = response.status_code
    return tuple(got[role] for role in ROLES)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_get(name, login, cast):
    assert answers("get", name, login, cast) == MATRIX[name][0]


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_post(name, login, cast):
    assert answers("post", name, login, cast) == MATRIX[name][1]


def test_only_the_administrator_works_in_the_admin(login, cast):
    for probe in ADMIN_PROBES:
        for role in ("staff", "official_a", "unit", "leader"):
            response = login(cast[role]).get(reverse(probe))
            assert response.status_code == 302 and "/admin/login/" in response.url
        assert login(cast["admin"]).get(reverse(probe)).status_code == 200


# ---- no page names a facility its reader may not see -----------------------------------------
#
# Every address of the matrix (and a few more objects: commune B's report as a PDF and as a
# workbook, the study tour, the dashboard's lists), rendered for every role: a commune official
# must never find the name or the tax code of another commune's facility, in a page, a fragment,
# an export or a report; on the public pages nobody finds a facility that did not agree to be
# shown (commune A's `withdrawn` took its consent back, and hosts the demonstration model).

FRAGMENT = {"HTTP_HX_REQUEST": "true"}


def page_text(response) -> str:
    """What a reader of the response sees: HTML with its entities decoded, the cells of a
    workbook, the text of a PDF."""
    from html import unescape
    from io import BytesIO

    content = (b"".join(response.streaming_content) if response.streaming
               else response.content)
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        from openpyxl import load_workbook

        book = load_workbook(BytesIO(content), read_only=True)
        return "\n".join(str(value) for sheet in book.worksheets
                         for row in sheet.iter_rows(values_only=True) for value in row
                         if value is not None)
    if "pdf" in kind and len(content) > 500:  # the world's attachments are stubs
        from pypdf import PdfReader

        return "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)
    return unescape(content.decode("utf-8", "replace"))


def leak_addresses(world, other_commune_code: str) -> list[str]:
    """Each address of the matrix as it is, and asking for the other commune's scope; the
    dashboard's lists of every figure; commune B's objects."""
    from reports.kpis import FIGURES

    ask = f"year=2018&of=2018&commune={other_commune_code}&sector=25&q=0100000"
    urls = []
    for name in sorted(MATRIX):
        url = address(name, world)
        urls += [url, url + ("&" if "?" in url else "?") + ask]
    urls += [reverse("reports:figure", args=[figure]) + "?" + ask for figure in FIGURES]
    urls += [reverse("campaigns:detail", args=[world.tour.pk]),
             reverse("public:event_detail", args=[world.tour.pk])]
    if world.report_b is not None:
        urls += [reverse("reports:report_detail", args=[world.report_b.pk]),
                 reverse("reports:report_download", args=[world.report_b.pk])]
    return urls


def forbidden_for(role: str, world, cast, url: str) -> list:
    """The facilities whose name and tax code must not appear in what `role` reads at `url`."""
    everyone = [world.facility, world.withdrawn, world.facility_b]
    if url.startswith("/public/") or role == "anonymous":
        return [f for f in everyone if not f.public_consent]
    if role in ("official_a", "official_b"):
        return [f for f in everyone if f.commune_id != cast[role].commune_id]
    return []


def build_pdf_report(report):
    """Commune B's report as a PDF as well (the worker's own code)."""
    from reports.building import report_build
    from reports.models import Report

    pdf = Report.objects.create(year=report.year, commune=report.commune, format="pdf",
                                requested_by=report.requested_by)
    report_build(pdf.pk)
    return pdf


@pytest.mark.parametrize("role", ROLES)
def test_no_page_names_a_facility_its_reader_may_not_see(role, login, cast):
    world = build_world(staff=cast["staff"], official_a=cast["official_a"],
                        official_b=cast["official_b"])
    user = None if role == "anonymous" else cast[role]
    other = (cast["official_a"] if role == "official_b" else cast["official_b"]).commune.code
    urls = leak_addresses(world, other)
    if role == "official_b":  # the one reader of B's report with something to hide from
        pdf = build_pdf_report(world.report_b)
        urls.append(reverse("reports:report_download", args=[pdf.pk]))
    requests = [("get", url, {}) for url in urls]
    if role in ("official_a", "official_b", "anonymous"):
        # htmx fragments, and what a form posted empty answers (writes come last)
        requests += [("get", url, FRAGMENT) for url in urls]
        requests += [("post", url, {}) for url in urls if "logout" not in url]
    leaks, seen = [], ""
    for method, url, headers in requests:
        response = getattr(login(user), method)(url, **headers)
        text = page_text(response)
        seen += text
        for facility in forbidden_for(role, world, cast, url):
            for secret in (facility.name, facility.tax_code):
                if secret in text:
                    leaks.append((method.upper(), url, response.status_code, secret))
    assert leaks == [], f"{role} reads facilities it may not see"
    # The search finds what it looks for: each role does read the facilities it may name.
    may_read = {"anonymous": [world.facility], "official_a": [world.facility, world.withdrawn],
                "official_b": [world.facility_b]}.get(
        role, [world.facility, world.withdrawn, world.facility_b])
    for facility in may_read:
        assert facility.name in seen, (role, facility.name)
        # The public pages never print a tax code.
        assert role == "anonymous" or facility.tax_code in seen, (role, facility.tax_code)
