"""The apps stand in floors: each imports only the apps below it, and only at the top of its
modules (an import inside a function hides a cycle). A lower app hears from a higher one
through the signals it sends (plans.signals) or the reverse relations the higher one declares.

Migrations are history and AppConfig.ready() connects receivers once models are loaded: both
are left out."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FLOORS = ["teams", "plans", "indicators", "coaching", "reminders", "crm", "pacsite"]


def _modules():
    for app in FLOORS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield app, path


def _project_app(node) -> str | None:
    if isinstance(node, ast.ImportFrom):
        if node.level:  # relative: the app's own module
            return "."
        name = node.module or ""
    elif isinstance(node, ast.Import):
        name = node.names[0].name
    else:
        return None
    return name.split(".")[0] if name.split(".")[0] in FLOORS else None


def _inside_functions(tree):
    """Project imports inside a function body, except in an AppConfig's ready()."""
    for func in ast.walk(tree):
        if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef) and func.name != "ready":
            for node in ast.walk(func):
                if _project_app(node):
                    yield node


def test_no_app_imports_an_app_above_it():
    upward = []
    for app, path in _modules():
        for node in ast.walk(ast.parse(path.read_text())):
            other = _project_app(node)
            if other not in (None, ".") and FLOORS.index(other) > FLOORS.index(app):
                upward.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {other}")
    assert upward == []


def test_every_project_import_is_at_the_top_of_its_module():
    inside = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for _app, path in _modules()
        for node in _inside_functions(ast.parse(path.read_text()))
    ]
    assert inside == []


@pytest.mark.parametrize(
    "source, found",
    [
        ("from crm.models import Connection\n", 1),
        ("def f():\n    from .models import Reminder\n", 1),
        ("class C:\n    def ready(self):\n        from . import signals\n", 0),
    ],
)
def test_the_check_sees_what_it_looks_for(source, found):
    tree = ast.parse(source)
    upward = [n for n in ast.walk(tree) if _project_app(n) == "crm"]
    assert len(upward) + len(list(_inside_functions(tree))) == found
