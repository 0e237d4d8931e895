"""Reads of plans and actions for the pages and the API (STYLE.md habit 2).

Each selector runs a fixed number of queries whatever the number of rows: counts are SQL
annotations and related rows come with ``select_related`` / ``prefetch_related``.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .access import actions_visible_to, managed_teams, plans_visible_to
from .filters import ActionFilter, PlanFilter
from .models import OPEN_STATUSES, Action, ActionEvent, ActionStatus, Milestone, PlanStatus
from .roles import Role, role_of

# How long a ticked-off action stays in the "done recently" group of "My actions".
DONE_RECENTLY_DAYS = 14


def plan_list(*, user, data, today: date):
    """The plans ``user`` may see, filtered by ``data``, with their progress counts.

    Queries: the plans with their team and three counts (one query); the team filter's
    choices (one query, when the form is drawn).
    """
    plans = plans_visible_to(user).select_related("team").with_progress(today)
    filterset = PlanFilter(data or None, queryset=plans, user=user)
    return filterset, filterset.qs.order_by("-start_date", "title")


def plan_detail(*, plan, today: date) -> dict:
    """Levers (with progress and their actions) and milestones (with status) of ``plan``.

    Queries: levers with counts; their actions with assignee and milestone (prefetch);
    milestones with their open/done counts. Three, whatever the plan's size.
    """
    actions = Action.objects.select_related("assignee", "milestone").order_by(
        "due_date", "-priority", "id"
    )
    levers = list(
        plan.levers.with_progress(today).prefetch_related(Prefetch("actions", queryset=actions))
    )
    milestones = list(plan.milestones.with_action_counts())
    for milestone in milestones:
        milestone.current_status = milestone.status(today)
    totals = {
        "total": sum(lv.actions_total for lv in levers),
        "done": sum(lv.actions_done for lv in levers),
        "overdue": sum(lv.actions_overdue for lv in levers),
    }
    totals["percent"] = round(100 * totals["done"] / totals["total"]) if totals["total"] else 0
    return {"levers": levers, "milestones": milestones, "totals": totals}


def milestones_with_status(queryset, today: date):
    rows = list(queryset.with_action_counts())
    for milestone in rows:
        milestone.current_status = milestone.status(today)
    return rows


@dataclass
class Bucket:
    key: str
    label: str
    icon: str
    actions: list = field(default_factory=list)


def my_actions_scope(user):
    """Whose actions "My actions" lists: a rep's (or HR's) own; a manager's team's."""
    actions = actions_visible_to(user).filter(lever__plan__status=PlanStatus.ACTIVE)
    role = role_of(user)
    if role == Role.ADMIN:
        return actions
    if role == Role.MANAGER:
        return actions.filter(Q(lever__plan__team__in=managed_teams(user)) | Q(assignee=user))
    return actions.filter(assignee=user)


def my_actions(*, user, data, today: date):
    """The filter form and the actions grouped as overdue / today / this week / later / done.

    Queries: the actions with plan, lever, assignee and milestone (one query); the filter
    form's choices (plan, lever and, for managers, people: three queries when drawn).
    """
    base = my_actions_scope(user).for_display()
    filterset = ActionFilter(data or None, queryset=base, user=user)
    actions = filterset.qs
    chosen_status = filterset.form.cleaned_data.get("status") if filterset.is_valid() else None
    if not chosen_status:
        since = timezone.now() - timedelta(days=DONE_RECENTLY_DAYS)
        actions = actions.filter(
            Q(status__in=OPEN_STATUSES) | Q(status=ActionStatus.DONE, completed_at__gte=since)
        )
    end_of_week = today + timedelta(days=6 - today.weekday())
    buckets = {
        "overdue": Bucket("overdue", _("Overdue"), "exclamation-triangle"),
        "today": Bucket("today", _("Today"), "calendar-event"),
        "week": Bucket("week", _("This week"), "calendar-week"),
        "later": Bucket("later", _("Later"), "calendar"),
        "done": Bucket("done", _("Done recently"), "check2-circle"),
        "cancelled": Bucket("cancelled", _("Cancelled"), "x-circle"),
    }
    done = []
    for action in actions.order_by("due_date", "-priority", "id"):
        if action.status == ActionStatus.DONE:
            done.append(action)
        elif action.status == ActionStatus.CANCELLED:
            buckets["cancelled"].actions.append(action)
        elif action.due_date < today:
            buckets["overdue"].actions.append(action)
        elif action.due_date == today:
            buckets["today"].actions.append(action)
        elif action.due_date <= end_of_week:
            buckets["week"].actions.append(action)
        else:
            buckets["later"].actions.append(action)
    buckets["done"].actions = sorted(
        done, key=lambda a: a.completed_at or timezone.now(), reverse=True
    )
    return filterset, list(buckets.values())


def action_history(action):
    """The action's timeline: changes and comments, oldest first, with their authors."""
    return ActionEvent.objects.filter(action=action).select_related("actor")


def milestone_choices(plan):
    return Milestone.objects.filter(plan=plan)
