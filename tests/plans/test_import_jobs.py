# ruff: noqa: RUF001 - the French messages' typography is kept verbatim.
"""Imports in the background: the upload request only stores the file, a worker reads and
writes it under a lease, and a job whose worker stopped ends "failed", with a way to retry.

The stages run in this process (``work_off_imports``, the same functions as the tasks);
test_import_jobs_worker.py kills a real worker.
"""

import io
from datetime import date, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import IntegrityError, OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from indicators.models import Measurement
from plans.import_jobs import LEASE_SECONDS, import_leases_expire, lease_key
from plans.models import Action, ActionEvent, ImportJob, Lever, Plan
from tests.indicators.conftest import make_indicator
from tests.pacsite.test_no_loss import _counts as counts
from tests.pacsite.test_no_loss import fail_on_call

from .import_worker import work_off_imports
from .test_imports import HEADER, bomb
from .test_indexes import executed, query_plan

pytestmark = pytest.mark.django_db

STOPPED_FR = (
    "L’import s’est arrêté avant la fin (le processus d’import s’est arrêté). "
    "Rien n’a été enregistré ; réessayez."
)
WRITE_FAILED_FR = (
    "L’import s’est arrêté sur une erreur d’écriture. Rien n’a été enregistré ; réessayez."
)


@pytest.fixture
def plan(team, manager):
    plan = Plan.objects.create(
        team=team,
        title="PAC S1",
        start_date=date(2026, 1, 1),
        end_date=date(2026, 6, 30),
        created_by=manager,
    )
    Lever.objects.create(plan=plan, name="Conquête", aim="prospect")
    return plan


def _file(data: bytes, name: str):
    f = io.BytesIO(data)
    f.name = name
    return f


def plan_file(n: int) -> bytes:
    body = "".join(f"Conquête,Action {i},julien,,2026-02-01,Jalon,\n" for i in range(n))
    return (HEADER + body).encode()


def upload(client, plan, data: bytes, name="plan.csv"):
    return client.post(f"/plans/{plan.pk}/import/", {"file": _file(data, name)})


def confirmed_job(client, plan, data: bytes) -> ImportJob:
    """A job checked by a worker and confirmed by the user: waiting for a worker to write."""
    upload(client, plan, data)
    assert work_off_imports() == ["ready"]
    job = ImportJob.objects.get()
    client.post(f"/imports/{job.pk}/run/")
    job.refresh_from_db()
    assert job.status == "queued"
    return job


# The upload request ------------------------------------------------------------------------


def test_the_upload_stores_the_file_and_reads_no_row(login, plan, manager, rep, monkeypatch):
    def read(*args, **kwargs):
        raise AssertionError("the request read the file")

    monkeypatch.setattr("plans.imports._csv_rows", read)
    monkeypatch.setattr("plans.imports._xlsx_rows", read)
    data = plan_file(20_000)

    response = upload(login(manager), plan, data)

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{job.pk}/"
    assert (job.status, job.total, bytes(job.content)) == ("pending", 0, data)
    assert job.language == "fr"


def test_a_file_over_20_mb_is_refused_next_to_the_field(login, plan, manager):
    data = HEADER.encode() + b"x" * (20 * 1024 * 1024)
    response = upload(login(manager), plan, data)
    assert response.status_code == 200
    assert "Le fichier est trop gros (20 Mo au plus)." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_zip_bomb_is_refused_by_the_upload_without_unzipping(login, plan, manager, monkeypatch):
    def unzip(*args, **kwargs):
        raise AssertionError("the sheet was parsed")

    monkeypatch.setattr("openpyxl.load_workbook", unzip)
    response = upload(login(manager), plan, bomb(1_000_000), name="plan.xlsx")
    assert response.status_code == 200
    assert "Le fichier XLSX décompressé est trop volumineux" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_file_refused_while_read_fails_the_job_with_its_message(login, plan, manager):
    client = login(manager)
    upload(client, plan, b"what,who\nx,y\n")
    assert work_off_imports() == ["failed"]
    job = ImportJob.objects.get()
    bar = client.get(f"/imports/{job.pk}/").content.decode()
    assert "Colonne(s) manquante(s)" in bar and "hx-trigger" not in bar
    # Sending the same file again would fail the same way: no retry, the file is dropped.
    assert "Réessayer" not in bar and bytes(job.content) == b""


