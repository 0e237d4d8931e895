"""Celery wiring: the beat schedule, the task options, the start-up sweep."""

from django.conf import settings

from pacsite.celery import app
from reminders import signals
from reminders.tasks import deliver_digest, retry_delay, sweep_reminders


def test_beat_sweeps_every_configured_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["reminders-sweep"]
    assert entry["task"] == sweep_reminders.name
    assert entry["schedule"] == settings.REMINDER_SWEEP_MINUTES * 60


def test_only_the_idempotent_reminder_tasks_ack_late():
    assert sweep_reminders.acks_late and deliver_digest.acks_late
    assert not app.conf.task_acks_late  # the default for every other task
    # The lease outlives the task, so a live worker never loses its claim.
    assert deliver_digest.time_limit < settings.REMINDER_LEASE_SECONDS


def test_retries_back_off_and_stop_growing(settings):
    settings.REMINDER_RETRY_BASE_SECONDS = 30
    assert [retry_delay(n) for n in range(4)] == [30, 60, 120, 240]
    assert retry_delay(20) == 3600


def test_a_starting_beat_queues_one_sweep(monkeypatch):
    sent = []
    monkeypatch.setattr(signals, "_STARTED", False)
    monkeypatch.setattr(signals.current_app, "send_task", lambda name, **kw: sent.append(name))
    signals._sweep_when_beat_starts()
    signals._sweep_when_beat_starts()  # an embedded beat sends two signals
    assert sent == ["reminders.tasks.sweep_reminders"]
