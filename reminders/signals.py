"""Keep reminders in step with actions the moment they change (the sweep does it too)."""

import logging

from celery import current_app
from celery.signals import beat_embedded_init, beat_init
from django.db.models.signals import post_save
from django.dispatch import receiver

from plans.models import Action

from .services import reminders_cancel_for_action

log = logging.getLogger(__name__)
_STARTED = False


@receiver(post_save, sender=Action, dispatch_uid="reminders-action-saved")
def _action_saved(sender, instance: Action, created: bool, raw: bool = False, **kwargs):
    # A new action has no reminders yet; a completed, cancelled or moved one may have some
    # that no longer apply (a moved due date is a new key, re-armed by the next sweep).
    if created or raw:
        return
    # Same transaction as the change itself: both happen, or neither.
    reminders_cancel_for_action(action=instance)


@beat_init.connect(dispatch_uid="reminders-sweep-at-beat-start")
@beat_embedded_init.connect(dispatch_uid="reminders-sweep-at-embedded-beat-start")
def _sweep_when_beat_starts(sender=None, **kwargs):
    # Beat first fires an interval job one interval after it starts; one sweep at start-up
    # means a fresh `make run` (or a restarted beat) does not wait 15 minutes. Harmless
    # even if it overlaps a scheduled sweep: sweeps are idempotent. (An embedded beat sends
    # both signals: once per process is enough.)
    global _STARTED
    if _STARTED:
        return
    _STARTED = True
    try:
        current_app.send_task("reminders.tasks.sweep_reminders")
    except Exception:  # the broker is down: the scheduled sweeps will do it
        log.warning("Could not queue the start-up reminder sweep")
