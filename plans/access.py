"""Which plans and actions a user sees and may change, read from the teams they see
(teams.access)."""

from django.contrib.auth import get_user_model

from teams.access import can_manage_team, get_object_for_user, managed_teams, visible_teams

from .models import Action, Plan


def plans_visible_to(user):
    """Plans of the teams ``user`` may see (HR and admins: every team's)."""
    return Plan.objects.filter(team__in=visible_teams(user))


def actions_visible_to(user, rows=None):
    """Actions of the plans ``user`` may see, among ``rows`` (default: the live actions)."""
    rows = Action.objects.all() if rows is None else rows
    return rows.filter(lever__plan__team__in=visible_teams(user))


def archived_row_for(user, model, pk, plan_path: str):
    """An archived row (of ``model``, reaching its plan by ``plan_path``) of a plan ``user``
    runs; anyone else gets a 404: archived rows are hidden from all but the plan's manager."""
    rows = model.all_objects.filter(
        archived_at__isnull=False, **{f"{plan_path}__in": plans_managed_by(user)}
    )
    return get_object_for_user(rows, user, pk=pk)


def plans_managed_by(user):
    """Plans ``user`` may create, change and delete (their own team's; admins: all)."""
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
    return (
        get_user_model()
        .objects.filter(plan.assignable_users_q())
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
