"""The life of an import job, from the upload to the last row written (STYLE.md habit 4).

The upload request only stores the file (``import_job_create``: a few checks that cost
milliseconds whatever the size) and queues the reading. A worker then claims each stage with
a conditional UPDATE and holds it under a lease it renews every batch of rows:

    pending -> previewing -> ready -(confirm)-> queued -> running -> done
                    \\-> failed (refused file)            \\-> failed (refused, write error)

A job whose lease ran out (its worker was killed, or lost the database) is marked failed
with a message, by the page that polls it and by a beat sweep; it keeps its file, so the
user can try again. The write runs in one transaction together with the job's "done": a
job marked failed meanwhile rolls its rows back, so "failed" always means nothing was saved.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError, connection, transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from .imports import SYNC_ROW_LIMIT, FileRefused, ImportRefused, Preview, check_file
from .models import IMPORT_WORKING, ImportJob, ImportStatus

log = logging.getLogger(__name__)

# A worker renews its lease every 2,000 rows (a second or two); reading a 20 MB XLSX before
# the first row is the longest stretch without a renewal, well under this.
LEASE_SECONDS = 120
# Bounded sweep (STYLE.md habit 6): oldest lease first.
EXPIRE_BATCH = 100

STOPPED = _(
    "The import stopped before finishing (the worker stopped). Nothing was saved; try again."
)
WRITE_FAILED = _("The import stopped on an error while writing. Nothing was saved; try again.")

# kind -> (preview, apply): dotted paths, as the measurement import lives in a higher app.
IMPORTERS = {
    "plan": ("plans.imports.plan_import_preview", "plans.imports.plan_import_apply"),
    "measurements": (
        "indicators.imports.measurement_import_preview",
        "indicators.imports.measurement_import_apply",
    ),
}
# The Celery task that runs a job waiting in this status (plans/tasks.py), named rather than
# imported: the tasks call this module.
STAGE_TASKS = {
    ImportStatus.PENDING: "plans.tasks.preview_import",
    ImportStatus.QUEUED: "plans.tasks.run_import",
}


class LeaseLost(Exception):
    """The job was marked failed while this worker still wrote it: roll its rows back."""


def progress_key(job_id: int) -> str:
    return f"import-job-{job_id}-done"


def lease_key(job_id: int) -> str:
    return f"import-job-{job_id}-lease"


def _retrying(write, attempts: int = 20):
    """Run a small write, waiting out a briefly locked table (SQLite: a reader mid-poll).
    Inside a transaction an error is final: the transaction cannot go on after it."""
    if connection.in_atomic_block:
        return write()
    for attempt in range(attempts):
        try:
            return write()
        except OperationalError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.05)


def _language(language: str) -> str:
    # A job made before its uploader's language was kept speaks the site's.
    return language or settings.LANGUAGE_CODE


def _dispatch(job: ImportJob) -> None:
    """Queue the stage ``job`` waits for, once the row that says so is committed."""
    name = STAGE_TASKS[job.status]
    transaction.on_commit(lambda: current_app.send_task(name, args=[job.pk]))


# The user's side ------------------------------------------------------------------------


def import_job_create(*, kind: str, plan, by, filename: str, data: bytes, language: str):
    """Store ``data`` as a new job and queue its reading; raises ``FileRefused`` for a file
    refused without reading it (empty, too big, not CSV / XLSX, an XLSX zip bomb)."""
    check_file(data, filename)
    with transaction.atomic():
        # A new file supersedes the user's unconfirmed previews of the same import.
        ImportJob.objects.filter(
            created_by=by,
            plan=plan,
            kind=kind,
            status__in=(ImportStatus.PENDING, ImportStatus.READY),
        ).delete()
        job = ImportJob.objects.create(
            kind=kind,
            plan=plan,
            created_by=by,
            filename=filename[:255],
            content=data,
            language=language or "",
        )
        _dispatch(job)
    return job


def import_job_confirm(*, job: ImportJob) -> bool:
    """Queue the write of a checked file with no row error; False if it is not (any more)
    waiting for confirmation: a second click imports nothing twice."""
    if not job.preview.get("valid"):
        return False
    if not ImportJob.objects.filter(pk=job.pk, status=ImportStatus.READY).update(
        status=ImportStatus.QUEUED
    ):
        return False
    job.status = ImportStatus.QUEUED
    _dispatch(job)
    return True


def import_job_retry(*, job: ImportJob) -> bool:
    """Start a stopped job again from its stored file: from the write if the file had been
    checked, else from the reading. False if the job cannot be tried again."""
    if not job.can_retry:
        return False
    status = ImportStatus.QUEUED if job.preview.get("valid") else ImportStatus.PENDING
    if not ImportJob.objects.filter(pk=job.pk, status=ImportStatus.FAILED).update(
        status=status, errors=[], done=0, lease_until=None, finished_at=None
    ):
        return False
    cache.delete_many([progress_key(job.pk), lease_key(job.pk)])
    job.status, job.errors, job.done, job.finished_at = status, [], 0, None
    _dispatch(job)
    return True


# Leases ---------------------------------------------------------------------------------


def _renew(job_id: int) -> None:
    """Push the lease on: in the cache always, on the row when outside the write's
    transaction (where the row's change would not be seen until the end)."""
    until = timezone.now() + timedelta(seconds=LEASE_SECONDS)
    cache.set(lease_key(job_id), until.timestamp(), 2 * LEASE_SECONDS)
    if not connection.in_atomic_block:
        _retrying(
            lambda: ImportJob.objects.filter(pk=job_id, status__in=IMPORT_WORKING).update(
                lease_until=until
            )
        )


def _expire(job_id: int, language: str, now: datetime) -> bool:
    """Mark the job failed if its lease ran out; True if it did."""
    renewed = cache.get(lease_key(job_id))
    if renewed and renewed > now.timestamp():
        # Alive, inside its write's transaction (which hides its renewals of the row). The
        # row is left alone: on SQLite that transaction holds the write lock.
        return False
    with translation.override(_language(language)):
        message = str(STOPPED)
    # The condition repeats the question: a worker that finished meanwhile keeps its result.
    return bool(
        ImportJob.objects.filter(pk=job_id, status__in=IMPORT_WORKING, lease_until__lt=now).update(
            status=ImportStatus.FAILED, errors=[message], lease_until=None, finished_at=now
        )
    )


def import_job_check_lease(job: ImportJob) -> ImportJob:
    """The page's check, free unless the lease ran out: ``job``, marked failed if it did."""
    now = timezone.now()
    ran_out = job.status in IMPORT_WORKING and job.lease_until and job.lease_until < now
    if ran_out and _expire(job.pk, job.language, now):
        job.refresh_from_db()
    return job


def import_leases_expire(*, now: datetime | None = None) -> int:
    """The beat sweep: mark failed the jobs whose worker stopped, oldest lease first, in a
    bounded batch. Returns how many."""
    now = now or timezone.now()
    stale = (
        ImportJob.objects.lease_ran_out(now)
        .order_by("lease_until")
        .values_list("pk", "language")[:EXPIRE_BATCH]
    )
    return sum(_expire(pk, language, now) for pk, language in stale)


# The worker's side ----------------------------------------------------------------------


def _claim(job_id: int, waiting: str, working: str, *, stage: int):
    """The job, taken from ``waiting`` to ``working`` under a new lease, and the importer's
    function for the stage (0: preview, 1: apply); ``(None, None)`` if it was not waiting."""
    until = timezone.now() + timedelta(seconds=LEASE_SECONDS)
    if not ImportJob.objects.filter(pk=job_id, status=waiting).update(
        status=working, lease_until=until
    ):
        return None, None  # a redelivered task, a job superseded or already taken
    job = ImportJob.objects.select_related("plan__team", "created_by").get(pk=job_id)
    return job, import_string(IMPORTERS[job.kind][stage])


def _finish(job: ImportJob, status: str, **fields) -> bool:
    """Leave the working stage for ``status``, unless the job was taken from this worker."""
    if status in (ImportStatus.DONE, ImportStatus.FAILED):
        fields["finished_at"] = timezone.now()
    return bool(
        _retrying(
            lambda: ImportJob.objects.filter(pk=job.pk, status=job.status).update(
                status=status, lease_until=None, **fields
            )
        )
    )


def _progress(job: ImportJob):
    def progress(done: int) -> None:
        # The cache is seen by the page even while the write's transaction is open.
        cache.set(progress_key(job.pk), done, 3600)
        _renew(job.pk)
        if not connection.in_atomic_block:
            _retrying(lambda: ImportJob.objects.filter(pk=job.pk).update(done=done))

    return progress


def _summary(preview: Preview) -> dict:
    """What the page shows of a preview: every row of a small file, only counts of a big one."""
    shown = len(preview.rows) <= SYNC_ROW_LIMIT
    return {
        "columns": preview.columns,
        "rows": [
            {"number": row.number, "cells": [_shown(c) for c in row.cells], "errors": row.errors}
            for row in (preview.rows if shown else [])
        ],
        "shown": shown,
        "valid": preview.is_valid,
        "bad_rows": len(preview.bad_rows),
    }


def _shown(value) -> str:
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _file_of(job: ImportJob) -> dict:
    """The arguments every importer's preview and apply take."""
    return {
        "plan": job.plan,
        "data": bytes(job.content),
        "filename": job.filename,
        "progress": _progress(job),
    }


def import_job_preview(job_id: int) -> str:
    """The reading stage: check every row, store what the page shows; write nothing else."""
    job, read = _claim(job_id, ImportStatus.PENDING, ImportStatus.PREVIEWING, stage=0)
    if job is None:
        return "skipped"
    with translation.override(_language(job.language)):
        try:
            preview = read(**_file_of(job))
        except FileRefused as refused:
            _finish(job, ImportStatus.FAILED, errors=[str(refused)], content=b"")
            return ImportStatus.FAILED
        except Exception:
            log.exception("import job %s failed while reading", job_id)
            _fail_keeping_the_file(job, str(STOPPED))
            return ImportStatus.FAILED
        summary, errors = _summary(preview), preview.errors[:500]
    # A file with wrong rows is not kept: it can only be fixed and sent again.
    extra = {} if preview.is_valid else {"content": b""}
    _finish(
        job,
        ImportStatus.READY,
        total=len(preview.rows),
        done=0,
        preview=summary,
        errors=errors,
        **extra,
    )
    return ImportStatus.READY


def import_job_apply(job_id: int) -> str:
    """The writing stage: every row in one transaction with the job's "done", or none."""
    job, write = _claim(job_id, ImportStatus.QUEUED, ImportStatus.RUNNING, stage=1)
    if job is None:
        return "skipped"
    with translation.override(_language(job.language)):
        try:
            with transaction.atomic():
                count = write(**_file_of(job), by=job.created_by)
                if not _finish(job, ImportStatus.DONE, done=count, errors=[], content=b""):
                    raise LeaseLost
        except (ImportRefused, FileRefused) as refused:
            # The plan changed since the preview (a rep left the team...): refused as a whole.
            errors = refused.preview.errors[:500] if isinstance(refused, ImportRefused) else []
            _finish(job, ImportStatus.FAILED, errors=errors or [str(refused)], content=b"")
            return ImportStatus.FAILED
        except LeaseLost:
            return "lease lost"
        except Exception:
            log.exception("import job %s failed while writing", job_id)
            _fail_keeping_the_file(job, str(WRITE_FAILED))
            return ImportStatus.FAILED
    return ImportStatus.DONE


def _fail_keeping_the_file(job: ImportJob, message: str) -> None:
    try:
        _finish(job, ImportStatus.FAILED, errors=[message])
    except Exception:
        # The database itself is gone: the lease runs out and the sweep says so later.
        log.exception("import job %s could not be marked failed", job.pk)
