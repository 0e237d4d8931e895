"""What a team's pages computed, kept in the shared cache until the services say it changed.

The team dashboard's grid and an indicator page's parts read a year of measurements; served
from here, a repeated view costs a few queries (bench/pages.py: with it 0.3x to 0.7x the
trivial view, without it 0.06x to 0.13x). So do the bodies of the plan page and of "My
actions" (their rows' queries and rendering: 40-60 ms at full size, 3 ms from here), drawn
with a slot for each CSRF token that ``with_csrf`` fills for the request. Each team has a
version token; a result is stored with the token it was computed under (with the tokens of
every team it reads) and never served once one is replaced.

``changed(team_id)`` replaces it. The services that write what those pages show call it
(figures, targets and indicators in ``indicators.services`` and its imports; plans, levers,
milestones and actions in ``plans.services`` and its import); so do the admin's forms
(``AdminMixin``: teams, members, names and any row an administrator edits by hand) and the
demo, with ``changed_everywhere()``, which replaces a token shared by every team. Nothing
listens to model signals: a write that goes round the services is seen after ``RESULT_TTL``.

A figure recorded or corrected on its own (``figures_changed``) replaces the team's figures
token instead, which every cached page also reads, and the token of the figure's indicator:
what is kept per indicator (``per_indicator``: a year of one indicator's figures grouped by
week, read by the cold dashboard after each recording) is read under the team's token and
its indicator's, so the team's other indicators are not read again.

A token is replaced at the write and again when its transaction commits: a result computed
between the two (on the data before the commit) is stored with the first new token, which the
second makes stale. The result's key carries everything else it depends on: the team, the day
(statuses move with it), the language and the viewer's scope. Access is checked by the views
before the cache is read. With the cache down the pages are computed, and writes still succeed.
"""

from __future__ import annotations

import hashlib
import logging
import uuid

from django.core.cache import cache
from django.db import transaction
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

logger = logging.getLogger(__name__)

RESULT_TTL = 600  # seconds; the tokens themselves never expire
# Bump with any change to what is cached under a name, so a deployment never reads the old shape.
_PREFIX = "pac:team-pages:2"
_EVERY_TEAM = "all"


def _token_key(team_id) -> str:
    return f"{_PREFIX}:v:{team_id}"


def _figures_key(team_id) -> str:
    return f"{_PREFIX}:f:{team_id}"


def _indicator_key(indicator_id) -> str:
    return f"{_PREFIX}:i:{indicator_id}"


def _forget(keys: list[str]) -> None:
    try:
        cache.delete_many(keys)
    except Exception:  # the write itself must not fail with the cache; results expire anyway
        logger.exception("team pages: could not replace the cache tokens %s", keys)


def changed(*team_ids) -> None:
    """Forget what was computed for these teams (ids; ``None`` is skipped)."""
    keys = [_token_key(pk) for pk in team_ids if pk is not None]
    if keys:
        _forget(keys)
        transaction.on_commit(lambda: _forget(keys))


def figures_changed(team_id, indicator_ids) -> None:
    """A figure of these indicators (ids) was recorded or corrected: the team's pages are
    forgotten as by ``changed``, the parts kept per indicator of its other indicators are not."""
    keys = [_figures_key(team_id), *map(_indicator_key, indicator_ids)]
    _forget(keys)
    transaction.on_commit(lambda: _forget(keys))


def changed_everywhere() -> None:
    """Forget what was computed for every team: for the rare writes that do not say which
    teams they touch (the admin's forms, the demo)."""
    changed(_EVERY_TEAM)


def result_key(name: str, *, team_id, today, scope="", extra="") -> str:
    """The key of one cached result; ``scope`` names what the viewer may see of it."""
    parts = [
        name,
        str(team_id),
        today.isoformat(),
        translation.get_language() or "",
        str(scope),
        str(extra),
    ]
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
    return f"{_PREFIX}:r:{name}:{digest}"


def _tokens(found: dict, keys: list[str]) -> tuple | None:
    """The current tokens (the teams', every team's), created where missing; None if one is
    lost."""
    for key in keys:
        if found.get(key) is None:
            cache.add(key, uuid.uuid4().hex, timeout=None)
            found[key] = cache.get(key)  # whoever added first wins
    tokens = tuple(found[key] for key in keys)
    return None if None in tokens else tokens


