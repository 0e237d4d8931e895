"""The runtime requirements hold what the app imports, and the tools stay in the dev file.

Every ``import`` of the apps' code (tests and benchmarks left out) is resolved to the
distribution that provides it: each must be pinned in ``requirements.txt``, the file a
production install reads; pytest, Playwright, ruff and the like must not be.
"""

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("teams", "pacsite", "plans", "indicators", "coaching", "reminders", "crm")
DEV_ONLY = {"pytest", "pytest-django", "playwright", "ruff", "schemathesis", "aiosmtpd"}


def pinned(path: Path) -> dict[str, str]:
    """{normalised name: version} of a requirements file's own pins (``-r`` lines skipped)."""
    found = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line or line.startswith("-"):
            continue
        name, _, version = line.partition("==")
        found[normalise(re.sub(r"\[.*\]", "", name))] = version
    return found


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def imported_top_modules() -> set[str]:
    modules = set()
    for app in APPS:
        for source in (ROOT / app).rglob("*.py"):
            for node in ast.walk(ast.parse(source.read_text())):
                if isinstance(node, ast.Import):
                    modules |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    modules.add(node.module.split(".")[0])
    return modules - set(sys.stdlib_module_names) - set(APPS)


def test_every_import_of_the_app_is_a_runtime_requirement():
    runtime = pinned(ROOT / "requirements.txt")
    providers = packages_distributions()
    missing = {
        module: providers.get(module)
        for module in imported_top_modules()
        if not any(normalise(d) in runtime for d in providers.get(module, []))
    }
    assert not missing, f"imported by the app but not in requirements.txt: {missing}"


def test_the_runtime_file_holds_no_tools_and_the_dev_file_adds_them():
    runtime = pinned(ROOT / "requirements.txt")
    assert not DEV_ONLY & set(runtime), DEV_ONLY & set(runtime)
    assert "gunicorn" in runtime  # make serve runs it in production
    dev_text = (ROOT / "requirements-dev.txt").read_text()
    assert "-r requirements.txt" in dev_text.splitlines()
    assert set(pinned(ROOT / "requirements-dev.txt")) >= DEV_ONLY
