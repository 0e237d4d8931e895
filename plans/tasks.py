"""Background imports: every file is read, checked and written by a Celery worker.

The tasks are thin (STYLE.md habit 6): the stages, their claims and leases live in
plans/import_jobs.py. A redelivered task finds its job already claimed and does nothing.
"""

from celery import shared_task

from .import_jobs import import_job_apply, import_job_preview, import_leases_expire


@shared_task
def preview_import(job_id: int) -> str:
    return import_job_preview(job_id)


@shared_task
def run_import(job_id: int) -> str:
    return import_job_apply(job_id)


@shared_task
def expire_import_leases() -> int:
    """Beat: a job whose worker died stops showing "running" (the page checks it too)."""
    return import_leases_expire()
