"""Real processes the fault tests start, stop and kill: a private ``redis-server`` on a free
loopback port (never the machine's own), Celery workers as subprocesses in their own process
group, and the test database made reachable from those subprocesses.

Every wait polls a condition against a deadline; nothing sleeps a fixed time.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import kombu.pools
import pytest
from django.db import connection
from django.test import override_settings

from pacsite.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
REDIS = shutil.which("redis-server")
REDIS_ARGS = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]  # no persistence
START_TIMEOUT = 90  # importing Django and Celery on a loaded 2-core CI machine


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, *, timeout: float, what: str, details=lambda: ""):
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}\n{details()}")
        time.sleep(0.05)


# Run first in every process we start: be SIGKILLed when the test process dies
# (PR_SET_PDEATHSIG, kept across exec), so a killed pytest run leaves no worker or
# redis-server behind. Linux only, like CI. Done in the child's own Python, not in a
# preexec_fn (unsafe with the SMTP server's thread running).
_DIE_WITH_THE_TESTS = "import ctypes, signal; ctypes.CDLL(None).prctl(1, signal.SIGKILL)"
_EXEC = f"{_DIE_WITH_THE_TESTS}; import os, sys; os.execv(sys.argv[1], sys.argv[1:])"


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """A ``redis-server`` of our own, without persistence: a restart starts empty, as after a
    crash, so whatever was queued in it is lost and only the database remembers."""

    def __init__(self):
        if REDIS is None:
            # Skips here; the CI guard (tests/faults/guard.py) turns this into a failure.
            pytest.skip("redis-server is not installed (apt-get install redis-server)")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen | None = None

    def start(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-c", _EXEC, REDIS, "--port", str(self.port), *REDIS_ARGS],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: _answers(self.port), timeout=20, what="redis-server to answer")

    def stop(self) -> None:
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(10)
        self._process = None
        wait_for(lambda: not _answers(self.port), timeout=10, what="redis-server to stop")


def _drop_broker_connections() -> None:
    """Forget this process's pooled broker connections, so the next publish (a task, or a
    remote-control ping) connects to the broker now configured. ``app.close()`` is not enough
    with Celery 5.7: the producer pool and the control mailbox's cached copy of it stay, and
    would keep publishing to the previous test's (dead) Redis, retrying forever."""
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    kombu.pools.reset()  # the producer pools, kept by kombu per broker URL
    celery_app.amqp._producer_pool = None
    celery_app.control.mailbox.__dict__.pop("producer_pool", None)


@contextlib.contextmanager
def broker(url: str):
    """Point this process's Celery app (what ``task.delay()`` publishes to) and the health
    check at ``url`` for the duration."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.broker_transport_options
    options = {"visibility_timeout": 3600}  # as pacsite/settings.py with REDIS_URL
    _drop_broker_connections()
    conf.broker_url, conf.broker_transport_options = url, options
    try:
        with override_settings(CELERY_BROKER_URL=url, CELERY_BROKER_TRANSPORT_OPTIONS=options):
            yield
    finally:
        _drop_broker_connections()
        conf.broker_url, conf.broker_transport_options = saved


@contextlib.contextmanager
def shared_database(tmp_path: Path):
    """Yield a ``DATABASE_URL`` under which other processes see this test's committed data.

    PostgreSQL: the test database itself. SQLite: pytest-django's test database lives in this
    process's memory, out of a subprocess's reach; its schema and rows are copied to a file
    and this process's connection is pointed at that file until the end of the test (the
    in-memory database is set aside, untouched, and restored afterwards).
    Needs a ``transactional_db`` test: the other processes only see committed rows.
    """
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        user = quote(settings["USER"] or "", safe="")
        if settings["PASSWORD"]:
            user += ":" + quote(settings["PASSWORD"], safe="")
        host = settings["HOST"] or "127.0.0.1"
        yield f"postgres://{user}@{host}:{settings['PORT'] or 5432}/{settings['NAME']}"
        return
    assert connection.vendor == "sqlite", connection.vendor
    path = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    in_memory_name, in_memory = settings["NAME"], connection.connection
    connection.connection = None  # not closed: closing would drop the in-memory database
    settings["NAME"] = str(path)
    try:
        yield f"sqlite:///{path}"
    finally:
        connection.close()
        settings["NAME"] = in_memory_name
        connection.connection = in_memory


# Runs a Celery worker, optionally living ``offset`` seconds ahead (time-machine), which is
# how a test lets a lease lapse without waiting for it.
_BOOT = f"""
{_DIE_WITH_THE_TESTS}
import datetime as dt, sys
offset = float(sys.argv.pop(1))
if offset:
    import time_machine
    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=offset)
    time_machine.travel(start, tick=True).start()
from celery.__main__ import main
sys.argv[0] = "celery"
sys.exit(main())
"""


WORKER_ARGS = [
    "--pool=prefork",
    "--concurrency=1",
    "--loglevel=INFO",
    "--without-gossip",
    "--without-mingle",
    "--without-heartbeat",
]


class Worker:
    """``celery -A pacsite worker`` as a subprocess in its own process group, on a prefork
    pool of one child as in production (``make serve``), so it can be killed for real."""

    count = 0

    def __init__(self, tmp_path: Path, env: dict[str, str], *, offset: float = 0):
        Worker.count += 1
        self.name = f"fault{Worker.count}-{os.getpid()}@localhost"
        self.log_path = tmp_path / f"worker{Worker.count}.log"
        self._log = self.log_path.open("w")
        full_env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
        full_env.update(env)
        command = [sys.executable, "-c", _BOOT, str(offset), "-A", "pacsite", "worker"]
        self.process = subprocess.Popen(
            [*command, *WORKER_ARGS, "-n", self.name],
            cwd=ROOT,
            env=full_env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the pool child dies with it
        )

    def log(self) -> str:
        status = self.process.poll()
        state = "running" if status is None else f"exited with {status}"
        return f"--- {self.log_path.name} ({state}) ---\n{self.log_path.read_text()[-4000:]}"

    def ping(self) -> bool:
        """Whether the worker answers a remote-control ping now. A broker connection this
        process pooled before an outage fails once; it is dropped, the next ping reconnects."""
        errors = celery_app.connection_for_write().connection_errors
        try:
            return bool(celery_app.control.ping(destination=[self.name], timeout=0.5))
        except errors:
            _drop_broker_connections()
            return False

    def wait_ready(self) -> None:
        def ready() -> bool:
            assert self.process.poll() is None, f"the worker exited\n{self.log()}"
            return self.ping()

        wait_for(ready, timeout=START_TIMEOUT, what=f"worker {self.name}", details=self.log)

    def kill(self) -> None:
        """SIGKILL the whole group: no warm shutdown, no ack, no cleanup."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
        # The pool child may outlive a parent that died alone.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self._log.close()