def test_the_checking_page_reloads_once_the_preview_is_ready(login, plan, manager, rep):
    client = login(manager)
    upload(client, plan, plan_file(1))
    job = ImportJob.objects.get()
    polling = client.get(f"/imports/{job.pk}/progress/", headers={"HX-Request": "true"})
    assert 'hx-trigger="every 1s"' in polling.content.decode()
    work_off_imports()
    ready = client.get(f"/imports/{job.pk}/progress/", headers={"HX-Request": "true"})
    assert ready["HX-Refresh"] == "true"


# Leases --------------------------------------------------------------------------------------


def test_a_job_whose_worker_stopped_fails_when_the_page_polls_and_can_be_retried(
    login, plan, manager, rep, monkeypatch
):
    client = login(manager)
    job = confirmed_job(client, plan, plan_file(3))
    # A worker claims the write and dies in the middle: nothing after that line runs.
    fail_on_call(monkeypatch, Action.objects, "bulk_create", 1, KeyboardInterrupt("killed"))
    with pytest.raises(KeyboardInterrupt):
        work_off_imports()
    monkeypatch.undo()
    job.refresh_from_db()
    assert job.status == "running" and not Action.objects.exists()

    # While the lease lasts the page keeps polling.
    bar = client.get(f"/imports/{job.pk}/progress/").content.decode()
    assert 'hx-trigger="every 1s"' in bar

    with time_machine.travel(timezone.now() + timedelta(seconds=LEASE_SECONDS + 1)):
        bar = client.get(f"/imports/{job.pk}/progress/").content.decode()
    job.refresh_from_db()
    assert job.status == "failed" and job.errors == [STOPPED_FR]
    assert STOPPED_FR in bar and "hx-trigger" not in bar
    assert f'action="/imports/{job.pk}/retry/"' in bar and "Réessayer" in bar

    # Try again: the same stored file, written by the next worker.
    retried = client.post(f"/imports/{job.pk}/retry/")
    assert retried["Location"] == f"/imports/{job.pk}/"
    job.refresh_from_db()
    assert (job.status, job.errors) == ("queued", [])
    assert work_off_imports() == ["done"]
    assert Action.objects.count() == 3


def test_the_beat_sweep_fails_only_the_jobs_whose_lease_ran_out(plan, manager, settings):
    now = timezone.now()
    lapsed, live, waiting = (
        ImportJob.objects.create(
            kind="plan", plan=plan, created_by=manager, filename=name, content=b"x", **fields
        )
        for name, fields in (
            ("lapsed.csv", {"status": "running", "lease_until": now - timedelta(seconds=1)}),
            ("live.csv", {"status": "previewing", "lease_until": now + timedelta(seconds=60)}),
            ("waiting.csv", {"status": "queued"}),
        )
    )

    assert import_leases_expire(now=now) == 1

    statuses = dict(ImportJob.objects.values_list("filename", "status"))
    assert statuses == {"lapsed.csv": "failed", "live.csv": "previewing", "waiting.csv": "queued"}
    lapsed.refresh_from_db()
    assert lapsed.errors == [STOPPED_FR] and lapsed.can_retry
    schedule = settings.CELERY_BEAT_SCHEDULE["imports-expire-leases"]
    assert schedule["task"] == "plans.tasks.expire_import_leases"
    assert schedule["schedule"] <= LEASE_SECONDS
    assert not (live.is_finished or waiting.is_finished)


def test_a_worker_renewing_its_lease_inside_its_write_is_not_failed(plan, manager):
    past = timezone.now() - timedelta(seconds=5)
    job = ImportJob.objects.create(
        kind="plan", plan=plan, created_by=manager, filename="a.csv", content=b"x",
        status="running", lease_until=past,
    )  # fmt: skip
    # Its renewals go to the cache while its transaction hides the row's.
    cache.set(lease_key(job.pk), (timezone.now() + timedelta(seconds=60)).timestamp())

    assert import_leases_expire() == 0

    job.refresh_from_db()
    assert job.status == "running"
    # Once the worker stops renewing, the next sweep fails it.
    cache.delete(lease_key(job.pk))
    assert import_leases_expire() == 1


