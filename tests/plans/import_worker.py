"""Running an import's queued stages in the test's process, as a worker would.

The pages queue the stages with ``transaction.on_commit`` (never run inside a test's
transaction): ``work_off_imports()`` then runs what a worker would pick up, through the
same functions as the Celery tasks (plans/tasks.py). The tests with a real worker live in
tests/plans/test_import_jobs_worker.py.
"""

from plans.import_jobs import import_job_apply, import_job_preview
from plans.models import ImportJob, ImportStatus


def work_off_imports() -> list[str]:
    """Run every waiting stage once (reading, then writing); returns their outcomes."""
    outcomes = []
    for pk in ImportJob.objects.filter(status=ImportStatus.PENDING).values_list("pk", flat=True):
        outcomes.append(import_job_preview(pk))
    for pk in ImportJob.objects.filter(status=ImportStatus.QUEUED).values_list("pk", flat=True):
        outcomes.append(import_job_apply(pk))
    return outcomes
