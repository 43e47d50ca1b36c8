"""The authorization matrix: for every URL pattern of the project and every role, the answer
to GET and to POST. The list of patterns comes from the URL configuration, so a new view
without a row here fails the suite.

Most rows name the permission the view asks (`Rule`): the expected answers are then read from
accounts/permissions.py, the table the views themselves obey (allowed: the view's answer; outside
the user's scope: 404; otherwise 403), and the requests below check that every view really
answers so. The other rows (login, public pages, the admin) are written out.

Roles, in the order of the codes below: anonymous, staff, the official of commune A (the
world's commune), the official of commune B, a unit officer (Trung tâm VHTT&TT), leadership,
the system administrator, an enterprise account that represents none of the world's
facilities (every object of the world is 404 to it, every district page 403), and an officer of
the city's Department of Industry and Trade (reads every district, writes none of a district's
data). The world's objects belong to commune A of Mê Linh and to Phòng Kinh tế; another
district's people are held off them in tests/security/test_district_boundary.py.
A new role is a column here: a member of the cast, in ROLES and ORDER.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.permissions import (
    can,
    check,
    held_commune_id,
    held_unit_id,
    landing,
    may_add_document,
    requests_visible,
    sees_every_commune,
)
from tests.factories import district_create
from tests.security.world import build_world

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "staff", "official_a", "official_b", "unit", "leader", "admin", "enterprise",
         "city"]
# Who goes last: a POST that deletes must not remove the object before others are tried.
ORDER = ["anonymous", "enterprise", "official_b", "unit", "leader", "city", "admin", "official_a",
         "staff"]
N = len(ROLES)

R, OK, FORBIDDEN, HIDDEN, NOT_ALLOWED = 302, 200, 403, 404, 405
ALL_GET = (OK,) * N
POST_405 = (R, *(NOT_ALLOWED,) * (N - 1))
PUBLIC = (ALL_GET, (NOT_ALLOWED,) * N)
POST_ONLY_GET = (R, *(NOT_ALLOWED,) * (N - 1))
SIGNED_IN = (R,) * (N - 1)  # every signed-in role, redirected


@dataclass(frozen=True)
class Rule:
    """The view asks permissions.check(user, action, world.<on>) (no object when `on` is None)
    and answers `ok` when allowed."""

    action: str
    on: str | None = None
    ok: int = OK

    def answer(self, user, world) -> int:
        obj = world
        for name in self.on.split(".") if self.on else ():
            obj = getattr(obj, name)
        try:
            check(user, self.action, obj if self.on else None)
        except Http404:
            return HIDDEN
        except PermissionDenied:
            return FORBIDDEN
        return self.ok


@dataclass(frozen=True)
class RoleFirst(Rule):
    """The view asks the role first (403 whatever the object, even another district's), then
    permissions.check on the object."""

    def answer(self, user, world) -> int:
        return super().answer(user, world) if can(user, self.action) else FORBIDDEN


@dataclass(frozen=True)
class Asks:
    """The view asks another question of accounts/permissions (`question(user) -> bool`)."""

    question: Any
    ok: int = OK

    def answer(self, user, world) -> int:
        return self.ok if self.question(user) else FORBIDDEN


@dataclass(frozen=True)
class Requested:
    """An object someone asked for: seen by whom permissions.requests_visible lets see it,
    missing (404) for the others."""

    on: str
    ok: int = OK

    def answer(self, user, world) -> int:
        obj = getattr(world, self.on)
        seen = requests_visible(user, type(obj).objects.filter(pk=obj.pk)).exists()
        return self.ok if seen else HIDDEN


@dataclass(frozen=True)
class Lands:
    """The address is "/": a user whose landing page is another is sent there; the others get
    what the rule says."""

    rule: Rule

    def answer(self, user, world) -> int:
        return R if landing(user) != "dashboard" else self.rule.answer(user, world)


def read(action: str, on: str | None = None):
    """A page that only shows: GET as the rule says, POST refused (405)."""
    return (Rule(action, on), POST_405)


def form(action: str, on: str | None = None):
    """A form: GET shows it, an empty POST shows it again with its errors."""
    return (Rule(action, on), Rule(action, on))


def confirm(action: str, on: str):
    """A confirmation page: GET asks, POST does it and redirects."""
    return (Rule(action, on), Rule(action, on, ok=R))


def post(action: str, on: str | None = None):
    """An action posted from a page: redirects when done; GET is refused (405)."""
    return (POST_ONLY_GET, Rule(action, on, ok=R))


#        name                            GET, POST: a rule, or (anon, staff, off_a, off_b, unit,
#                                        leader, admin, enterprise, city) written out
MATRIX = {
    "dashboard": (Lands(Rule("dashboard.view")), POST_405),
    "healthz": (ALL_GET, (NOT_ALLOWED,) * N),
    "accounts:login": ((OK, *SIGNED_IN), (OK, *SIGNED_IN)),
    "accounts:logout": ((NOT_ALLOWED,) * N, (R,) * N),
    # one's own password: everyone signed in; another's: the system administrator only
    "accounts:password_change": form("user.change_password"),
    "accounts:users": read("user.reset_password"),
    # the account of the one who asked for the world's import job
    "accounts:user_reset_password": form("user.reset_password", "job.requested_by"),
    "set_language": ((R,) * N, (R,) * N),
    # facilities: commune officials keep their commune's; leaders, units, admins read
    "facilities:list": read("facility.view"),
    "facilities:export": read("facility.view"),
    "facilities:create": form("facility.change"),
    "facilities:status_bulk": post("status.change"),
    "facilities:detail": read("facility.view", "facility"),
    "facilities:edit": form("facility.change", "facility"),
    "facilities:delete": confirm("facility.delete", "facility"),
    "facilities:status_update": post("status.change", "facility"),
    # the confirmation of a lower stage (the world's facility is aware in 2018)
    "facilities:status_lower": read("status.change", "facility"),
    "facilities:import": form("facility.import"),
    "facilities:import_template": read("facility.import"),
    # an import job is seen by its uploader (official A) and by staff
    "facilities:import_detail": (Requested("job"), POST_405),
    "facilities:import_confirm": (POST_ONLY_GET, Requested("job", ok=R)),
    "facilities:import_cancel": (POST_ONLY_GET, Requested("job", ok=R)),
    # campaigns: staff change all, unit officers their own unit's (not Phòng Kinh tế's)
    "campaigns:index": read("campaign.view"),
    "campaigns:create": form("campaign.change"),
    "campaigns:detail": read("campaign.view", "campaign"),
    "campaigns:edit": form("campaign.change", "campaign"),
    "campaigns:delete": confirm("campaign.change", "campaign"),
    "campaigns:attendance_add": post("campaign.change", "campaign"),
    "campaigns:attendance_people": post("campaign.change", "campaign"),
    "campaigns:attendance_remove": confirm("campaign.change", "campaign"),
    "campaigns:attachment_add": post("campaign.change", "campaign"),
    "campaigns:attachment_download": read("campaign.view", "campaign"),
    "campaigns:attachment_delete": confirm("campaign.change", "campaign"),
    "campaigns:funding_add": post("campaign.change", "campaign"),
    # the line funds the campaign
    "campaigns:funding_delete": confirm("campaign.change", "campaign"),
    "campaigns:models": read("campaign.view"),
    "campaigns:model_create": form("model.change"),
    "campaigns:model_detail": read("campaign.view", "model"),
    "campaigns:model_edit": form("model.change", "model"),
    "campaigns:model_move": post("model.change", "model"),
    "campaigns:model_funding_add": post("model.change", "model"),
    "campaigns:documents": read("campaign.view"),
    "campaigns:document_upload": (Asks(may_add_document), Asks(may_add_document)),
    "campaigns:document_download": read("campaign.view"),
    # the document is the campaign's
    "campaigns:document_delete": confirm("campaign.change", "campaign"),
    # energy records and measures: staff enter them; commune officials read their commune's
    "audits:index": read("energy.view"),
    "audits:record_detail": read("energy.view", "record"),
    "audits:record_create": form("energy.change", "facility"),
    "audits:record_edit": form("energy.change", "record"),
    "audits:record_verify": post("energy.change", "record"),
    "audits:record_delete": confirm("energy.change", "record"),
    "audits:measure_create": form("energy.change", "facility"),
    "audits:measure_edit": form("energy.change", "measure"),
    "audits:measure_delete": confirm("energy.change", "measure"),
    "audits:quality": read("quality.view"),
    # the technology catalogue: also an enterprise's, to see what others did
    "audits:catalogue": read("catalogue.view"),
    # an enterprise's own page: its facilities, their figures and submissions
    "audits:enterprise": read("enterprise.home"),
    # a facility's form for a data request: staff (a form on paper) and its enterprise fill it
    "audits:submission_fill": form("submission.fill", "submission"),
    # the same form filled from the energy template, and the template prefilled for it
    "audits:submission_upload": post("submission.fill", "submission"),
    "audits:submission_template": read("submission.fill", "submission"),
    # read beside the facility's figures by staff and its commune's official; staff decide
    "audits:submission_review": (Rule("submission.view", "submission"),
                                 Rule("submission.review", "submission", ok=R)),
    "audits:requests": read("request.view"),
    "audits:request_create": form("request.change"),
    "audits:request_detail": read("request.view", "submission.request"),
    # letters with activation codes: staff; the POST answers with the PDF
    "audits:request_letters": form("request.change", "submission.request"),
    # staff let the commune officials accept or return their commune's forms, or not
    "audits:request_communes_review": post("request.change", "submission.request"),
    # the activation page: anyone with a code (an empty POST shows the form's errors)
    "activate": (ALL_GET, ALL_GET),
    # reports: asked for by staff, commune officials (their commune's) and leaders
    "reports:index": (Rule("report.view"), Rule("report.create")),
    "reports:report_detail": read("report.view", "report"),
    "reports:report_download": read("report.view", "report"),
    "reports:report_issue": post("report.issue", "report"),
    # a draft is rebuilt or deleted by staff or by whoever asked for it (here: staff)
    "reports:report_rebuild": post("report.change", "report"),
    "reports:report_delete": confirm("report.change", "report"),
    # the city returns a district's report (an empty reason shows the form again); its page
    "reports:report_return": form("report.return", "report"),
    "reports:city": read("submissions.city"),
    # the city's own report: its officers ask for it (an empty form comes back with errors)
    "reports:city_report": (POST_ONLY_GET, Rule("cityreport.create")),
    "reports:locks": form("year.lock"),
    "reports:unlock": (Rule("year.lock"), Rule("year.lock", ok=R)),
    "reports:officers": read("dashboard.view"),
    "reports:figure": read("dashboard.view"),
    "reports:budget": read("budget.view"),
    "reports:budget_lines": read("budget.view"),
    "reports:plans": read("plan.view"),
    "reports:plan_create": form("plan.change"),
    # the city's officers keep the city's plan, a district's staff their district's
    "reports:plan_edit": (RoleFirst("plan.change", "plan"), RoleFirst("plan.change", "plan")),
    "reports:tasks": read("plan.view"),
    # the unit's task: its officer and staff post progress
    "reports:task_detail": (Rule("plan.view", "task"), Rule("task.report", "task")),
    "reports:task_report_file": read("plan.view", "task"),
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
    # a district's own public pages (several districts); with the world's one district each
    # leads to its page above
    **{f"public:district:{page}": ((R,) * N, (NOT_ALLOWED,) * N) for page in [
        "home", "events", "event_detail", "news", "news_detail", "documents",
        "document_download", "catalogue", "embed_progress", "feed_atom", "feed_rss"]},
    # Django's admin: only the system administrator gets in; the others are sent to its login
    "admin:*": ((R, R, R, R, R, R, OK, R, R), (R, R, R, R, R, R, OK, R, R)),
}
ADMIN_PROBES = ["admin:index", "admin:facilities_facility_changelist"]


def expected(spec, cast, world) -> tuple[int, ...]:
    """The answers a row expects, in the order of ROLES; nobody signed in is sent to log in."""
    if isinstance(spec, tuple):
        return spec
    return (R, *(spec.answer(cast[role], world) for role in ROLES[1:]))


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
    if name.startswith("public:district:"):
        # The world's one district, Mê Linh, at its own address.
        return address(name.replace("district:", ""), world).replace("/public/",
                                                                     "/public/me-linh/", 1)
    if name == "admin:*":
        return reverse(ADMIN_PROBES[1])
    args = {
        "facilities:detail": [world.facility.pk], "facilities:edit": [world.facility.pk],
        "facilities:delete": [world.facility.pk], "facilities:status_update": [world.facility.pk],
        "facilities:status_lower": [world.facility.pk],
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
        "audits:submission_fill": [world.submission.pk],
        "audits:submission_upload": [world.submission.pk],
        "audits:submission_template": [world.submission.pk],
        "audits:submission_review": [world.submission.pk],
        "audits:request_detail": [world.submission.request_id],
        "audits:request_letters": [world.submission.request_id],
        "audits:request_communes_review": [world.submission.request_id],
        "reports:report_detail": [world.report.pk], "reports:report_download": [world.report.pk],
        "reports:report_issue": [world.report.pk], "reports:report_rebuild": [world.report.pk],
        "reports:report_delete": [world.report.pk], "reports:figure": ["aware"],
        "reports:report_return": [world.report.pk],
        "reports:unlock": [2018],
        "reports:plan_edit": [world.plan.pk], "reports:task_detail": [world.task.pk],
        "reports:task_report_file": [world.task_report.pk],
        "public:event_detail": [world.event.pk], "public:news_detail": [world.article.pk],
        "public:document_download": [world.document.pk],
        "accounts:user_reset_password": [world.job.requested_by_id],
    }.get(name, [])
    url = reverse(name, args=args)
    return url + {
        "reports:budget_lines": "?source=KHUYEN_CONG&year=2018",
        "facilities:status_lower": "?year=2018&stage=0",
    }.get(name, "")


def answers(method: str, name: str, login, cast, world) -> tuple[int, ...]:
    """Each role's status code; on the way, every answer is checked to be kept by no cache
    (tests/security/test_cache_control.py says why)."""
    got = {}
    for role in ORDER:
        client = login(None if role == "anonymous" else cast[role])
        response = getattr(client, method)(address(name, world))
        got[role] = response.status_code
        assert_cached_as_it_should(name, response, (role, method, name, response.status_code))
    return tuple(got[role] for role in ROLES)


# Views that declare their answers public (the same for everyone): the pages under /public/.
PUBLIC_PAGES = {name for name in MATRIX if name.startswith("public:")}


def cache_directives(response) -> set[str]:
    header = response.get("Cache-Control", "")
    return {part.strip().split("=")[0].lower() for part in header.split(",") if part.strip()}


def assert_private(response, where):
    got = cache_directives(response)
    assert {"no-store", "private"} <= got, (where, response.get("Cache-Control"))
    assert "public" not in got, where


def assert_cached_as_it_should(name, response, where):
    # A public page's redirect (public/where.py) is the same for everyone too.
    if name in PUBLIC_PAGES and response.status_code in (OK, R):
        assert "public" in cache_directives(response), where
    else:
        assert_private(response, where)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_get_then_post(name, login, cast):
    """One world for both: GETs write nothing the answers depend on, and the POSTs come last
    (one may delete the object). Building the world was half of each test's time."""
    world = build_world(staff=cast["staff"], official_a=cast["official_a"])
    want_get = expected(MATRIX[name][0], cast, world)
    want_post = expected(MATRIX[name][1], cast, world)  # before a POST deletes the object
    assert ("GET", answers("get", name, login, cast, world)) == ("GET", want_get)
    assert ("POST", answers("post", name, login, cast, world)) == ("POST", want_post)


# ---- inside the pages: the same questions ---------------------------------------------------
#
# What a page offers also follows accounts/permissions: whose pages offer every commune, who
# sees and records a facility's consent, who writes a report's text, which unit a unit officer's
# campaign is, whose import jobs one follows. Each row: the page, the question it asks (of a user
# and the world), and what the page shows exactly when the answer is yes. Every role that may
# open the page is tried.


def offers(field: str, value) -> Any:
    """The page's select `field` has the option `value(world)`."""

    def shown(world, user) -> Any:
        option = f'<option value="{value(world)}"'

        def test(body: str) -> bool:
            select = re.search(rf'<select[^>]*name="{field}".*?</select>', body, re.S)
            return select is not None and option in select.group(0)

        return test

    return shown


def other_commune(world) -> int:
    """A commune that is no one's in the cast: offered only to those not held to one."""
    from accounts.models import Commune

    return Commune.objects.exclude(code__in=["08989", "09019"]).first().pk


def kinh_te(world) -> int:
    from accounts.models import Unit

    return Unit.objects.get(code="KINH_TE").pk


def offered(action: str | None = None):
    """Whether the user's pages span every commune (and, when given, may do `action`)."""
    return lambda user, world: sees_every_commune(user) and (action is None or can(user, action))


DECISIONS = {
    "facility list offers every commune": (
        "facilities:list", offered(), lambda w, u: 'name="commune"'),
    "energy records offer every commune": (
        "audits:index", offered(), lambda w, u: 'name="commune"'),
    "data quality offers every commune": (
        "audits:quality", offered(), lambda w, u: 'name="commune"'),
    "dashboard offers every commune": (
        "dashboard", offered(), lambda w, u: 'name="commune"'),
    "report form offers every commune": (
        "reports:index", offered("report.create"), lambda w, u: 'name="commune"'),
    "facility form offers every commune": (
        "facilities:create", lambda user, world: held_commune_id(user) is None,
        offers("commune", other_commune)),
    "facility page shows the consent": (
        "facilities:detail", lambda user, world: can(user, "consent.view"),
        lambda w, u: "public-consent"),
    "facility form records the consent": (
        "facilities:edit", lambda user, world: can(user, "consent.change"),
        lambda w, u: 'name="public_consent"'),
    "report form writes the report's text": (
        "reports:index", lambda user, world: can(user, "report.write"),
        lambda w, u: 'name="number"'),
    "catalogue names the facilities": (
        "audits:catalogue", lambda user, world: can(user, "catalogue.names"),
        lambda w, u: w.facility.name),
    "campaign form offers every unit": (
        "campaigns:create", lambda user, world: held_unit_id(user) is None,
        offers("lead_unit", kinh_te)),
    "document form files under another unit's campaign": (
        "campaigns:document_upload", lambda user, world: held_unit_id(user) is None,
        offers("campaign", lambda world: world.campaign.pk)),
    "import page lists the world's import job": (
        "facilities:import", lambda user, world: requests_visible(
            user, type(world.job).objects.filter(pk=world.job.pk)).exists(),
        lambda w, u: w.job.original_name),
}


@pytest.mark.parametrize("decision", sorted(DECISIONS))
def test_pages_follow_the_same_questions(decision, login, cast):
    name, question, marker = DECISIONS[decision]
    world = build_world(staff=cast["staff"], official_a=cast["official_a"])
    tried = 0
    for role in ROLES[1:]:
        user = cast[role]
        response = login(user).get(address(name, world))
        if response.status_code != OK:
            continue
        tried += 1
        body, shown = response.content.decode(), marker(world, user)
        found = shown(body) if callable(shown) else shown in body
        assert found == question(user, world), (decision, role)
    assert tried >= 2, decision


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

    content = (b"".join(response.streaming_content) if response.streaming
               else response.content)
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind or "pdf" in kind:
        return file_page_text(kind, content)
    return unescape(content.decode("utf-8", "replace"))


@lru_cache(maxsize=32)
def file_page_text(kind: str, content: bytes) -> str:
    """`page_text` of a workbook or a PDF, read once per content: the sweeps download the same
    files as each role."""
    from io import BytesIO

    if "spreadsheetml" in kind:
        from openpyxl import load_workbook

        book = load_workbook(BytesIO(content), read_only=True)
        return "\n".join(str(value) for sheet in book.worksheets
                         for row in sheet.iter_rows(values_only=True) for value in row
                         if value is not None)
    if "pdf" in kind and len(content) > 500:  # the world's attachments are stubs
        from pypdf import PdfReader

        return "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)
    from html import unescape

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
    if role == "enterprise":  # it represents none of the world's facilities
        return everyone
    return []


def build_pdf_report(report):
    """Commune B's report as a PDF as well (the worker's own code)."""
    from reports.building import report_build
    from reports.models import Report

    pdf = district_create(Report, year=report.year, commune=report.commune, format="pdf",
                          requested_by=report.requested_by)
    report_build(pdf.pk)
    return pdf


@pytest.mark.slow  # every page for every role
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
    if role in ("official_a", "official_b", "anonymous", "enterprise"):
        # htmx fragments, and what a form posted empty answers (writes come last)
        requests += [("get", url, FRAGMENT) for url in urls]
        requests += [("post", url, {}) for url in urls if "logout" not in url]
    leaks, seen = [], ""
    client = login(user)
    for method, url, headers in requests:
        response = getattr(client, method)(url, **headers)
        text = page_text(response)
        seen += text
        for facility in forbidden_for(role, world, cast, url):
            for secret in (facility.name, facility.tax_code):
                if secret in text:
                    leaks.append((method.upper(), url, response.status_code, secret))
    assert leaks == [], f"{role} reads facilities it may not see"
    # The search finds what it looks for: each role does read the facilities it may name.
    may_read = {"anonymous": [world.facility], "official_a": [world.facility, world.withdrawn],
                "official_b": [world.facility_b], "enterprise": []}.get(
        role, [world.facility, world.withdrawn, world.facility_b])
    for facility in may_read:
        assert facility.name in seen, (role, facility.name)
        # The public pages never print a tax code.
        assert role == "anonymous" or facility.tax_code in seen, (role, facility.tax_code)
