from celery import shared_task

from indicators.models import Indicator, Measurement, Target
from plans.models import Action, Lever, Milestone
from teams.archive import purge_archived
from teams.once import claims_purge

# Every archivable model, a parent before its children (one cascade deletes them together).
ARCHIVED_MODELS_PARENTS_FIRST = (Lever, Milestone, Action, Indicator, Target, Measurement)


@shared_task
def ping() -> str:
    """Answer "pong": lets the health check and the tests prove a worker runs tasks."""
    return "pong"


@shared_task(ignore_result=True)
def purge_claims() -> int:
    """Forget the form tokens and idempotency keys older than a day."""
    return claims_purge()


@shared_task
def purge_archived_rows() -> int:
    """Really delete what was archived longer ago than ``ARCHIVE_RETENTION_DAYS`` (beat,
    daily). Parents first: an archived lever takes the actions archived with it."""
    return purge_archived(ARCHIVED_MODELS_PARENTS_FIRST)
