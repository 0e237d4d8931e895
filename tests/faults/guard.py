"""CI guard of the fault tests: where they are required, a skip is a failure.

Fault tests (marked ``@pytest.mark.fault``) start their own ``redis-server``, SMTP server and
Celery workers. On a developer's machine without ``redis-server`` they skip, saying why. In CI
(``PAC_REQUIRE_E2E=1``, set by ``.ci/run``, or ``CI=true``) a skipped fault test would hide
the very faults issue 8 asks to survive, so the skip is turned into a failure that says so.

``tests/conftest.py`` imports the hook below; this module imports neither Django nor the
project, so ``tests/faults/test_ci_guard.py`` can load it into a throw-away pytest run.
A fault test must skip from a fixture or its body, never at module level (a module-level
skip happens before any test exists to carry the marker).
"""

from __future__ import annotations

import os

import pytest

MARKER = "fault"


def fault_tests_required() -> bool:
    return (
        os.environ.get("PAC_REQUIRE_E2E") == "1"
        or os.environ.get("CI", "").strip().lower() == "true"
    )


def _reason(report) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if (
        report.skipped
        and not hasattr(report, "wasxfail")  # an expected failure is not a skip
        and item.get_closest_marker(MARKER) is not None
        and fault_tests_required()
    ):
        report.outcome = "failed"
        report.longrepr = (
            f"fault test skipped where it is required (PAC_REQUIRE_E2E=1 or CI=true): "
            f"{_reason(report)}. Install what it needs so the fault tests run."
        )
    return report
