"""Who may see which team: the one place every view, API endpoint and export asks.

A rep sees the teams they belong to; a manager the teams they manage (and belong to);
HR and administrators see every team.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from .models import Team
from .roles import Role, role_of


def visible_teams(user) -> QuerySet[Team]:
    """The teams ``user`` sees, built once per request (kept on the user object): pages ask
    it several times (the rows, the filter's choices...), each a subquery of their query."""
    if not user.is_authenticated:
        return Team.objects.none()
    built = getattr(user, "_pac_visible_teams", None)
    if built is None:
        if role_of(user) in (Role.ADMIN, Role.HR):
            built = Team.objects.all()
        else:
            # Membership as a subquery, not a join: no DISTINCT over the teams and their
            # members, and the database can seek each side on its index.
            member_of = Team.members.through.objects.filter(user=user).values("team_id")
            built = Team.objects.filter(Q(manager=user) | Q(pk__in=member_of))
        user._pac_visible_teams = built
    return built.all()  # a fresh copy: what one caller reads is not kept for the next


def managed_teams(user) -> QuerySet[Team]:
    if not user.is_authenticated:
        return Team.objects.none()
    if role_of(user) == Role.ADMIN:
        return Team.objects.all()
    return Team.objects.filter(manager=user)


def team_of(user) -> Team | None:
    """The user's own team: the one they manage, else the one they belong to."""
    if not user.is_authenticated:
        return None
    return Team.objects.filter(manager=user).first() or Team.objects.filter(members=user).first()


def get_object_for_user(queryset: QuerySet, user, **lookup):
    """Fetch one row of ``queryset`` scoped to ``user``; a row they may not see is a 404.

    ``queryset`` must already be narrowed by the caller's scoping selector (for example
    ``plans_visible_to(user)``), so "not allowed" and "does not exist" look the same.
    """
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None


def can_manage_team(user, team) -> bool:
    """Managers run their own team; administrators run every team."""
    return role_of(user) == Role.ADMIN or (team is not None and team.manager_id == user.pk)
