"""The team's chat: Slack and Microsoft Teams incoming webhooks.

A message is a ``ChatPost`` row first (unique per hook and event, so an event posts once),
sent by the worker after the transaction commits (``crm.tasks.chat_send``), retried with
back-off when the chat fails. Nothing here runs in the email's path: the reminder digests
are sent by their own tasks whatever the chat does.
"""

from __future__ import annotations

import logging

import httpx
from celery import current_app
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

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
