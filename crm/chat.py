"""The team's chat: Slack and Microsoft Teams incoming webhooks.

A message is a ``ChatPost`` row first (unique per hook and event, so an event posts once),
sent by the worker after the transaction commits (``crm.tasks.chat_send``), retried with
back-off when the chat fails. Nothing here runs in the email's path: the reminder digests
are sent by their own tasks whatever the chat does.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import httpx
from celery import current_app
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from coaching.models import Challenge, Kudos
from coaching.selectors import challenge_leaderboard
from indicators.progress import Status
from indicators.selectors import dashboard
from plans.models import Action, Milestone
from reminders.models import ItemType, Reminder, Stage

from . import secrets
from .models import ChatHook, ChatKind, ChatPost

log = logging.getLogger(__name__)
TIMEOUT = 10.0


def hook_url(hook: ChatHook) -> str:
    return secrets.unseal(hook.url).get("url", "")


def payload(kind: str, text: str) -> dict:
    """The body each chat's incoming webhook documents for a plain message."""
    if kind == ChatKind.TEAMS:
        card = {
            "type": "AdaptiveCard",
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "version": "1.4",
            "body": [{"type": "TextBlock", "text": text, "wrap": True}],
        }
        return {
            "type": "message",
            "attachments": [
                {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
            ],
        }
    return {"text": text}


def post_enqueue(*, hook: ChatHook, key: str, text: str) -> ChatPost | None:
    """Owe ``text`` to ``hook`` once per ``key``; sent by the worker after commit."""
    try:
        with transaction.atomic():
            post = ChatPost.objects.create(hook=hook, key=key[:120], text=text)
    except IntegrityError:
        return None  # already owed or sent: an event posts once
    transaction.on_commit(lambda: _send_later(post.pk))
    return post


def _send_later(post_id: int) -> None:
    try:
        # By name: crm.tasks imports this module.
        current_app.send_task("crm.tasks.chat_send", args=[post_id])
    except Exception:  # broker down: the beat job ``chat-retry`` finds the row later
        log.warning("Chat post %s not queued; the retry job will send it", post_id)


def post_deliver(*, post_id: int) -> bool | None:
    """Send one owed post. True: sent; False: the chat failed (retry); None: nothing owed."""
    post = ChatPost.objects.select_related("hook").filter(pk=post_id, sent_at=None).first()
    if post is None:
        return None
    ChatPost.objects.filter(pk=post.pk).update(attempts=F("attempts") + 1)
    try:
        response = httpx.post(
            hook_url(post.hook), json=payload(post.hook.kind, post.text), timeout=TIMEOUT
        )
        response.raise_for_status()
    except (httpx.HTTPError, ValueError) as exc:
        ChatPost.objects.filter(pk=post.pk).update(last_error=str(exc)[:300])
        return False
    # Claimed by the UPDATE: a parallel worker that sent it too finds it sent and stops.
    ChatPost.objects.filter(pk=post.pk, sent_at=None).update(sent_at=timezone.now())
    return True


def posts_owed(limit: int = 500) -> list[int]:
    """Posts not sent yet, oldest first (partial index ``chatpost_unsent``)."""
    rows = ChatPost.objects.filter(sent_at=None).order_by("created_at")
    return list(rows.values_list("pk", flat=True)[:limit])


# ------------------------------------------------------------------------------------------
# What is posted
# ------------------------------------------------------------------------------------------

# The reminder stages a team's chat hears about as they happen (read from the reminders'
# rows: the sweep decides what is due, the chat only repeats it).
CHAT_STAGES = (Stage.ESCALATED, Stage.MILESTONE_SLIPPED)
LOOK_BACK = timedelta(days=2)


def _teams_of(rows) -> dict[tuple[str, int], int]:
    """(item type, item id) -> team id, one query per item type."""
    ids = {kind: {r["item_id"] for r in rows if r["item_type"] == kind} for kind in ItemType}
    teams = {}
    for pk, team in Action.all_objects.filter(pk__in=ids[ItemType.ACTION]).values_list(
        "pk", "lever__plan__team_id"
    ):
        teams[(ItemType.ACTION, pk)] = team
    for pk, team in Milestone.all_objects.filter(pk__in=ids[ItemType.MILESTONE]).values_list(
        "pk", "plan__team_id"
    ):
        teams[(ItemType.MILESTONE, pk)] = team
    return teams


def _event_text(row) -> str:
    when = date_format(row["due_date"], "SHORT_DATE_FORMAT")
    if row["stage"] == Stage.ESCALATED:
        return _("Escalation: “%(title)s” is still open after its due date (%(date)s).") % {
            "title": row["title"],
            "date": when,
        }
    return _("Milestone slipped: “%(title)s” (%(date)s) still has open actions.") % {
        "title": row["title"],
        "date": when,
    }


def events_post(*, now=None) -> int:
    """Owe each team's chats its escalations and slipped milestones of the last days, once
    each (the post's key is the reminder's item, stage and date). Returns the posts owed."""
    now = now or timezone.now()
    rows = list(
        Reminder.objects.filter(stage__in=CHAT_STAGES, created_at__gte=now - LOOK_BACK)
        .values("stage", "item_type", "item_id", "due_date", "title")
        .distinct()
    )
    if not rows:
        return 0
    teams = _teams_of(rows)
    hooks: dict[int, list[ChatHook]] = {}
    for hook in ChatHook.objects.filter(team_id__in=set(teams.values())):
        hooks.setdefault(hook.team_id, []).append(hook)
    owed = 0
    with override(settings.LANGUAGE_CODE):
        for row in rows:
            key = f"{row['stage']}:{row['item_type']}:{row['item_id']}:{row['due_date']}"
            for hook in hooks.get(teams.get((row["item_type"], row["item_id"])), []):
                owed += post_enqueue(hook=hook, key=key, text=_event_text(row)) is not None
    return owed


def weekly_text(team, *, today) -> str:
    """The week's round-up: who is on track, the challenges' leaders, the kudos. It names
    people only to congratulate them: nobody is listed as behind or last."""
    board = dashboard(team, today=today)
    on_track = [
        row.rep.get_full_name() or row.rep.get_username()
        for row in board.rows
        if any(c.status in Status.JUDGED for c in row.cells)
        and all(c.status == Status.ON_TRACK for c in row.cells if c.status in Status.JUDGED)
    ]
    lines = [
        _("Week of %(date)s, %(team)s")
        % {"date": date_format(today, "SHORT_DATE_FORMAT"), "team": team.name}
    ]
    if on_track:
        lines.append(
            _("On track on all their indicators: %(names)s. Well done!")
            % {"names": ", ".join(on_track)}
        )
    challenges = Challenge.objects.filter(team=team, start_date__lte=today, end_date__gte=today)
    for challenge in challenges:
        leaders = [r.name for r in challenge_leaderboard(challenge, today=today)[:3] if r.value]
        if leaders:
            lines.append(
                _("Challenge “%(title)s”: leading, %(names)s.")
                % {"title": challenge.title, "names": ", ".join(leaders)}
            )
    kudos = Kudos.objects.filter(team=team, created_at__date__gt=today - timedelta(days=7))
    if count := kudos.count():
        lines.append(
            ngettext("%(count)s kudos given this week.", "%(count)s kudos given this week.", count)
            % {"count": count}
        )
    return "\n".join(lines)


def weekly_posts(*, today=None) -> int:
    """Owe each team's weekly round-up once per ISO week."""
    today = today or timezone.localdate()
    year, week, _weekday = today.isocalendar()
    owed = 0
    with override(settings.LANGUAGE_CODE):
        for hook in ChatHook.objects.filter(weekly_post=True).select_related("team"):
            text = weekly_text(hook.team, today=today)
            owed += post_enqueue(hook=hook, key=f"weekly:{year}-W{week:02d}", text=text) is not None
    return owed
