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


def plans_visible_to(user):
    """Plans of the teams ``user`` may see (HR and admins: every team's)."""
    from .models import Plan

    return Plan.objects.filter(team__in=visible_teams(user))


def actions_visible_to(user, rows=None):
    """Actions of the plans ``user`` may see, among ``rows`` (default: the live actions)."""
    from .models import Action

    rows = Action.objects.all() if rows is None else rows
    return rows.filter(lever__plan__team__in=visible_teams(user))


def archived_row_for(user, model, pk, plan_path: str):
    """An archived row (of ``model``, reaching its plan by ``plan_path``) of a plan ``user``
    runs; anyone else gets a 404: archived rows are hidden from all but the plan's manager."""
    rows = model.all_objects.filter(
        archived_at__isnull=False, **{f"{plan_path}__in": plans_managed_by(user)}
    )
    return get_object_for_user(rows, user, pk=pk)


def can_manage_team(user, team) -> bool:
    """Managers run their own team; administrators run every team."""
    return role_of(user) == Role.ADMIN or (team is not None and team.manager_id == user.pk)


def plans_managed_by(user):
    """Plans ``user`` may create, change and delete (their own team's; admins: all)."""
    from .models import Plan

    return Plan.objects.filter(team__in=managed_teams(user))


def can_manage_plan(user, plan) -> bool:
    """Write access to a plan, its levers, actions and milestones."""
    return can_manage_team(user, plan.team)


def can_work_on_action(user, action) -> bool:
    """Tick off, start, reopen or comment an action: its assignee, or whoever runs the plan.

    A rep reads the whole team's plan but changes only the status and comments of their own
    actions; the caller has already scoped the action with ``actions_visible_to``.
    """
    return action.assignee_id == user.pk or can_manage_team(user, action.lever.plan.team)


def assignable_users(plan):
    """Who may carry an action of ``plan``: the team's members and its manager."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(plan.assignable_users_q())
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
