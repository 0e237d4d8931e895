"""Writes of the reminders app: delivering a digest, preferences, team settings, read marks."""

from __future__ import annotations

import logging
import smtplib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from plans.models import Action
from plans.reminder_stamps import restamp_team

from . import bell
from .emails import build_digest
from .models import (
    URGENT_STAGES,
    DeliveryState,
    EmailMode,
    ItemType,
    Reminder,
    ReminderPreference,
    Stage,
    TeamReminderSettings,
)
from .selectors import hydrate
from .sweep import cancel_stale, regular_email_due, undelivered_q

log = logging.getLogger(__name__)


def lease_seconds() -> int:
    return getattr(settings, "REMINDER_LEASE_SECONDS", 300)


@dataclass
class Delivery:
    recipient_id: int
    sent: int = 0  # reminders in the email (0: nothing was owed, or someone else has them)
    cancelled: int = 0


def digest_deliver(*, recipient_id: int, now: datetime | None = None) -> Delivery:
    """Email ``recipient_id`` one digest of every reminder owed to them now, exactly once.

    1. claim: one conditional UPDATE moves the owed rows (pending, or "sending" with a lapsed
       lease) to "sending" under a fresh token and a lease; a parallel call claims nothing;
    2. re-check the claimed items (completed since the sweep? cancelled);
    3. send the email; on any SMTP/network error release the claim (rows back to pending)
       and re-raise, so the caller retries;
    4. mark the claimed rows sent.

    The one duplicate window: the SMTP server accepted the message and the process died
    before step 4; the lease then lapses and a later sweep sends the rows again.
    """
    now = now or timezone.now()
    report = Delivery(recipient_id)
    user = (
        get_user_model()
        .objects.select_related("reminder_preference")
        .filter(pk=recipient_id, is_active=True)
        .first()
    )
    if user is None or not user.email:
        return report
    pref = preference_or_default(user)
    stages = Q(stage__in=URGENT_STAGES)
    if regular_email_due(pref, now):
        stages = Q()
    token = uuid.uuid4()
    # The claim touches only the rows' own columns (no join): on PostgreSQL a parallel claim
    # waits for the row lock, re-checks ``state`` on the new row version and skips it.
    claimed = (
        Reminder.objects.filter(undelivered_q(now), stages, recipient_id=recipient_id)
        .order_by()
        .update(
            state=DeliveryState.SENDING,
            claim_token=token,
            lease_until=now + timedelta(seconds=lease_seconds()),
            attempts=F("attempts") + 1,
        )
    )
    if not claimed:
        return report
    report.cancelled = cancel_stale(now, rows=Reminder.objects.filter(claim_token=token))
    if report.cancelled:
        bell.forget([recipient_id])
    rows = list(Reminder.objects.filter(claim_token=token, state=DeliveryState.SENDING))
    if not rows:
        return report
    hydrate(rows)
    message = build_digest(user=user, language=pref.language, reminders=rows)
    try:
        message.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as exc:
        if not all(code >= 500 for code, _text in exc.recipients.values()):
            _release(token)
            raise
        # The address is refused for good (5xx): retrying would knock at the door forever.
        # The items stay in the person's notification list.
        log.warning("Digest for user %s refused by the SMTP server: %s", recipient_id, exc)
        Reminder.objects.filter(claim_token=token, state=DeliveryState.SENDING).update(
            state=DeliveryState.MUTED, lease_until=None
        )
        return report
    except Exception:
        # Back to pending at once, so a retry (or the next sweep) need not wait for the lease.
        _release(token)
        raise
    Reminder.objects.filter(claim_token=token, state=DeliveryState.SENDING).update(
        state=DeliveryState.SENT, sent_at=timezone.now(), lease_until=None
    )
    if (
        pref.pk
        and pref.email_mode == EmailMode.DAILY
        and any(r.stage not in URGENT_STAGES for r in rows)
    ):
        ReminderPreference.objects.filter(pk=pref.pk).update(
            last_daily_digest_on=timezone.localdate(now)
        )
    report.sent = len(rows)
    return report


def _release(token) -> None:
    Reminder.objects.filter(claim_token=token, state=DeliveryState.SENDING).update(
        state=DeliveryState.PENDING, claim_token=None, lease_until=None
    )


def preference_or_default(user) -> ReminderPreference:
    """The user's preferences, or the defaults (unsaved) for someone who never set any."""
    try:
        return user.reminder_preference
    except ReminderPreference.DoesNotExist:
        return ReminderPreference(user=user)


def preference_get(*, user) -> ReminderPreference:
    """The user's preferences, created with the defaults the first time."""
    pref, _created = ReminderPreference.objects.get_or_create(user=user)
    return pref


@transaction.atomic
def preference_update(*, user, **fields) -> ReminderPreference:
    pref = preference_get(user=user)
    allowed = {"language", "email_mode", "daily_hour", "weekend_quiet"}
    for name, value in fields.items():
        if name not in allowed:
            raise TypeError(f"unknown preference {name!r}")
        setattr(pref, name, value)
    pref.full_clean()
    pref.save()
    return pref


