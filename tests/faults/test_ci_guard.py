"""The CI guard (tests/faults/guard.py): a skipped fault test is a skip on a developer's
machine, and a failure saying why under PAC_REQUIRE_E2E=1 (what .ci/run sets) or CI=true.

Proved on a throw-away test file run by a real pytest in a subprocess, with the same hook
``tests/conftest.py`` uses. About 3 s.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import tests.conftest
from tests.faults import guard

ROOT = Path(__file__).resolve().parents[2]

SAMPLE = """
import pytest


@pytest.fixture
def redis_server():
    pytest.skip("redis-server is not installed")


@pytest.mark.fault
def test_fault_skipped_by_a_fixture(redis_server):
    pass


@pytest.mark.fault
def test_fault_skipped_in_its_body():
    pytest.skip("no SMTP server")


@pytest.mark.fault
@pytest.mark.skip(reason="skipped by a marker")
def test_fault_skipped_by_a_marker():
    pass


@pytest.mark.fault
def test_fault_that_runs():
    pass


@pytest.mark.fault
@pytest.mark.xfail(strict=True, reason="a known bug")
def test_fault_expected_to_fail():
    raise AssertionError


@pytest.mark.fault
class TestMarkedClass:
    def test_skipped_inside(self):
        pytest.skip("no worker")


def test_ordinary_skip():
    pytest.skip("not a fault test")
"""

SKIPPED_FAULTS = [
    "test_fault_skipped_by_a_fixture",
    "test_fault_skipped_in_its_body",
    "test_fault_skipped_by_a_marker",
    "TestMarkedClass::test_skipped_inside",
]


PYTEST_OPTIONS = ["-v", "--strict-markers", "-p", "no:cacheprovider"]
OUTCOME = re.compile(r"^test_sample\.py::(\S+) (PASSED|FAILED|SKIPPED|XFAIL|ERROR)", re.M)


def run_sample(tmp_path: Path, **env: str) -> tuple[int, dict[str, str], str]:
    (tmp_path / "test_sample.py").write_text(SAMPLE)
    (tmp_path / "conftest.py").write_text(
        "from tests.faults.guard import pytest_runtest_makereport  # noqa: F401\n"
    )
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    fault: a fault test\n")
    full_env = {k: v for k, v in os.environ.items() if k not in {"CI", "PAC_REQUIRE_E2E"}}
    # No installed plugin in the throw-away run (Django, Playwright...): only the guard,
    # loaded by its conftest. Starts in well under a second.
    full_env.update(env, PYTHONPATH=str(ROOT), PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "test_sample.py", *PYTEST_OPTIONS],
        cwd=tmp_path,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    outcomes = dict(OUTCOME.findall(result.stdout))
    return result.returncode, outcomes, result.stdout


def test_locally_a_fault_test_may_skip(tmp_path):
    code, outcomes, output = run_sample(tmp_path)
    assert code == 0, output
    assert outcomes == {
        **dict.fromkeys(SKIPPED_FAULTS, "SKIPPED"),
        "test_fault_that_runs": "PASSED",
        "test_fault_expected_to_fail": "XFAIL",
        "test_ordinary_skip": "SKIPPED",
    }


@pytest.mark.parametrize("env", [{"PAC_REQUIRE_E2E": "1"}, {"CI": "true"}], ids=str)
def test_where_required_a_skipped_fault_test_fails_the_run_and_says_why(tmp_path, env):
    code, outcomes, output = run_sample(tmp_path, **env)
    assert code == 1, output
    for name in SKIPPED_FAULTS:
        # A skip from a fixture or a marker happens at set-up: reported as an error.
        assert outcomes[name] in {"FAILED", "ERROR"}, (name, output)
    # What runs, an expected failure and an ordinary skip are left alone.
    assert outcomes["test_fault_that_runs"] == "PASSED"
    assert outcomes["test_fault_expected_to_fail"] == "XFAIL"
    assert outcomes["test_ordinary_skip"] == "SKIPPED"
    assert "fault test skipped where it is required" in output
    assert "redis-server is not installed" in output
    assert "no SMTP server" in output


def test_other_values_do_not_require_them(tmp_path):
    code, outcomes, output = run_sample(tmp_path, CI="false", PAC_REQUIRE_E2E="0")
    assert code == 0, output
    assert outcomes["test_fault_skipped_by_a_fixture"] == "SKIPPED"


def test_the_suite_uses_this_guard():
    assert tests.conftest.pytest_runtest_makereport is guard.pytest_runtest_makereport
