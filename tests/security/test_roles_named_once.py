"""Roles are named in accounts/ and nowhere else in a decision.

Views, forms, services, selectors, importers and templates ask accounts/permissions.py
(`can`, `sees_every_commune`, `held_commune`, `held_unit`, ...) and never look at `user.role`
themselves, so that a new role is a change to that module and to the authorization matrix,
nothing else. Only code that creates accounts of a role (the demo data, the benchmark's city
and its load test's users) may name one.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from accounts.models import Role

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {
    ".venv",
    "var",
    "tests",
    "migrations",
    "accounts",
    "node_modules",
    "vendor",
    "__pycache__",
    ".git",
    "test-artifacts",
    "static",
    "locale",
    "docs",
}
# They create accounts of a role; they decide nothing.
ACCOUNT_MAKERS = {
    "audits/demo.py",
    "campaigns/demo.py",
    "facilities/demo.py",
    "facilities/management/commands/adduser.py",  # in facilities: it links an enterprise's
    "reports/demo.py",
    "reports/benchmark.py",
    "reports/loadtest.py",  # the load test's virtual users, one kind of person each
}
# Decisions in files other work is rewriting now; each is to ask accounts/permissions instead
# (held_commune_id, dashboard_commune, sees_every_commune, held_unit_id, accounts.selectors.
# sxsh_officers). Remove a line from here once it does: the test says when.
PENDING: set[tuple[str, str]] = set()

_VALUES = "|".join(sorted(re.escape(value) for value in Role.values))
PATTERNS = [
    re.compile(r"\bRole\."),  # Role.STAFF
    re.compile(r"\.role\b"),  # user.role == ..., {% if user.role ... %}
    re.compile(r"""["']staff["']"""),  # never a field's name: always the role
    # a role's value compared: == "commune", "unit" != ..., in ("leader", ...)
    re.compile(rf"""(==|!=|\bin\s*[(\[{{]?)\s*["']({_VALUES})["']"""),
    re.compile(rf"""["']({_VALUES})["']\s*(==|!=)"""),
]
# In Python only: in a template, role="status" is an ARIA role.
PYTHON_PATTERNS = [re.compile(r"(\b|__)role(__in)?\s*=")]  # filter(role=...)


def naming_a_role(text: str, *, python: bool = True) -> list[str]:
    """The lines of `text` (Python, or else a template) that name a role."""
    patterns = PATTERNS + (PYTHON_PATTERNS if python else [])
    return [
        line.strip()
        for line in text.splitlines()
        if any(pattern.search(line) for pattern in patterns)
    ]


def scanned_files() -> list[Path]:
    files = []
    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT)
        if path.suffix not in (".py", ".html") or not path.is_file():
            continue
        if SKIPPED_DIRS & set(relative.parts[:-1]):
            continue
        files.append(path)
    return files


@pytest.mark.parametrize(
    ("line", "names_a_role"),
    [
        ('if user.role == "staff":', True),
        ("if request.user.role != Role.COMMUNE:", True),
        ("users = User.objects.filter(role=Role.STAFF)", True),
        ("User.objects.filter(role__in=roles)", True),
        ('if kind in ("leader", "admin"):', True),
        ("{% if user.role == 'commune' %}", True),
        ('{% if "leader" == user.role %}', True),
        ('jobs.exclude(requested_by__role="unit")', True),
        # not role decisions: a field called commune or unit, a display of the role
        ('fields = ["q", "commune", "year"]', False),
        ('del self.fields["commune"]', False),
        ('Column("unit", "Đơn vị", text_parser(20))', False),
        ("{{ user.get_role_display }}", False),
        ('Commune.objects.filter(code=code).select_related("commune", "unit")', False),
        ('reverse("admin:index")', False),
        ('ENTERPRISE = "enterprise", _("Enterprise")', False),
    ],
)
def test_the_search_finds_what_names_a_role(line, names_a_role):
    assert bool(naming_a_role(line)) is names_a_role


def test_no_decision_outside_accounts_names_a_role():
    found = set()
    for path in scanned_files():
        relative = path.relative_to(ROOT).as_posix()
        if relative in ACCOUNT_MAKERS:
            continue
        lines = naming_a_role(path.read_text("utf-8"), python=path.suffix == ".py")
        found |= {(relative, line) for line in lines}
    assert len(scanned_files()) > 50  # the search does search the project
    assert found - PENDING == set(), "ask accounts/permissions.py instead of naming a role"
    assert PENDING - found == set(), "these now ask accounts/permissions.py: remove from PENDING"
