"""Cached results of the indicators pages: the team dashboard's grid, an indicator page's figures.

Computing them reads a year of measurements (bench/pages.py); a repeated view should not. Each
cache key carries a version token of the team and one of the plan: every write the pages
depend on replaces the token (the signal receivers below, connected in ``apps.ready``), so a
cached result is never served after a change. The key also carries everything else the result
depends on: the day (statuses move with it), the language (labels and number formats), and
the viewer's scope (a rep's own figures or the whole team's). Access is checked by the views
before the cache is read, as without it.

A token is replaced at the write and again when its transaction commits: a page computed
between the two (on the data before the commit) is stored under the first new token, which
the second makes unreachable.

Writes that send no signal (``bulk_create``, ``QuerySet.update``) must call ``plan_changed``
themselves; ``RESULT_TTL`` bounds the staleness of any that do not.
"""

from __future__ import annotations

import hashlib
import uuid

from django.core.cache import cache
from django.db import transaction
from django.utils import translation

RESULT_TTL = 600  # seconds; the tokens themselves never expire
_PREFIX = "pac:indicators"


def _token_key(kind: str, pk) -> str:
    return f"{_PREFIX}:v:{kind}:{pk}"


def _replace(keys: list[str]) -> None:
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def plan_changed(plan_id) -> None:
    """Forget what was computed for this plan (its figures, targets, indicators, actions)."""
    if plan_id is not None:
        _replace([_token_key("plan", plan_id)])


def team_changed(*team_ids) -> None:
    """Forget what was computed for these teams (members, names, which plan is current)."""
    _replace([_token_key("team", pk) for pk in team_ids if pk is not None])


def _tokens(team_id, plan_id) -> str:
    keys = [_token_key("team", team_id), _token_key("plan", plan_id)]
    found = cache.get_many(keys)
    tokens = []
    for key in keys:
        token = found.get(key)
        if token is None:
            cache.add(key, uuid.uuid4().hex, timeout=None)
            token = cache.get(key)  # whoever added first wins
        tokens.append(token or "")
    return ":".join(tokens)


def result_key(name: str, *, team_id, plan_id, today, scope="", extra="") -> str:
    """The key of one cached result; ``scope`` names what the viewer may see of it."""
    parts = [
        name,
        str(team_id),
        str(plan_id),
        _tokens(team_id, plan_id),
        today.isoformat(),
        translation.get_language() or "",
        str(scope),
        str(extra),
    ]
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
    return f"{_PREFIX}:r:{name}:{digest}"


def get_or_compute(key: str, compute):
    """The cached result under ``key``, else ``compute()``'s, stored for ``RESULT_TTL``."""
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, RESULT_TTL)
    return value


# --------------------------------------------------------------------------------------------
# Signal receivers (connected in IndicatorsConfig.ready)
# --------------------------------------------------------------------------------------------


def _cached_or_query(instance, field: str, model, column: str):
    """``instance.<field>.<column>`` without a query when the related object is loaded."""
    descriptor = type(instance)._meta.get_field(field)
    if descriptor.is_cached(instance):
        related = getattr(instance, field)
        return getattr(related, column) if related is not None else None
    fk = getattr(instance, f"{field}_id")
    if fk is None:
        return None
    return model.objects.filter(pk=fk).values_list(column, flat=True).first()


def on_indicator_child(sender, instance, **kwargs):
    """A measurement or a target saved (deleted ones: services.py, to keep fast deletes)."""
    from .models import Indicator

    plan_changed(_cached_or_query(instance, "indicator", Indicator, "plan_id"))


def on_plan_child(sender, instance, **kwargs):
    """An indicator or a lever saved or deleted."""
    plan_changed(instance.plan_id)


def on_action(sender, instance, **kwargs):
    from plans.models import Lever

    if kwargs.get("signal_name") == "delete" and not type(instance).lever.is_cached(instance):
        return  # a cascade from its lever or plan, which say so themselves
    plan_changed(_cached_or_query(instance, "lever", Lever, "plan_id"))


def on_action_delete(sender, instance, **kwargs):
    on_action(sender, instance, signal_name="delete")


def on_plan(sender, instance, **kwargs):
    plan_changed(instance.pk)
    team_changed(instance.team_id)


def on_team(sender, instance, **kwargs):
    team_changed(instance.pk)


def on_links(sender, instance, action, pk_set=None, **kwargs):
    """Indicator <-> action / lever links changed (either side)."""
    if not action.startswith("post_"):
        return
    from plans.models import Lever

    from .models import Indicator

    if isinstance(instance, Indicator | Lever):
        plan_changed(instance.plan_id)
    else:  # an action
        plan_changed(_cached_or_query(instance, "lever", Lever, "plan_id"))


def on_members(sender, instance, action, reverse, pk_set=None, **kwargs):
    """Team members added or removed, from the team's side or the user's."""
    if not action.startswith("post_"):
        return
    if not reverse:
        team_changed(instance.pk)
    elif pk_set:
        team_changed(*pk_set)
    else:  # a user's teams cleared
        from plans.models import Team

        team_changed(*Team.objects.filter(members=instance).values_list("pk", flat=True))


def on_user(sender, instance, created=False, update_fields=None, **kwargs):
    """A user renamed: their name is on the pages of the teams they belong to or manage (a
    login only stamps ``last_login``: nothing shown changes)."""
    if created or (update_fields is not None and set(update_fields) <= {"last_login", "password"}):
        return
    from django.db.models import Q

    from plans.models import Team

    teams = Team.objects.filter(Q(members=instance) | Q(manager=instance)).distinct()
    team_changed(*teams.values_list("pk", flat=True))
