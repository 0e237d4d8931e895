from celery import shared_task

from pacsite.once import claims_purge


@shared_task
def ping() -> str:
    """Answer "pong": lets the health check and the tests prove a worker runs tasks."""
    return "pong"


@shared_task(ignore_result=True)
def purge_claims() -> int:
    """Forget the form tokens and idempotency keys older than a day."""
    return claims_purge()
