"""The bell's number: each person's unread notifications, kept in the shared cache.

Counting them was a query on every page with the navbar (issue 16: the ``layout`` figure of
bench/pages.py). The count is stored with two version tokens, the person's and everyone's,
and served only while both are still the current ones. Every write that changes what a
bell counts (a row recorded, read, cancelled or armed again) calls ``forget(user_ids)``,
which replaces those people's tokens, or ``forget_everyone()`` where it does not know whose
rows it changed (the sweep's clean-up of stale rows, the admin). The tests of
tests/reminders/test_bell.py load a page before and after each of those writes.

Why tokens rather than deleting the count: a page that counted before a write and stores
its count after it stores it under the token it read, which the write has replaced.
A token is replaced at the write and again when the transaction commits: a page drawn inside
the writer's transaction counts again (and sees the write); one drawn elsewhere before the
commit counts the old rows under the first new token, which the commit replaces. A writer
whose transaction rolls back after a page inside it counted leaves that count until ``TTL``.
With the cache down, the bell counts, and the writes still succeed.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction

from .selectors import unread_count

logger = logging.getLogger(__name__)

TTL = 600  # seconds; bounds what a writer forgot or a rollback left (the tokens never expire)
# Bump with any change to what is stored, so a deployment never reads the old shape.
_PREFIX = "pac:bell:1"
_EVERYONE = f"{_PREFIX}:v:all"


def _token_key(user_pk) -> str:
    return f"{_PREFIX}:v:{user_pk}"


def _count_key(user_pk) -> str:
    return f"{_PREFIX}:n:{user_pk}"


def _current(found: dict, key: str):
    """The token under ``key``, created when missing (whoever adds first wins)."""
    if found.get(key) is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        found[key] = cache.get(key)
    return found[key]


def unread(user) -> int:
    """``user``'s unread notifications (``selectors.unread_count``), from the cache when
    nothing was written for them since it counted: one round trip, no query."""
    keys = (_count_key(user.pk), _token_key(user.pk), _EVERYONE)
    try:
        found = cache.get_many(keys)
        tokens = (_current(found, keys[1]), _current(found, keys[2]))
    except Exception:  # an accelerator: without it the bell counts, it is not refused
        logger.exception("bell: cache unavailable, counting for %s", user.pk)
        return unread_count(user)
    entry = found.get(keys[0])
    if None not in tokens and entry is not None and entry[0] == tokens:
        return entry[1]
    count = unread_count(user)
    if None not in tokens:
        try:
            cache.set(keys[0], (tokens, count), TTL)
        except Exception:
            logger.exception("bell: could not keep the count of %s", user.pk)
    return count


def _replace(keys: list[str]) -> None:
    try:
        cache.delete_many(keys)
    except Exception:  # the write must not fail with the cache; counts expire anyway
        logger.exception("bell: could not replace the tokens %s", keys)


def forget(user_ids: Iterable) -> None:
    """These people's notifications changed: their bells count again (now and at commit).
    ``None`` ids are skipped."""
    keys = sorted({_token_key(pk) for pk in user_ids if pk is not None})
    if keys:
        _replace(keys)
        transaction.on_commit(lambda: _replace(keys))


def forget_everyone() -> None:
    """Notifications changed for people not named (one UPDATE over many people's rows):
    every bell counts again once."""
    _replace([_EVERYONE])
    transaction.on_commit(lambda: _replace([_EVERYONE]))
