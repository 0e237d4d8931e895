"""Why a notification not emailed yet still waits, from its reader's preferences."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import UNDELIVERED, URGENT_STAGES, EmailMode, Reminder, ReminderPreference
from .services import preference_or_default
from .sweep import regular_email_due


def email_wait(pref: ReminderPreference, stage: str, now: datetime) -> str:
    """Why a notification not emailed yet waits, and until when, by the rule the sweep
    applies (``reminders.sweep.regular_email_due``): escalations go with the next sweep
    whatever the preferences; otherwise a quiet weekend holds everything until Monday, a daily
    digest until its hour (tomorrow's once today's went), "only escalations" keeps it in the
    app."""
    if stage in URGENT_STAGES:
        return _("Emailed with the next reminder round, whatever your preferences.")
    if pref.email_mode == EmailMode.ESCALATIONS:
        return _("You get only escalations by email: this one stays in the app.")
    due = regular_email_due(pref, now)
    if pref.email_mode != EmailMode.DAILY:
        return (
            _("Emailed with the next reminder round.")
            if due
            else _("Quiet weekend: emailed on Monday.")
        )
    if due:
        return _("Emailed with the next reminder round (your daily digest is due).")
    local = timezone.localtime(now)
    quiet = pref.weekend_quiet
    day = local.date()
    last = pref.last_daily_digest_on
    if (last is not None and last >= day) or (quiet and day.weekday() >= 5):
        day += timedelta(days=1)  # today's digest went, or today is a quiet weekend day
    while quiet and day.weekday() >= 5:
        day += timedelta(days=1)
    hour = {"hour": pref.daily_hour}
    if day == local.date():
        return _("In your daily digest at %(hour)d:00.") % hour
    if day.weekday() == 0 and local.date().weekday() >= 4 and quiet:
        return _("Quiet weekend: sent Monday at %(hour)d:00, in your daily digest.") % hour
    return _("In tomorrow's daily digest at %(hour)d:00.") % hour


def attach_email_wait(user, reminders: list[Reminder]) -> None:
    """Give each row still owed by email its ``waiting`` reason (one query, the preferences)."""
    owed = [r for r in reminders if r.state in UNDELIVERED]
    if not owed:
        return
    pref, now = preference_or_default(user), timezone.now()
    for reminder in owed:
        reminder.waiting = email_wait(pref, reminder.stage, now)
