"""Views read through selectors, and stay short and typed.

A views module (`*/views.py`, `*/views/*.py`, `*_views.py`) asks a selector for what it shows: it
never queries a model itself (`Model.objects...`, `get_object_or_404(Model, ...)`), so that
every read starts from what the user may see (accounts/permissions.py) in one place. Its
functions are short (a view is about 25 lines: parse, ask, render or redirect) and typed.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {".venv", "var", "tests", "migrations", "node_modules", "__pycache__", ".git"}
QUERYING_SHORTCUTS = {"get_object_or_404", "get_list_or_404"}
MAX_LINES = 32  # from `def` to the last line, decorators and docstring included


def views_modules() -> list[Path]:
    found = set()
    for pattern in ("*/views.py", "*/views/*.py", "*/*_views.py"):
        found |= {
            path
            for path in ROOT.glob(pattern)
            if not SKIPPED_DIRS & set(path.relative_to(ROOT).parts)
        }
    return sorted(found)


def queries(source: str) -> list[str]:
    """What in `source` queries the database itself: a manager (`.objects`) or a shortcut that
    takes a model."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            found.append(f"line {node.lineno}: .objects")
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in QUERYING_SHORTCUTS:
                found.append(f"line {node.lineno}: {name}()")
    return found


def long_or_untyped(source: str) -> list[str]:
    """The module's functions longer than MAX_LINES, or without annotations on their arguments
    and return."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        first = min([node.lineno] + [decorator.lineno for decorator in node.decorator_list])
        if node.end_lineno - first + 1 > MAX_LINES:
            found.append(f"{node.name}: {node.end_lineno - first + 1} lines")
        arguments = [
            arg for arg in node.args.args + node.args.kwonlyargs if arg.arg not in ("self", "cls")
        ]
        if node.returns is None or any(arg.annotation is None for arg in arguments):
            found.append(f"{node.name}: not typed")
    return found


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("rows = Plan.objects.all()", True),
        ("plan = get_object_or_404(Plan, pk=pk)", True),
        ("report = shortcuts.get_object_or_404(Report.objects.filter(x=1), pk=1)", True),
        ("rows = selectors.plans()", False),
        ("text = 'Plan.objects.all()'", False),  # a string is not a query
    ],
)
def test_the_search_finds_what_queries(source, found):
    assert bool(queries(source)) is found


def test_the_search_finds_long_or_untyped_functions():
    assert long_or_untyped("def view(request):\n    return 1\n") == ["view: not typed"]
    body = "\n".join(["    x = 1"] * MAX_LINES)
    assert long_or_untyped(f"def view(request: int) -> int:\n{body}\n    return x\n") == [
        f"view: {MAX_LINES + 2} lines"
    ]
    assert long_or_untyped("def view(request: int, *, pk: int) -> int:\n    return pk\n") == []


def test_the_search_searches_every_views_module():
    names = {path.relative_to(ROOT).as_posix() for path in views_modules()}
    assert {
        "reports/views/dashboard.py",
        "campaigns/model_views.py",
        "public/views.py",
        "accounts/views.py",
        "facilities/import_views.py",
    } <= names
    assert len(names) >= 15


def test_no_views_module_queries_a_model():
    found = {
        path.relative_to(ROOT).as_posix(): queries(path.read_text("utf-8"))
        for path in views_modules()
    }
    assert {path: lines for path, lines in found.items() if lines} == {}, (
        "ask the app's selectors.py (scoped to the user) instead"
    )


def test_views_are_short_and_typed():
    found = {
        path.relative_to(ROOT).as_posix(): long_or_untyped(path.read_text("utf-8"))
        for path in views_modules()
    }
    assert {path: names for path, names in found.items() if names} == {}
