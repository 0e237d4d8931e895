"""A real Celery worker (a subprocess, prefork, as in production) SIGKILLed in the middle of
an import: the job ends failed with a message once its lease runs out, nothing was saved,
the page stops polling and offers to try again, and the next worker imports every row.

Marked ``fault``: it skips without redis-server, and fails instead in CI
(tests/faults/guard.py). Some 30 s here, most of it starting workers and reading the file.
"""

# ruff: noqa: RUF001 - the French message's typography is kept verbatim.
import io
from datetime import date, timedelta

import pytest
import time_machine
from django.db import OperationalError
from django.utils import timezone

from indicators.models import Measurement
from plans.import_jobs import LEASE_SECONDS
from plans.models import ImportJob, Plan
from tests.faults.processes import RedisServer, Worker, broker, shared_database, wait_for
from tests.indicators.conftest import make_indicator

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.fault]

ROWS = 20_000
TIMEOUT = 180  # a loaded 2-core machine; a healthy run needs well under a minute
STOPPED_FR = (
    "L’import s’est arrêté avant la fin (le processus d’import s’est arrêté). "
    "Rien n’a été enregistré ; réessayez."
)


@pytest.fixture
def start_worker(tmp_path):
    """Returns ``start()``, which starts a worker for this test and waits until it answers."""
    redis = RedisServer()
    redis.start()
    workers = []
    with shared_database(tmp_path) as database_url, broker(redis.url):
        env = {"DATABASE_URL": database_url, "REDIS_URL": redis.url, "PAC_VAR_DIR": str(tmp_path)}

        def start() -> Worker:
            worker = Worker(tmp_path, env)
            workers.append(worker)
            worker.wait_ready()
            return worker

        try:
            yield start
        finally:
            for worker in workers:
                worker.stop()
            redis.stop()


def _status(job: ImportJob) -> str | None:
    # SQLite: the worker's write transaction may lock the shared file for a moment.
    try:
        return ImportJob.objects.filter(pk=job.pk).values_list("status", flat=True).first()
    except OperationalError:
        return None


def _wait_status(job: ImportJob, status: str, worker: Worker) -> None:
    wait_for(lambda: _status(job) == status, timeout=TIMEOUT, what=status, details=worker.log)


def crm_file(rows: int) -> bytes:
    lines = ["indicator,rep,date,value,note"]
    lines += [f"Revenue,julien,2026-02-{1 + i % 28:02d},{i},CRM" for i in range(rows)]
    return "\n".join(lines).encode()


def test_a_worker_killed_mid_import_fails_the_job_then_a_retry_imports_it(
    start_worker, login, team, manager, rep
):
    plan = Plan.objects.create(
        team=team, title="PAC S1", start_date=date(2026, 1, 1), end_date=date(2026, 6, 30)
    )
    make_indicator(plan)
    worker = start_worker()
    client = login(manager)
    upload = io.BytesIO(crm_file(ROWS))
    upload.name = "crm.csv"
    client.post(f"/indicators/plan/{plan.pk}/import/", {"file": upload})
    job = ImportJob.objects.get()
    wait_for(
        lambda: _status(job) == "ready", timeout=TIMEOUT, what="the preview", details=worker.log
    )
    client.post(f"/imports/{job.pk}/run/")
    wait_for(
        lambda: _status(job) == "running", timeout=TIMEOUT, what="the write", details=worker.log
    )

    worker.kill()

    assert not Measurement.objects.exists()
    # While its lease lasts the job still looks alive: the page polls.
    assert "hx-trigger" in client.get(f"/imports/{job.pk}/progress/").content.decode()
    with time_machine.travel(timezone.now() + timedelta(seconds=LEASE_SECONDS + 1)):
        bar = client.get(f"/imports/{job.pk}/progress/").content.decode()
    job.refresh_from_db()
    assert (job.status, job.errors) == ("failed", [STOPPED_FR])
    assert STOPPED_FR in bar and "hx-trigger" not in bar and "Réessayer" in bar
    assert not Measurement.objects.exists()

    client.post(f"/imports/{job.pk}/retry/")
    worker = start_worker()
    _wait_status(job, "done", worker)
    assert Measurement.objects.count() == ROWS
