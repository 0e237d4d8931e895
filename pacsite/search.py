"""Search across plans, actions, people and indicators, within what the user may see.

On PostgreSQL, full-text search (the ``simple`` configuration, so French and English words
alike, each word matched as a prefix: "prosp" finds "prospects"), best matches first; on
SQLite, a plain lookup: every word must appear in one of the fields, case aside.
Queries: one per kind (four), whatever the number of rows; a kind shows its first ``SHOWN``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from indicators.selectors import indicators_visible_to
from plans.access import actions_visible_to, plans_visible_to
from plans.selectors import person_name
from teams.access import managed_teams, visible_teams
from teams.models import Team
from teams.roles import Role, role_of

SHOWN = 20
# Longer text is cut: a search box is for a few words.
MAX_QUERY = 200
WORDS = re.compile(r"\w+", re.UNICODE)


@dataclass
class Hit:
    text: str
    detail: str
    url: str = ""


@dataclass
class Group:
    key: str
    title: str
    hits: list[Hit] = field(default_factory=list)


def words_of(query: str) -> list[str]:
    return WORDS.findall((query or "")[:MAX_QUERY])[:10]


def search(*, user, query: str) -> list[Group]:
    """The groups of hits for ``query`` (empty when it holds no word)."""
    words = words_of(query)
    if not words:
        return []
    return [
        Group("plans", _("Plans"), _plans(user, words)),
        Group("actions", _("Actions"), _actions(user, words)),
        Group("people", _("People"), _people(user, words)),
        Group("indicators", _("Indicators"), _indicators(user, words)),
    ]


def _matching(rows, fields: tuple[str, ...], words: list[str]):
    """``rows`` whose ``fields`` hold every word: full text on PostgreSQL, a lookup elsewhere."""
    if connection.vendor == "postgresql":
        # Words are letters and digits only (WORDS), so the raw tsquery cannot be malformed.
        terms = SearchQuery(" & ".join(f"{w}:*" for w in words), config="simple", search_type="raw")
        vector = SearchVector(*fields, config="simple")
        # Matched with @@ (every word), ranked by how well.
        rows = rows.annotate(document=vector, rank=SearchRank(vector, terms))
        return rows.filter(document=terms).order_by("-rank", "pk")
    for word in words:
        rows = rows.filter(Q.create([(f"{f}__icontains", word) for f in fields], connector="OR"))
    return rows.order_by("pk")


def _plans(user, words) -> list[Hit]:
    rows = _matching(
        plans_visible_to(user).select_related("team"), ("title", "value_proposition"), words
    )
    return [Hit(p.title, p.team.name, p.get_absolute_url()) for p in rows[:SHOWN]]


def _actions(user, words) -> list[Hit]:
    rows = _matching(
        actions_visible_to(user).select_related("assignee", "lever__plan"),
        ("title", "details"),
        words,
    )
    return [
        Hit(
            a.title,
            f"{person_name(a.assignee)} · {a.lever.plan.title}",
            reverse("plans:action-detail", args=[a.pk]),
        )
        for a in rows[:SHOWN]
    ]


def _people(user, words) -> list[Hit]:
    """The members and managers of the teams ``user`` sees; a link to a rep's figures where
    ``user`` may read them (their own, their team's as its manager, everyone's for HR)."""
    teams = visible_teams(user)
    User = get_user_model()
    people = User.objects.filter(
        Q(teams__in=teams) | Q(managed_teams__in=teams), is_active=True
    ).distinct()
    memberships = Team.members.through.objects.filter(user=OuterRef("pk"))
    if role_of(user) not in (Role.HR, Role.ADMIN):
        memberships = memberships.filter(Q(team__in=managed_teams(user)) | Q(user=user.pk))
    readable = Exists(memberships)
    rows = _matching(
        people.annotate(readable=readable), ("first_name", "last_name", "username"), words
    )
    return [
        Hit(
            person_name(p),
            p.get_username(),
            reverse("indicators:rep", args=[p.pk]) if p.readable else "",
        )
        for p in rows[:SHOWN]
    ]


def _indicators(user, words) -> list[Hit]:
    rows = _matching(
        indicators_visible_to(user).select_related("plan"), ("name", "definition"), words
    )
    return [
        Hit(i.name, i.plan.title, reverse("indicators:detail", args=[i.pk])) for i in rows[:SHOWN]
    ]