def language_saved(user) -> str | None:
    """The person's saved language, or None if they never had one: what the pages come up
    in once signed in, and every email to them. One field holds it,
    ``ReminderPreference.language`` (a person without a row gets emails in the default)."""
    return ReminderPreference.objects.filter(user=user).values_list("language", flat=True).first()


@transaction.atomic
def language_save(*, user, language: str) -> ReminderPreference:
    """Save ``language`` (one of ``settings.LANGUAGES``) as the person's language."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"unknown language {language!r}")
    pref, created = ReminderPreference.objects.get_or_create(
        user=user, defaults={"language": language}
    )
    if not created and pref.language != language:
        pref.language = language
        pref.save(update_fields=["language"])
    return pref


def team_settings_get(*, team) -> TeamReminderSettings:
    """The team's settings, created lazily with the defaults."""
    obj, _created = TeamReminderSettings.objects.get_or_create(team=team)
    return obj


@transaction.atomic
def team_settings_update(*, team, upcoming_days: int, escalation_days: int) -> TeamReminderSettings:
    obj = team_settings_get(team=team)
    obj.upcoming_days = upcoming_days
    obj.escalation_days = escalation_days
    obj.full_clean()
    obj.save()
    restamp_team(team)
    return obj


def notification_mark_read(*, user, reminder: Reminder) -> Reminder:
    if reminder.recipient_id != user.pk:
        raise PermissionError("not your notification")
    if reminder.read_at is None:
        reminder.read_at = timezone.now()
        if Reminder.objects.filter(pk=reminder.pk, read_at=None).update(read_at=reminder.read_at):
            bell.forget([user.pk])
    return reminder


def notifications_mark_all_read(*, user) -> int:
    marked = (
        Reminder.objects.filter(recipient=user, read_at=None)
        .exclude(state=DeliveryState.CANCELLED)
        .update(read_at=timezone.now())
    )
    if marked:
        bell.forget([user.pk])
    return marked


def reminders_cancel_for_actions(*, actions: Q) -> int:
    """The actions matching ``actions`` changed (completed, cancelled, moved, archived...):
    their rows not yet emailed that they no longer deserve are cancelled. One UPDATE."""
    rows = Reminder.objects.filter(
        item_type=ItemType.ACTION, item_id__in=Action.all_objects.filter(actions).values("pk")
    )
    cancelled = cancel_stale(
        timezone.now(), rows=rows.filter(state__in=[DeliveryState.PENDING, DeliveryState.MUTED])
    )
    if cancelled:  # whose rows they were is read only then: the actions' few rows, by index
        bell.forget(rows.order_by().values_list("recipient_id", flat=True))
    return cancelled


def connection_reminders_cancel(*, connection) -> int:
    """``connection`` runs again (new credentials) or is gone: its "CRM stopped" rows not yet
    emailed are cancelled, at once, so neither the email nor the bell still asks for
    credentials. ``crm.services`` calls it (the sweep does not look at connections)."""
    rows = Reminder.objects.filter(item_type=ItemType.CONNECTION, item_id=connection.pk)
    cancelled = rows.filter(
        Q(state__in=[DeliveryState.PENDING, DeliveryState.MUTED])
        | Q(state=DeliveryState.SENDING, lease_until__lt=timezone.now())
    ).update(state=DeliveryState.CANCELLED, lease_until=None, claim_token=None)
    if cancelled:
        bell.forget(rows.order_by().values_list("recipient_id", flat=True))
    return cancelled


def connection_stopped_notify(*, connection, now: datetime | None = None) -> Reminder | None:
    """Tell the team's manager, in their language, that ``connection`` stopped: the CRM
    refused its credentials. Call it once per stop (``crm.sync`` does, on the change of
    state only, so the retries of a stopped connection add nothing).

    The row is emailed by the next sweep like an escalation (``URGENT_STAGES``) and stays in
    the bell until read, or until new credentials start the connection again
    (``connection_reminders_cancel``). Stopped twice the same day (the key holds the date), the
    day's row is armed again: unread, and owed by email once more.
    """
    manager = connection.team.manager
    if manager is None:
        return None
    now = now or timezone.now()
    language = preference_or_default(manager).language
    with translation.override(language):
        title = _("%(name)s (%(crm)s): the CRM refused the credentials, syncing stopped") % {
            "name": connection.name,
            "crm": connection.get_kind_display(),
        }
    reminder, _created = Reminder.objects.update_or_create(
        recipient=manager,
        item_type=ItemType.CONNECTION,
        item_id=connection.pk,
        stage=Stage.CRM_STOPPED,
        due_date=timezone.localdate(now),
        defaults={
            "title": title[:200],
            "state": DeliveryState.PENDING,
            "created_at": now,
            "read_at": None,
            "sent_at": None,
            "lease_until": None,
            "claim_token": None,
        },
    )
    bell.forget([manager.pk])
    return reminder
