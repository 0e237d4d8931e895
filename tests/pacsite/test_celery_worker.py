"""A task runs on a real Celery worker, through the configured broker.

Without ``REDIS_URL`` that is kombu's filesystem transport (no server needed); with it,
Redis. The worker runs in a thread of the test process (``start_worker``).
"""

import os

import pytest
from celery.contrib.testing.worker import start_worker

from pacsite.celery import app
from pacsite.tasks import ping


@pytest.fixture(scope="module")
def celery_worker():
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING") as worker:
        yield worker


def test_the_configured_broker_is_the_expected_one():
    expected = "redis://" if os.environ.get("REDIS_URL") else "filesystem://"
    assert app.conf.broker_url.startswith(expected)


def test_a_task_is_executed_by_a_real_worker(celery_worker):
    result = ping.delay()
    assert result.get(timeout=30) == "pong"
    assert result.successful()
