"""The repository carries its own documentation, and the documentation stays true.

- No file refers to a file that is not in the repository: every `*.md` it names, every path
  that starts with one of the repository's own folders (`docs/...`, `reports/kpis/...`), and
  nothing outside it (a sibling folder of the checkout).
- Every section a file cites, as in `docs/KPI.md, "Energy"`, is a heading of that document.
- The contracts written in the docs match the code: README.md's tables list every environment
  variable and every management command; docs/KPI.md's KPI JSON has the keys `kpi --json`
  prints; docs/IMPORTS.md's column tables are the importers' columns.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path, PurePosixPath

import pytest

from tests.sxsh_env import need

ROOT = Path(__file__).resolve().parents[2]
# Third-party files kept as they were published, measurements, and data an earlier version of
# the portal wrote (its paths are its own): not ours to word.
SKIPPED = ("static/vendor/", "tests/vendor/", "static/fonts/", "docs/benchmarks/",
           "tests/fixtures/before_districts/")
# A folder beside the checkout, or the design folder the project started from: whatever is
# there is not in the repository. (Spelt in two pieces so that this file does not cite it.)
SHARED = "shar" + "ed"
OUTSIDE = re.compile(rf"(?:\.\./)+{SHARED}\b|(?<![\w/.-]){SHARED}/")
MARKDOWN = re.compile(r"(?<![\w/.*-])([\w./-]*[\w-]\.md)\b")
# `docs/KPI.md, "Activity figures"` (straight or single quotes); the citation stays on one line.
CITATION = re.compile(r"([\w./-]*[\w-]\.md),[ \t]*[\"']([^\"'\n]+)[\"']")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


@cache
def repository_files() -> tuple[str, ...]:
    """Tracked files, and new ones not yet committed (but not ignored ones)."""
    need(
        "git",
        shutil.which("git") is not None and (ROOT / ".git").exists(),
        "the docs are checked against the files git knows",
    )
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    return tuple(sorted({name for name in listed if (ROOT / name).is_file()}))


@cache
def known_paths() -> frozenset[str]:
    """Every file and every folder of the repository."""
    paths = set()
    for name in repository_files():
        path = PurePosixPath(name)
        paths.add(str(path))
        paths.update(str(parent) for parent in path.parents if str(parent) != ".")
    return frozenset(paths)


@cache
def path_pattern() -> re.Pattern[str]:
    """A path that starts with one of the repository's own top-level folders."""
    tops = sorted({name.split("/")[0] for name in repository_files() if "/" in name})
    alternatives = "|".join(re.escape(top) for top in tops)
    return re.compile(rf"(?<![\w/.*@:<>{{}}$%-])((?:{alternatives})/[\w./-]*)")


def text_files() -> list[tuple[str, str]]:
    found = []
    for name in repository_files():
        if name.startswith(SKIPPED):
            continue
        try:
            text = (ROOT / name).read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue  # not text
        if "\x00" not in text:
            found.append((name, text))
    return found


def resolves(reference: str, cited_from: str) -> bool:
    """Whether `reference` names a file or folder of the repository, read as a path from the
    root, from the citing file's folder or any folder above it; as a module (`lib/jobs` ->
    `lib/jobs.py`, `accounts/permissions.may_name` -> `accounts/permissions.py`); or as a
    template or static file named the way Django finds them (`reports/dashboard.html`)."""
    reference = reference.rstrip(".,:;")
    if not reference:
        return True
    candidates = {reference.rstrip("/")}
    stem = reference
    while "." in stem.rsplit("/", 1)[-1]:
        stem = stem.rsplit(".", 1)[0]
        candidates.add(stem)
    for candidate in list(candidates):
        candidates |= {f"{candidate}.py", f"templates/{candidate}", f"static/{candidate}"}
    bases = [PurePosixPath(cited_from).parent, *PurePosixPath(cited_from).parent.parents]
    known = known_paths()
    return any(
        os.path.normpath(str(base / candidate)) in known
        for candidate in candidates
        for base in bases
    )


def broken_references(name: str, text: str) -> list[str]:
    """What `text`, the content of the repository file `name`, cites that is not there."""
    broken = []
    for number, line in enumerate(text.splitlines(), start=1):
        where = f"{name}:{number}"
        broken += [
            f"{where}: {m.group(0)!r} is outside the repository" for m in OUTSIDE.finditer(line)
        ]
        for pattern in (MARKDOWN, path_pattern()):
            broken += [
                f"{where}: {m.group(1)} does not exist"
                for m in pattern.finditer(line)
                if not resolves(m.group(1), name)
            ]
    return broken


def headings(document: str) -> set[str]:
    return {match.group(1).strip("` ") for match in HEADING.finditer(document)}


def broken_citations(name: str, text: str) -> list[str]:
    broken = []
    for match in CITATION.finditer(text):
        document, section = match.groups()
        path = next(
            (
                ROOT / base / document
                for base in [PurePosixPath(name).parent, *PurePosixPath(name).parent.parents]
                if (ROOT / base / document).is_file()
            ),
            None,
        )
        if path is None:
            continue  # a missing document is broken_references' to report
        if section not in headings(path.read_text(encoding="utf-8")):
            line = text.count("\n", 0, match.start()) + 1
            broken.append(f"{name}:{line}: {document} has no section {section!r}")
    return broken


# ---- the checks themselves catch what they are for ------------------------------------------


