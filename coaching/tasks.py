"""Coaching's periodic work, thin: the rules are in services."""

from celery import shared_task
from django.utils import timezone

from .services import challenges_regenerate


@shared_task
def regenerate_recurring_challenges() -> int:
    """Open the next period of each recurring challenge that is over (daily, idempotent).

    The challenge pages also call the service when opened, so the task only makes the new
    period appear before anyone looks.
    """
    return len(challenges_regenerate(today=timezone.localdate()))