def get_or_compute(teams, computations: dict) -> dict:
    """``{key: compute}`` -> ``{key: value}``: each value cached under the current tokens of
    ``teams`` (a team's id, or a list of the ids a result reads), else ``compute()``'s, stored
    for ``RESULT_TTL``. One round trip when all are."""
    team_ids = list(teams) if isinstance(teams, (list, tuple)) else [teams]
    token_keys = [
        *map(_token_key, team_ids),
        *map(_figures_key, team_ids),
        _token_key(_EVERY_TEAM),
    ]
    try:
        found = cache.get_many([*token_keys, *computations])
        token = _tokens(found, token_keys)
    except Exception:  # an accelerator: without it the page is computed, not refused
        logger.exception("team pages: cache unavailable, computing %s", list(computations))
        return {key: compute() for key, compute in computations.items()}
    values, fresh = {}, {}
    for key, compute in computations.items():
        entry = found.get(key)
        if token is not None and entry is not None and entry[0] == token:
            values[key] = entry[1]
        else:
            values[key] = compute()
            fresh[key] = (token, values[key])
    _store(fresh if token is not None else {})
    return values


def _store(fresh: dict) -> None:
    if fresh:
        try:
            cache.set_many(fresh, RESULT_TTL)
        except Exception:
            logger.exception("team pages: could not store %s", list(fresh))


def part_key(name: str, *, team_id, indicator_id, extra="") -> str:
    """The key of one indicator's part (``per_indicator``); ``extra``: all it depends on."""
    digest = hashlib.sha256(f"{name}|{team_id}|{indicator_id}|{extra}".encode()).hexdigest()
    return f"{_PREFIX}:p:{name}:{digest[:32]}"


def per_indicator(team_id, keys: dict, compute) -> dict:
    """``{indicator_id: key}`` -> ``{indicator_id: value}``, each value cached under the team's
    token and its indicator's (``figures_changed`` replaces only the latter); ``compute(ids)``
    gives ``{indicator_id: value}`` of those not cached, in one go."""
    own = {pk: [_token_key(team_id), _indicator_key(pk), _token_key(_EVERY_TEAM)] for pk in keys}
    try:
        found = cache.get_many(list({*(k for ks in own.values() for k in ks), *keys.values()}))
        tokens = {pk: _tokens(found, ks) for pk, ks in own.items()}
    except Exception:
        logger.exception("team pages: cache unavailable, computing %s", list(keys))
        return compute(list(keys))
    values, missing = {}, []
    for pk, key in keys.items():
        entry = found.get(key)
        if tokens[pk] is not None and entry is not None and entry[0] == tokens[pk]:
            values[pk] = entry[1]
        else:
            missing.append(pk)
    if missing:
        computed = compute(missing)
        values.update(computed)
        _store({keys[pk]: (tokens[pk], computed[pk]) for pk in missing if tokens[pk] is not None})
    return values


# A cached page's CSRF tokens: rendered as this slot, filled for each request on the way out
# (a token is the session's, masked anew on each response). Escaping turns every "<" a user
# typed into "&lt;", so no text of theirs can be taken for the slot.
_CSRF_SLOT = mark_safe("<csrf-token-slot>")


def render_for_cache(request, template: str, context: dict) -> str:
    """``template`` rendered for ``request`` with the CSRF slot where each token goes: HTML
    that holds for every request of the same viewer and query string, fit to be cached."""
    return render_to_string(template, {**context, "csrf_token": _CSRF_SLOT}, request=request)


def with_csrf(request, html: str) -> str:
    """HTML of ``render_for_cache`` with this request's CSRF token in its slots."""
    return mark_safe(html.replace(_CSRF_SLOT, get_token(request)))  # our own templates'


class AdminMixin:
    """An admin whose forms change what the team pages show: every save or delete there
    forgets them for every team (an administrator's hand edit is rare, and may move a row
    from one team to another)."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # after the row, m2m, inlines
        changed_everywhere()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        changed_everywhere()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        changed_everywhere()