def test_the_checker_finds_a_missing_document_a_missing_path_and_a_sibling_folder():
    missing_doc = "See " + "NOWHERE" + ".md for the design."
    missing_path = "The engine is " + "reports/" + "kpis_engine.py."
    sibling = "Read " + "../" + SHARED + " first."
    design = "As the " + SHARED + "/data folder says."
    for text in (missing_doc, missing_path, sibling, design):
        assert broken_references("reports/services.py", text), text
    fine = (
        "The rules are in docs/ARCHITECTURE.md and accounts/permissions.may_name; the page "
        'renders "reports/dashboard.html"; lib/jobs claims the job.'
    )
    assert broken_references("melinh_sxsh/lib/years.py", fine) == []


def test_the_checker_finds_a_section_that_is_not_a_heading():
    assert broken_citations("x.py", 'see docs/KPI.md, "Energy"') == []
    assert broken_citations("x.py", "see docs/ARCHITECTURE.md, 'Background work'") == []
    assert broken_citations("x.py", 'see docs/KPI.md, "' + "Locking a year" + '"')


# ---- the repository ---------------------------------------------------------------------------


def test_no_file_refers_to_a_file_that_is_not_in_the_repository():
    broken = [problem for name, text in text_files() for problem in broken_references(name, text)]
    assert broken == [], "\n".join(broken)


def test_every_cited_section_is_a_heading_of_its_document():
    broken = [problem for name, text in text_files() for problem in broken_citations(name, text)]
    assert broken == [], "\n".join(broken)


def test_the_documents_the_issue_asks_for_exist():
    for name in ("docs/ARCHITECTURE.md", "docs/KPI.md", "docs/IMPORTS.md"):
        assert name in known_paths()
    architecture = headings((ROOT / "docs/ARCHITECTURE.md").read_text(encoding="utf-8"))
    for section in (
        "How to add a role",
        "How to add a page",
        "How to add an importer column",
        "How to add a KPI",
        "Import direction",
        "Background work",
    ):
        assert section in architecture


# ---- README.md: every variable and every command ----------------------------------------------


def readme_table_names(section: str) -> set[str]:
    """The first column of every table row under the README's `## section` heading, and of the
    tables that follow it before the next `##` heading."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    body = readme.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in body.splitlines():
        cell = re.match(r"^\|\s*`([^`]+)`", line)
        if cell:
            names.add(cell.group(1).split()[0])
    return names


def environment_variables() -> set[str]:
    settings = (ROOT / "melinh_sxsh/settings.py").read_text(encoding="utf-8")
    names = set(re.findall(r"env_\w+\(ENV,\s*\"([A-Z0-9_]+)\"", settings))
    for name, text in text_files():
        if name.endswith(".py"):
            names |= set(re.findall(r"environ\.get\(\s*\"([A-Z0-9_]+)\"", text))
    names |= set(re.findall(r"\$\{([A-Z0-9_]+):-", (ROOT / ".ci/run").read_text()))
    return names


def test_readme_lists_every_environment_variable():
    variables = environment_variables()
    assert {"DATABASE_URL", "JOB_STALE_SECONDS", "SXSH_REQUIRE_ALL"} <= variables
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = readme_table_names("Configuration")
    # A former name is listed beside the one that replaced it.
    missing = {name for name in variables - listed if f"`{name}`" not in readme}
    assert missing == set(), f"README.md, Configuration, lacks {sorted(missing)}"


def test_readme_lists_every_management_command():
    commands = {
        path.stem
        for path in ROOT.glob("*/management/commands/*.py")
        if not path.stem.startswith("_")
    }
    assert {"kpi", "import_xlsx", "load_demo"} <= commands
    missing = commands - readme_table_names("Commands")
    assert missing == set(), f"README.md, Commands, lacks {sorted(missing)}"


# ---- docs/KPI.md: the KPI JSON ------------------------------------------------------------------


def keys_of(value):
    """The shape of a JSON value: its keys in order, recursively, without the numbers."""
    if isinstance(value, dict):
        return [(key, keys_of(item)) for key, item in value.items()]
    return None


@pytest.mark.django_db
def test_the_kpi_json_of_the_docs_has_the_keys_the_command_prints():
    from reports import kpis

    document = (ROOT / "docs/KPI.md").read_text(encoding="utf-8")
    section = document.split("\n## KPI JSON\n", 1)[1].split("\n## ", 1)[0]
    example = json.loads(re.search(r"```json\n(.*?)```", section, re.DOTALL).group(1))
    printed = kpis.overview(2018).figures.as_json()
    assert keys_of(example) == keys_of(printed)


# ---- docs/IMPORTS.md: the templates' columns ---------------------------------------------------


def documented_columns(kind: str) -> list[tuple[str, bool]]:
    document = (ROOT / "docs/IMPORTS.md").read_text(encoding="utf-8")
    section = document.split(f"\n## {kind}\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\|\s*`([^`]+)`\s*\|\s*(yes)?\s*\|", section, re.MULTILINE)
    return [(header, required == "yes") for header, required in rows]


@pytest.mark.django_db
def test_the_import_templates_of_the_docs_are_the_importers_columns():
    from audits.importers import CARRIER_PREFIX
    from melinh_sxsh.lib.importing import REGISTRY

    assert set(REGISTRY) == {"facilities", "statuses", "energy"}
    for kind, importer in REGISTRY.items():
        columns = [
            (column.header, column.required)
            for column in importer().columns()
            if not column.key.startswith(CARRIER_PREFIX)
        ]
        assert documented_columns(kind) == columns, kind
