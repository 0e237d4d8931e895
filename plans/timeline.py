"""The timeline of a plan: who does what, when, on one screen.

Its milestones in date order, each with its actions (who, what, due date, status, the overdue
ones marked), then the actions that serve no milestone; above them, the plan's weeks as a
scale on which the milestones and today sit. The people and status filters narrow the actions
(``plans.filters.TimelineFilter``); the milestones always show, with their own status.

A group shows a page of its actions at a time (``TIMELINE_ACTIONS_PER_GROUP``, earliest due
first): a milestone of a busy plan serves over a thousand actions. ``?milestone=<pk>`` (or
``none`` for the actions of no milestone) with ``&page=<n>`` turns one group to another page,
as ``?lever=`` does on the plan page.

Queries, whatever the plan's size: the milestones with their action counts; the filter's
people; the number of actions of each group under the filters (one aggregate); the shown
page of every group (one query, a ``LIMIT`` per group).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q

from .display import dress_rows, milestone_badge
from .filters import TimelineFilter, style_for_bootstrap
from .models import Action
from .weeks import weeks_between

TIMELINE_ACTIONS_PER_GROUP = 20
NO_MILESTONE = "none"


@dataclass
class Group:
    """A milestone and a page of its actions (``milestone`` is None: no milestone)."""

    key: str
    milestone: object
    count: int
    page: int = 1
    actions: list = field(default_factory=list)

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // TIMELINE_ACTIONS_PER_GROUP))

    @property
    def first_shown(self) -> int:
        return (self.page - 1) * TIMELINE_ACTIONS_PER_GROUP + 1 if self.actions else 0

    @property
    def last_shown(self) -> int:
        return (self.page - 1) * TIMELINE_ACTIONS_PER_GROUP + len(self.actions)


@dataclass
class Week:
    start: date
    is_current: bool
    milestones: list = field(default_factory=list)


def plan_timeline(*, plan, today: date, data, group=None, page=None) -> dict:
    """The context of the timeline page of ``plan``: ``filter``, ``groups``, ``weeks``.

    ``data`` holds the filters (query string); ``group`` and ``page`` turn one group to
    another page (junk or out of range: its first or last page).
    """
    # In date order: Meta.ordering does not apply to a query with GROUP BY.
    milestones = list(plan.milestones.with_action_counts().order_by("date", "id"))
    for milestone in milestones:
        milestone.current_status = milestone.status(today)
        milestone.badge = milestone_badge(milestone.current_status)
    filterset = TimelineFilter(data or None, queryset=Action.objects.all(), plan=plan)
    style_for_bootstrap(filterset.form)
    # An invalid choice filters nothing (the field says why), as on "My actions".
    actions = filterset.qs if filterset.is_valid() else Action.objects.all()
    actions = actions.filter(lever__plan=plan)
    counts = dict(
        actions.order_by()
        .values_list("milestone_id")
        .annotate(n=Count("id"))
        .values_list("milestone_id", "n")
    )
    groups = [Group(key=str(m.pk), milestone=m, count=counts.get(m.pk, 0)) for m in milestones]
    if counts.get(None):
        groups.append(Group(key=NO_MILESTONE, milestone=None, count=counts[None]))
    for g in groups:
        if g.key == str(group):
            g.page = _page_number(page, g.num_pages)
    _fill_pages(groups, actions, today)
    return {
        "filter": filterset,
        "filtering": filterset.is_bound,
        "groups": groups,
        "weeks": plan_weeks(plan, milestones, today),
    }


def _page_number(value, num_pages: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), num_pages)


def _fill_pages(groups, actions, today: date) -> None:
    """Each group's page of actions, earliest due first, in one query: an ``IN`` of a
    ``LIMIT`` subquery per group, each walking the group's own rows."""
    size = TIMELINE_ACTIONS_PER_GROUP
    wanted = Q()
    for g in groups:
        if not g.count:
            continue
        of_group = Q(milestone=None) if g.milestone is None else Q(milestone=g.milestone.pk)
        start = (g.page - 1) * size
        part = actions.filter(of_group).order_by("due_date", "-priority", "id")
        wanted |= Q(pk__in=part.values("pk")[start : start + size])
    if not wanted:
        return
    rows = list(Action.objects.filter(wanted).select_related("assignee").order_by())
    rows.sort(key=lambda a: (a.due_date, -a.priority, a.pk))
    dress_rows(rows, today)
    by_key = {g.key: g for g in groups}
    for action in rows:
        key = NO_MILESTONE if action.milestone_id is None else str(action.milestone_id)
        by_key[key].actions.append(action)


def plan_weeks(plan, milestones, today: date) -> list[Week]:
    """The weeks of the plan's period (from the Monday of its first day), each with the
    milestones dated in it."""
    mondays = weeks_between(plan.start_date, plan.end_date)
    weeks = [Week(start=m, is_current=m <= today < m + timedelta(days=7)) for m in mondays]
    for milestone in milestones:
        index = (milestone.date - mondays[0]).days // 7
        if 0 <= index < len(weeks):
            weeks[index].milestones.append(milestone)
    return weeks
