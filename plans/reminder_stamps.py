"""When each action and milestone is next due a reminder, stamped on the row itself.

The services that change what is due (an action's dates, status, assignee or milestone; a
milestone's date; a plan activated or closed; a team's thresholds) call ``restamp_actions`` /
``restamp_milestones`` explicitly, in their own transaction. The sweep (reminders.sweep)
reads the rows whose ``next_reminder_at`` has come, from the partial indexes
``action_reminder_due`` and ``milestone_reminder_due``, records what is due, then stamps
the next stage with ``action_stamp(..., after=now)``.

A stamp only says *when to look*: the sweep checks the row's current data before recording
anything, so a stamp left too early costs one look and nothing else. A write that could make
something due *earlier* must restamp, or the reminder comes late; every service does.

An action's stages, for a team that reminds N days before the due date and escalates M days
after it (``TeamReminderSettings``, defaults 2 and 3), all at local midnight:

* upcoming, from the day N days before the due date to the due date itself, to the assignee;
* overdue, from the day after the due date, to the assignee;
* escalated, from M days after the due date, to the team's manager.

A milestone has one stage, slipped, from the day after its date, to the manager and to the
assignees of its open actions (none open then: nothing, and nothing later).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from .models import OPEN_STATUSES, Action, Milestone, PlanStatus
from .signals import actions_restamped

# A team without reminder settings (reminders.models.TeamReminderSettings, read here through
# its relation ``team.reminder_settings``) reminds this many days before a due date and
# escalates this many days after it.
DEFAULT_UPCOMING_DAYS = 2
DEFAULT_ESCALATION_DAYS = 3


class Stage:
    """The stages of an action or milestone a stamp can name: the values of the reminders'
    own ``reminders.models.Stage``, which gives them their labels."""

    UPCOMING = "upcoming"
    OVERDUE = "overdue"
    ESCALATED = "escalated"
    MILESTONE_SLIPPED = "milestone_slipped"


NOT_DUE = (None, "")


def midnight(day: date) -> datetime:
    """The start of ``day`` in the current time zone (that of the reminder schedule)."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def action_stages(
    due: date, upcoming_days: int, escalation_days: int
) -> list[tuple[str, datetime]]:
    """An open action's stages in order, each as (stage, the moment it starts)."""
    return [
        (Stage.UPCOMING, midnight(due - timedelta(days=upcoming_days))),
        (Stage.OVERDUE, midnight(due + timedelta(days=1))),
        (Stage.ESCALATED, midnight(due + timedelta(days=escalation_days))),
    ]


def stages_due(due: date, upcoming_days: int, escalation_days: int, now: datetime) -> list[str]:
    """The stages an open action of an active plan deserves at ``now``.

    "Upcoming" ends when the action is overdue; the other two last while it stays open.
    """
    overdue_from = midnight(due + timedelta(days=1))
    return [
        stage
        for stage, start in action_stages(due, upcoming_days, escalation_days)
        if start <= now and not (stage == Stage.UPCOMING and now >= overdue_from)
    ]


def action_stamp(
    *,
    open_: bool,
    plan_active: bool,
    due: date,
    upcoming_days: int,
    escalation_days: int,
    after: datetime | None = None,
) -> tuple[datetime | None, str]:
    """``(next_reminder_at, next_reminder_stage)`` of an action: its first stage, or with
    ``after`` (the sweep that just recorded every stage due then) its first stage starting
    later. ``(None, "")`` when nothing is or will be due: not open, plan not active, the
    last stage passed."""
    if not (open_ and plan_active):
        return NOT_DUE
    for stage, start in action_stages(due, upcoming_days, escalation_days):
        if after is None or start > after:
            return start, stage
    return NOT_DUE


def milestone_stamp(*, plan_active: bool, day: date) -> tuple[datetime | None, str]:
    """A milestone of an active plan is looked at the day after its date (it has slipped if
    an action is still open then); the sweep then clears the stamp."""
    if not plan_active:
        return NOT_DUE
    return midnight(day + timedelta(days=1)), Stage.MILESTONE_SLIPPED


def thresholds(settings_row) -> tuple[int, int]:
    """(upcoming days, escalation days) of a team whose settings row may be missing."""
    if settings_row is None:
        return DEFAULT_UPCOMING_DAYS, DEFAULT_ESCALATION_DAYS
    return settings_row.upcoming_days, settings_row.escalation_days


def _write(model, stamps: dict[int, tuple[datetime | None, str]]) -> int:
    """One UPDATE per distinct stamp (few: a plan's actions share a handful of due dates)."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for pk, stamp in stamps.items():
        groups[stamp].append(pk)
    for (at, stage), ids in groups.items():
        model.all_objects.filter(pk__in=ids).update(next_reminder_at=at, next_reminder_stage=stage)
    return len(stamps)


def restamp_actions(actions: Iterable[Action] | Q) -> int:
    """Stamp each action (a queryset filter or loaded rows) from its current data.

    Two queries, then one UPDATE per distinct stamp; ``updated_at`` is left alone (it is the
    editors' version, services.action_update). Then ``signals.actions_restamped``: the
    reminders the rows no longer deserve are cancelled in the same transaction.
    """
    condition = actions if isinstance(actions, Q) else Q(pk__in=[a.pk for a in actions])
    rows = Action.all_objects.filter(condition).select_related(
        "lever__plan__team__reminder_settings"
    )
    stamps = {}
    for action in rows:
        plan = action.lever.plan
        upcoming, escalation = thresholds(getattr(plan.team, "reminder_settings", None))
        stamp = action_stamp(
            open_=action.status in OPEN_STATUSES and action.archived_at is None,
            plan_active=plan.status == PlanStatus.ACTIVE,
            due=action.due_date,
            upcoming_days=upcoming,
            escalation_days=escalation,
        )
        if stamp != (action.next_reminder_at, action.next_reminder_stage):
            stamps[action.pk] = stamp
    written = _write(Action, stamps)
    actions_restamped.send(sender=Action, actions=condition)
    return written


def restamp_milestones(milestones: Iterable[Milestone | int | None] | Q) -> int:
    """Stamp each milestone (a queryset filter, rows or ids; None is skipped) from its
    current data: two queries, then one UPDATE per distinct date."""
    if isinstance(milestones, Q):
        condition = milestones
    else:
        ids = {getattr(m, "pk", m) for m in milestones} - {None}
        if not ids:
            return 0
        condition = Q(pk__in=ids)
    stamps = {}
    for milestone in Milestone.all_objects.filter(condition).select_related("plan"):
        stamp = milestone_stamp(
            plan_active=milestone.plan.status == PlanStatus.ACTIVE
            and milestone.archived_at is None,
            day=milestone.date,
        )
        if stamp != (milestone.next_reminder_at, milestone.next_reminder_stage):
            stamps[milestone.pk] = stamp
    return _write(Milestone, stamps)


def restamp_plan(plan) -> None:
    """Every action and milestone of ``plan`` (activated, closed, archived)."""
    restamp_actions(Q(lever__plan=plan))
    restamp_milestones(Q(plan=plan))


def restamp_team(team) -> None:
    """The open actions of ``team``'s active plans (its thresholds changed)."""
    restamp_actions(
        Q(lever__plan__team=team, lever__plan__status=PlanStatus.ACTIVE, status__in=OPEN_STATUSES)
    )
