"""The production run (scripts/serve.sh): gunicorn with several workers, one Celery worker and
one beat, with DEBUG=0 and a strong SECRET_KEY.

The script runs for real in its own session, against a SQLite file and the filesystem broker in
a temporary PAC_VAR_DIR (never the machine's database or Redis). It migrates first, serves
/healthz and the login page with the CSP header and a static file straight from the finders
(no collectstatic), and SIGTERM stops every process it started. Bounded: about 15 s here.
"""

import contextlib
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 90  # migrating a fresh SQLite file on a loaded CI machine
STOP_TIMEOUT = 40  # gunicorn's graceful timeout (25 s) plus the Celery warm shutdown


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def served(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        PAC_VAR_DIR=str(tmp_path),
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_WORKERS="2",
        CELERY_CONCURRENCY="1",
        BIN=str(Path(sys.executable).parent),  # the virtualenv running the tests
    )
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [str(ROOT / "scripts" / "serve.sh")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: we can check that nothing is left
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            assert process.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                status, _, _ = get(f"{base}/healthz")
                if status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
            time.sleep(0.3)
        yield base, process, tmp_path / "serve.log"
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(STOP_TIMEOUT)
        if group_alive(process.pid):
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


def test_serve_runs_the_production_processes_and_stops_them_all(served):
    base, process, log_path = served

    status, headers, body = get(f"{base}/healthz")
    assert status == 200
    assert b'"database": "ok"' in body and b'"broker": "ok"' in body

    status, headers, body = get(f"{base}/login/")
    assert status == 200
    csp = headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert headers.get("X-Frame-Options") == "DENY"
    assert b"csrfmiddlewaretoken" in body

    # DEBUG=0 and no collectstatic: whitenoise serves the files from the finders.
    status, _, _ = get(f"{base}/static/favicon.svg")
    assert status == 200
    # A missing page is the plain 404, not Django's debug page.
    status, _, _ = get(f"{base}/static/nothing-here.css")
    assert status == 404

    # /healthz answers as soon as gunicorn is up; the worker and beat may still be booting on a
    # loaded machine, so wait for their start lines before stopping everything.
    deadline = time.monotonic() + START_TIMEOUT
    while not all(mark in log_path.read_text() for mark in ("celery@", "beat: Starting")):
        assert process.poll() is None, log_path.read_text()
        assert time.monotonic() < deadline, log_path.read_text()
        time.sleep(0.3)

    process.send_signal(signal.SIGTERM)
    assert process.wait(STOP_TIMEOUT) == 0
    deadline = time.monotonic() + 10
    while group_alive(process.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not group_alive(process.pid), "serve.sh left processes running"

    log = log_path.read_text()
    assert log.count("Booting worker with pid") == 2  # several gunicorn workers
    assert "celery@" in log and "beat: Starting" in log  # one worker, one beat


def _group_processes(pgid: int) -> list[tuple[int, int, str]]:
    """(pid, parent pid, command line) of every process in the group, read from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:  # ended meanwhile
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
        if int(fields[2]) == pgid:
            found.append((int(entry.name), int(fields[1]), cmdline))
    return found


def _worker_main_pid(pgid: int) -> int | None:
    processes = _group_processes(pgid)
    workers = {pid: parent for pid, parent, cmdline in processes if "pacsite worker" in cmdline}
    # The main process is the worker whose parent is not a worker (its pool children are).
    mains = [pid for pid, parent in workers.items() if parent not in workers]
    return mains[0] if len(mains) == 1 else None


def test_a_dead_worker_is_started_again_and_the_site_keeps_serving(served):
    base, process, log_path = served
    deadline = time.monotonic() + START_TIMEOUT
    while not re.search(r"celery@\S+ ready", log_path.read_text()) or not _worker_main_pid(
        process.pid
    ):
        assert time.monotonic() < deadline, log_path.read_text()
        time.sleep(0.3)
    first = _worker_main_pid(process.pid)

    os.kill(first, signal.SIGKILL)  # as Celery's own crash on a Redis blip would end it

    deadline = time.monotonic() + START_TIMEOUT
    while len(re.findall(r"celery@\S+ ready", log_path.read_text())) < 2:
        assert process.poll() is None, log_path.read_text()
        assert time.monotonic() < deadline, log_path.read_text()
        time.sleep(0.3)
    assert "the Celery worker ended" in log_path.read_text()
    second = _worker_main_pid(process.pid)
    assert second is not None and second != first
    status, _, body = get(f"{base}/healthz")
    assert status == 200, body
