"""Celery tasks of the reminders: thin, idempotent, taking ids (STYLE.md habit 6).

Both tasks may run twice or in parallel without harm (the database decides, see
``reminders.sweep`` and ``reminders.services.digest_deliver``), which is why they, and only
they, use ``acks_late``: a worker lost mid-task gets its message redelivered.
"""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.db import OperationalError, transaction

from . import services, sweep

log = logging.getLogger(__name__)

# Errors after which the digest is worth trying again later: SMTP server down, refusing or
# timing out; the database busy (SQLite locked past its timeout).
RETRYABLE = (smtplib.SMTPException, OSError, OperationalError)


def retry_delay(retries: int) -> int:
    """Exponential backoff: base, 2x base, 4x base... capped at one hour."""
    base = getattr(settings, "REMINDER_RETRY_BASE_SECONDS", 30)
    return min(base * 2**retries, 3600)


def enqueue_digest(recipient_id: int) -> None:
    """Queue a digest once the current transaction commits. A broker outage loses nothing:
    the rows stay pending and the next sweep queues them again."""

    def _send():
        try:
            deliver_digest.delay(recipient_id)
        except Exception:  # kombu raises several kinds; all mean "not queued this time"
            log.warning("Could not queue the digest of user %s; next sweep will", recipient_id)

    transaction.on_commit(_send)


@shared_task(acks_late=True, ignore_result=True)
def sweep_reminders() -> int:
    """The beat job: one sweep; returns how many digests it queued."""
    report = sweep.run_sweep(dispatch=enqueue_digest)
    return len(report.recipients)


@shared_task(
    bind=True,
    acks_late=True,
    ignore_result=True,
    max_retries=8,
    # Below the lease, so a live worker never sees its claim taken over.
    soft_time_limit=120,
    time_limit=150,
)
def deliver_digest(self, recipient_id: int) -> int:
    """Email one person their digest; SMTP trouble -> retry with backoff (rows stay pending)."""
    try:
        return services.digest_deliver(recipient_id=recipient_id).sent
    except RETRYABLE as exc:
        log.warning("Digest for user %s not sent (%s); retrying", recipient_id, exc)
        raise self.retry(exc=exc, countdown=retry_delay(self.request.retries)) from exc
