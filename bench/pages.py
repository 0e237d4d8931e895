"""Pages under load, each against a trivial view through the same middleware.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pac_bench \\
        .venv/bin/python bench/pages.py [--workers 4] [--duration 10] [--connections 8] \\
        [--pages my-actions,plan]

Needs the company of ``bench/generate.py`` in the database and ``wrk`` (Debian:
``apt-get install wrk``): without either it fails (exit code 1), it never reports a figure
it did not measure. Starts gunicorn on 127.0.0.1 (``--workers`` sync workers, DEBUG off,
settings ``bench.settings``: the project's plus the views of ``bench/urls.py``), logs a rep
and their manager in (session cookies made here), checks every URL answers 200, then for
each page runs wrk for ``--duration`` seconds on the trivial view and right after on the
page, with the same cookie and connections. Prints ``<name>: <ratio>x (goal >= <n>x)`` (page
requests per second / the trivial view's), then the page's p95 latency against its goal, the
trivial view's p95 and the errors (non-2xx, timeouts...). Only loopback; each run is bounded
by ``--duration``.
"""

# ruff: noqa: I001  (bench.common sets Django up: it must come first)
import argparse
import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# Sessions are signed: this process and gunicorn's workers share one key.
os.environ["SECRET_KEY"] = secrets.token_urlsafe(60)

# Sets Django up on the scratch database: before any other import of the project.
from bench.common import ROOT

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from indicators.models import Indicator, Kind, Measurement
from plans.models import Plan, PlanStatus

# The slowest a page may answer under the load, at the 95th percentile (issue 16).
P95_GOAL_MS = 50

LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %f %f %d %d\\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(95) / 1000,
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cookie_for(user) -> str:
    client = Client()
    client.force_login(user)  # the project's model backend, as a login form would use
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def get(port: int, path: str, cookie: str) -> tuple[int, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers={"Cookie": cookie})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, len(body)


def wrk(port, path, cookie, args, script) -> tuple[float, float, int]:
    out = subprocess.run(
        [
            "wrk",
            f"-t{args.threads}",
            f"-c{args.connections}",
            f"-d{args.duration}s",
            "--timeout",
            "30s",
            "-s",
            script,
            "-H",
            f"Cookie: {cookie}",
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        timeout=args.duration + 60,
        check=True,
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    rps, p95, errors, bad_status = line.split()[1:]
    return float(rps), float(p95), int(errors) + int(bad_status)


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--duration", type=int, default=10)
    p.add_argument("--connections", type=int, default=8)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument(
        "--pages",
        default="",
        help="names to measure, comma-separated (layout,plan,my-actions,my-actions-manager,"
        "dashboard,indicator,dashboard-cold); all by default",
    )
    args = p.parse_args(argv)
    if not shutil.which("wrk"):
        print("pages: not measured (wrk is not installed: apt-get install wrk)")
        return 1
    User = get_user_model()
    rep = User.objects.filter(username="bench-r0-0").first()
    if rep is None:
        print("pages: not measured (no data: run bench/generate.py first)")
        return 1
    pages = _pages(rep)
    if args.pages:
        wanted = set(args.pages.split(","))
        unknown = wanted - {page[0] for page in pages}
        if unknown:
            p.error(f"unknown pages: {', '.join(sorted(unknown))}")
        pages = [page for page in pages if page[0] in wanted]

    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
    }
    gunicorn = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "pacsite.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA)
    failed = False
    try:
        for _ in range(120):
            try:
                get(port, "/bench/ping/", pages[0][2])
                break
            except OSError:
                time.sleep(0.5)
        for name, path, cookie, _goal in [("ping", "/bench/ping/", pages[0][2], 0), *pages]:
            for _ in range(args.workers):  # warm every worker's imports and connection
                status, size = get(port, path, cookie)
            if status != 200:
                print(f"pages {name}: {path} answered {status}, not 200", file=sys.stderr)
                failed = True
        if failed:
            print("pages: not measured (a page did not answer 200)")
            return 1
        for name, path, cookie, goal in pages:
            base_rps, base_p95, base_err = wrk(port, "/bench/ping/", cookie, args, script.name)
            rps, p95, errors = wrk(port, path, cookie, args, script.name)
            status, size = get(port, path, cookie)
            print(
                f"  {name} {path}: {rps:.1f} req/s vs trivial {base_rps:.1f} req/s, {size:,} bytes",
                file=sys.stderr,
            )
            # wrk's percentiles cover completed requests only: none in the run means slower.
            shown = f"{p95:.0f} ms" if rps else f"> {args.duration} s (no request completed)"
            label = name if name == "layout" else f"pages {name}"
            print(
                f"{label}: {rps / base_rps:.2f}x (goal >= {goal}x) p95 {shown} "
                f"(goal <= {P95_GOAL_MS} ms; trivial {base_p95:.0f} ms), errors {errors + base_err}"
            )
            failed = failed or bool(errors + base_err)
    finally:
        os.killpg(gunicorn.pid, signal.SIGTERM)
        gunicorn.wait(timeout=30)
        os.unlink(script.name)
    return 1 if failed else 0


def _pages(rep) -> list[tuple[str, str, str, float]]:
    """(name, path, session cookie, goal) of every page measured, the issue's goals."""
    plan = Plan.objects.select_related("team__manager").get(
        team__members=rep, status=PlanStatus.ACTIVE
    )
    indicator = Indicator.objects.filter(plan=plan).order_by("pk").first()
    # A typed figure (not a rate, a scale or categories) that the cold dashboard re-records.
    figure = (
        Measurement.objects.filter(
            indicator__plan=plan,
            indicator__kind=Kind.QUANTITATIVE,
            indicator__computation="",
            value__isnull=False,
        )
        .order_by("-date", "pk")
        .first()
    )
    rep_cookie, manager_cookie = cookie_for(rep), cookie_for(plan.team.manager)
    return [
        ("layout", "/bench/layout/", rep_cookie, 0.6),
        ("plan", f"/plans/{plan.pk}/", manager_cookie, 0.2),
        ("my-actions", "/my-actions/", rep_cookie, 0.2),
        ("my-actions-manager", "/my-actions/", manager_cookie, 0.2),
        ("dashboard", f"/indicators/team/{plan.team_id}/", manager_cookie, 0.5),
        ("indicator", f"/indicators/{indicator.pk}/", rep_cookie, 0.5),
        ("dashboard-cold", f"/bench/dashboard-cold/{figure.pk}/", manager_cookie, 0.2),
    ]


if __name__ == "__main__":
    sys.exit(main())
