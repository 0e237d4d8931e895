"""Redis stopped and restarted (issue 8's fault tests): the app keeps serving pages, /healthz
says the broker is down (503) while it is, and ok again once it is back.

The test starts its own ``redis-server`` on a free loopback port (never the machine's own),
with no persistence. Without redis-server it skips locally, but fails when PAC_REQUIRE_E2E=1
or CI=true, so CI cannot pass by skipping it. About 2 s.
"""

import os
import shutil
import socket
import subprocess
import time

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db
REDIS = shutil.which("redis-server")


def _required() -> bool:
    return os.environ.get("PAC_REQUIRE_E2E") == "1" or os.environ.get("CI") == "true"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_redis(port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [REDIS, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise AssertionError("redis-server did not start")


def stop_redis(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


@pytest.fixture
def redis_port():
    if REDIS is None:
        if _required():
            pytest.fail("redis-server is not installed, and this fault test is required here")
        pytest.skip("redis-server is not installed")
    return free_port()


def test_pages_serve_while_redis_is_down_and_healthz_follows_it(redis_port, login, manager):
    url = f"redis://127.0.0.1:{redis_port}/0"
    client = login(manager)
    with override_settings(CELERY_BROKER_URL=url, CELERY_BROKER_TRANSPORT_OPTIONS={}):
        redis = start_redis(redis_port)
        try:
            response = client.get("/healthz")
            assert response.status_code == 200, response.json()
            assert response.json()["broker"] == "ok"
        finally:
            stop_redis(redis)

        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.json() == {"database": "ok", "broker": "down"}
        # The pages do not need the broker.
        assert client.get("/").status_code == 200
        assert client.get("/plans/").status_code == 200

        redis = start_redis(redis_port)
        try:
            response = client.get("/healthz")
            assert response.status_code == 200
            assert response.json() == {"database": "ok", "broker": "ok"}
        finally:
            stop_redis(redis)
