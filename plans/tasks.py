"""Background imports: big spreadsheets are checked and written by a Celery worker.

The job row is claimed before work starts (habit 4), so a redelivered task does nothing.
Progress goes to the cache (visible while the import's transaction is open) and, outside
that transaction, to the job row; the page polls ``import_progress`` either way.
"""

import logging
import time

from celery import shared_task
from django.core.cache import cache
from django.db import OperationalError, connection
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import ImportJob, ImportStatus

log = logging.getLogger(__name__)

# kind -> (preview, apply): the same functions the page calls for small files.
IMPORTERS = {
    "plan": ("plans.imports.plan_import_preview", "plans.imports.plan_import_apply"),
    "measurements": (
        "indicators.imports.measurement_import_preview",
        "indicators.imports.measurement_import_apply",
    ),
}


def progress_key(job_id: int) -> str:
    return f"import-job-{job_id}-done"


def _retrying(write, attempts: int = 20) -> None:
    """Run a small write, waiting out a briefly locked table (SQLite: a reader mid-poll)."""
    for attempt in range(attempts):
        try:
            return write()
        except OperationalError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.05)


def run_job(job: ImportJob) -> None:
    """Import ``job``'s file now, recording the outcome (and every row error) on the job."""
    from .imports import FileRefused, ImportRefused

    apply = import_string(IMPORTERS[job.kind][1])

    def progress(done: int) -> None:
        cache.set(progress_key(job.pk), done, 3600)
        if not connection.in_atomic_block:
            _retrying(lambda: ImportJob.objects.filter(pk=job.pk).update(done=done))

    try:
        count = apply(
            plan=job.plan,
            data=bytes(job.content),
            filename=job.filename,
            by=job.created_by,
            progress=progress,
        )
    except ImportRefused as refused:
        job.status, job.errors = ImportStatus.FAILED, refused.preview.errors[:500]
    except FileRefused as refused:
        job.status, job.errors = ImportStatus.FAILED, [str(refused)]
    else:
        job.status, job.done, job.errors = ImportStatus.DONE, count, []
    job.finished_at = timezone.now()
    # The file is no longer needed once imported or refused.
    job.content = b""
    _retrying(
        lambda: job.save(update_fields=["status", "done", "errors", "finished_at", "content"])
    )


@shared_task
def run_import(job_id: int) -> str:
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.PENDING).update(
        status=ImportStatus.RUNNING
    )
    if claimed != 1:
        return "skipped"
    job = ImportJob.objects.select_related("plan__team", "created_by").get(pk=job_id)
    try:
        run_job(job)
    except Exception:
        log.exception("import job %s failed", job_id)
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportStatus.FAILED, finished_at=timezone.now()
        )
        raise
    return job.status
