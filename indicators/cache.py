"""Cached results of the indicators pages: the team dashboard's grid, an indicator page's parts.

Computing and rendering them read a year of measurements (bench/pages.py); a repeated view
should not. Each team has a version token in the cache; every write the pages depend on
replaces it (the signal receivers below, connected in ``apps.ready``), and a result is stored
with the token it was computed under, so it is never served after a change. The result's key
carries everything else it depends on: the team, the day (statuses move with it), the language
(labels and number formats) and the viewer's scope (a rep's own figures or the whole team's,
the forms they may fill). Access is checked by the views before the cache is read, as without
it. A page reads the token and its results in one round trip to the cache.

A token is replaced at the write and again when its transaction commits: a result computed
between the two (on the data before the commit) is stored with the first new token, which the
second makes stale.

Writes that send no signal (``bulk_create``, ``QuerySet.update``) must call ``team_changed``
themselves; ``RESULT_TTL`` bounds the staleness of any that do not.
"""

from __future__ import annotations

import hashlib
import logging
import uuid

from django.core.cache import cache
from django.db import transaction
from django.utils import translation

logger = logging.getLogger(__name__)

RESULT_TTL = 600  # seconds; the tokens themselves never expire
# Bump with any change to what is cached under a name, so a deployment never reads the old shape.
_PREFIX = "pac:indicators:3"


def _token_key(team_id) -> str:
    return f"{_PREFIX}:v:{team_id}"


def _forget(keys: list[str]) -> None:
    try:
        cache.delete_many(keys)
    except Exception:  # the write itself must not fail with the cache; results expire anyway
        logger.exception("indicators: could not replace the cache tokens %s", keys)


def team_changed(*team_ids) -> None:
    """Forget what was computed for these teams."""
    keys = [_token_key(pk) for pk in team_ids if pk is not None]
    if keys:
        _forget(keys)
        transaction.on_commit(lambda: _forget(keys))


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


def get_or_compute(team_id, computations: dict) -> dict:
    """``{key: compute}`` -> ``{key: value}``: each value cached under the team's current
    token, else ``compute()``'s, stored for ``RESULT_TTL``. One round trip when all are."""
    token_key = _token_key(team_id)
    try:
        found = cache.get_many([token_key, *computations])
        token = found.get(token_key)
        if token is None:
            cache.add(token_key, uuid.uuid4().hex, timeout=None)
            token = cache.get(token_key)  # whoever added first wins
    except Exception:  # an accelerator: without it the page is computed, not refused
        logger.exception("indicators: cache unavailable, computing %s", list(computations))
        return {key: compute() for key, compute in computations.items()}
    values, fresh = {}, {}
    for key, compute in computations.items():
        entry = found.get(key)
        if token is not None and entry is not None and entry[0] == token:
            values[key] = entry[1]
        else:
            values[key] = compute()
            fresh[key] = (token, values[key])
    if fresh and token is not None:
        try:
            cache.set_many(fresh, RESULT_TTL)
        except Exception:
            logger.exception("indicators: could not store %s", list(fresh))
    return values


# --------------------------------------------------------------------------------------------
# Signal receivers (connected in IndicatorsConfig.ready)
# --------------------------------------------------------------------------------------------


def _team_of_plan(plan, plan_id):
    """The team of a plan, without a query when the plan is loaded."""
    if plan is not None:
        return plan.team_id
    from plans.models import Plan

    return Plan.objects.filter(pk=plan_id).values_list("team_id", flat=True).first()


def _team_via(instance, field: str):
    """The team of ``instance.<field>.plan`` (an indicator's or a lever's), reading only what
    is not loaded yet."""
    related_field = type(instance)._meta.get_field(field)
    if related_field.is_cached(instance):
        related = getattr(instance, field)
        if related is None:
            return None
        plan = related.plan if type(related).plan.is_cached(related) else None
        return _team_of_plan(plan, related.plan_id)
    fk = getattr(instance, f"{field}_id")
    if fk is None:
        return None
    from plans.models import Plan

    lookup = {"indicator": "indicators", "lever": "levers"}[field]
    return Plan.objects.filter(**{lookup: fk}).values_list("team_id", flat=True).first()


def _team_of_child(instance):
    """The team of an indicator or a lever (children of a plan)."""
    plan = instance.plan if type(instance).plan.is_cached(instance) else None
    return _team_of_plan(plan, instance.plan_id)


def on_indicator_child(sender, instance, **kwargs):
    """A measurement or a target saved (deleted ones: services.py, to keep fast deletes)."""
    team_changed(_team_via(instance, "indicator"))


def on_plan_child(sender, instance, **kwargs):
    """An indicator or a lever saved or deleted."""
    team_changed(_team_of_child(instance))


def on_action(sender, instance, **kwargs):
    if kwargs.get("signal_name") == "delete" and not type(instance).lever.is_cached(instance):
        return  # a cascade from its lever or plan, which say so themselves
    team_changed(_team_via(instance, "lever"))


def on_action_delete(sender, instance, **kwargs):
    on_action(sender, instance, signal_name="delete")


def on_plan(sender, instance, **kwargs):
    team_changed(instance.team_id)


def on_team(sender, instance, **kwargs):
    team_changed(instance.pk)


def on_links(sender, instance, action, pk_set=None, **kwargs):
    """Indicator <-> action / lever links changed (either side)."""
    if not action.startswith("post_"):
        return
    from plans.models import Action

    if isinstance(instance, Action):
        team_changed(_team_via(instance, "lever"))
    else:  # an indicator or a lever
        team_changed(_team_of_child(instance))


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