def test_a_job_failed_by_the_sweep_while_its_worker_writes_saves_nothing(
    login, plan, manager, rep, monkeypatch
):
    client = login(manager)
    job = confirmed_job(client, plan, plan_file(3))
    before = counts()
    original = ActionEvent.objects.bulk_create

    def write_while_swept(*args, **kwargs):
        # The sweep saw an old lease (a stalled worker) and gave the job up.
        ImportJob.objects.filter(pk=job.pk).update(status="failed", errors=["stopped"])
        return original(*args, **kwargs)

    monkeypatch.setattr(ActionEvent.objects, "bulk_create", write_while_swept)

    assert work_off_imports() == ["lease lost"]
    # Here the "sweep" shares the worker's connection, so its update is rolled back too;
    # what matters is that the import's rows are.
    assert counts() == before


# A database error in the middle of the write ---------------------------------------------


@pytest.mark.parametrize("error", [IntegrityError, OperationalError])
def test_a_database_error_mid_write_saves_nothing_and_fails_the_job(
    login, plan, manager, rep, monkeypatch, error
):
    client = login(manager)
    job = confirmed_job(client, plan, plan_file(3))
    before = counts()
    # The new lever, the milestone and the actions are written; the history's insert fails.
    fail_on_call(monkeypatch, ActionEvent.objects, "bulk_create", 1, error("disk I/O error"))

    assert work_off_imports() == ["failed"]

    assert counts() == before
    job.refresh_from_db()
    assert job.status == "failed" and job.errors == [WRITE_FAILED_FR] and job.lease_until is None
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert WRITE_FAILED_FR in page and "Réessayer" in page and "hx-trigger" not in page


def test_a_database_error_after_the_first_batch_of_figures_saves_none(
    login, plan, manager, rep, rep2, monkeypatch
):
    make_indicator(plan)
    body = "".join(f"Revenue,julien,2026-02-{1 + i % 28:02d},{i},\n" for i in range(3000))
    client = login(manager)
    client.post(
        f"/indicators/plan/{plan.pk}/import/",
        {"file": _file(("indicator,rep,date,value,note\n" + body).encode(), "crm.csv")},
    )
    assert work_off_imports() == ["ready"]
    job = ImportJob.objects.get()
    client.post(f"/imports/{job.pk}/run/")
    # The first 2,000 figures are inserted, the second batch fails.
    calls = fail_on_call(
        monkeypatch, Measurement.objects, "bulk_create", 2, OperationalError("database is locked")
    )

    assert work_off_imports() == ["failed"]

    assert calls["n"] == 2 and not Measurement.objects.exists()
    job.refresh_from_db()
    assert job.status == "failed" and job.errors == [WRITE_FAILED_FR]


def test_only_the_uploader_retries_a_job(login, plan, manager, rep):
    job = ImportJob.objects.create(
        kind="plan", plan=plan, created_by=manager, filename="a.csv", content=b"x",
        status="failed",
    )  # fmt: skip
    assert login(rep).post(f"/imports/{job.pk}/retry/").status_code == 404
    job.refresh_from_db()
    assert job.status == "failed"


def test_the_lease_sweep_reads_its_partial_index(plan, manager):
    ImportJob.objects.create(
        kind="plan", plan=plan, created_by=manager, filename="a.csv", status="running",
        lease_until=timezone.now() - timedelta(seconds=1),
    )  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        assert import_leases_expire() == 1
    [sweep] = executed(queries, "SELECT", '"lease_until" <')
    assert "importjob_lease_due" in query_plan(sweep)


def test_a_job_stopped_while_read_is_read_again_on_retry(login, plan, manager, rep):
    client = login(manager)
    upload(client, plan, plan_file(2))
    job = ImportJob.objects.get()
    # A worker claimed the reading and died.
    ImportJob.objects.filter(pk=job.pk).update(
        status="previewing", lease_until=timezone.now() - timedelta(seconds=1)
    )

    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert STOPPED_FR in page and "Réessayer" in page and "hx-trigger" not in page

    client.post(f"/imports/{job.pk}/retry/")
    job.refresh_from_db()
    assert job.status == "pending"
    assert work_off_imports() == ["ready"]
    assert "2 lignes sont prêtes à importer" in client.get(f"/imports/{job.pk}/").content.decode()
