"""Keep reminders in step with actions the moment their services change them (the sweep
checks again before it sends), and sweep once when beat starts."""

import logging

from celery import current_app
from celery.signals import beat_embedded_init, beat_init
from django.dispatch import receiver

from plans.signals import actions_restamped

from .services import reminders_cancel_for_actions

log = logging.getLogger(__name__)
_STARTED = False


@receiver(actions_restamped, dispatch_uid="reminders-actions-restamped")
def _actions_restamped(sender, actions, **kwargs):
    # Same transaction as the change itself: both happen, or neither.
    reminders_cancel_for_actions(actions=actions)


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
