"""Every write to plans, levers, milestones and actions (STYLE.md habit 2).

Functions are keyword-only, call ``full_clean()`` before saving (so the model's rules apply
to the pages, the API and the demo alike) and wrap multi-row writes in ``transaction.atomic``.
Callers check *who* may do it through ``plans.access``; these functions check *what* may be
done, except an action's status, whose transition table says both (``STATUS_TRANSITIONS``).
Rule violations raise ``django.core.exceptions.ValidationError``.

``plan_activate`` refuses while ``plans.activation.missing_for_activation`` lists anything
(the plan's own checks and the indicators' ones, called one after the other).

Every write that the team pages show (a plan, a lever, a milestone, an action; not comments)
calls ``team_cache.changed`` with the plan's team, so the cached dashboard and indicator pages
follow (teams/team_cache.py).
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from teams import team_cache
from teams.archive import archive_tree, ensure_archived, restore_tree
from teams.audit import audit_record
from teams.deletion import delete_or_refuse

from .access import can_manage_plan
from .activation import ActivationRefused, missing_for_activation
from .models import (
    Action,
    ActionEvent,
    ActionEventKind,
    ActionStatus,
    Lever,
    Milestone,
    Plan,
    PlanStatus,
    Priority,
)
from .reminder_stamps import restamp_actions, restamp_milestones, restamp_plan
from .signals import plan_closed, plan_duplicated

PLAN_FIELDS = (
    "title",
    "start_date",
    "end_date",
    "value_proposition",
    "target_customers",
    "customer_relationship",
    "offer_and_services",
    "market_share",
    "new_customers_and_markets",
    "partners",
    "resources",
)


def _ensure_editable(plan: Plan) -> None:
    if not plan.is_editable:
        raise ValidationError(_("This plan is closed: it can no longer be changed."))


def _apply(instance, data: dict, allowed) -> None:
    for name, value in data.items():
        if name not in allowed:
            raise TypeError(f"{type(instance).__name__} has no editable field {name!r}")
        setattr(instance, name, value)


# Plans -------------------------------------------------------------------------------------


def plan_create(*, team, by, title: str, start_date: date, end_date: date, **strategy) -> Plan:
    plan = Plan(team=team, created_by=by, title=title, start_date=start_date, end_date=end_date)
    _apply(plan, strategy, PLAN_FIELDS)
    plan.full_clean()
    plan.save()
    team_cache.changed(plan.team_id)
    return plan


@transaction.atomic
def plan_update(*, plan: Plan, data: dict) -> Plan:
    """Change the plan's title, period or strategy; its actions and milestones must still fit."""
    _ensure_editable(plan)
    _apply(plan, data, PLAN_FIELDS)
    plan.full_clean()
    outside = (
        Action.objects.filter(lever__plan=plan)
        .exclude(due_date__range=(plan.start_date, plan.end_date))
        .exists()
        or plan.milestones.exclude(date__range=(plan.start_date, plan.end_date)).exists()
    )
    if outside:
        raise ValidationError(
            {"end_date": _("Some actions or milestones would fall outside the new period.")}
        )
    plan.save()
    team_cache.changed(plan.team_id)
    return plan


def plan_activate(*, plan: Plan) -> Plan:
    """Make a draft plan active, or refuse with the list of everything still missing.

    Raises ``ActivationRefused`` (a ``ValidationError``) whose ``messages`` are the missing
    items, one line each, and ``missing`` the same lines with the link that fixes each.
    """
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(_("Only a draft plan can be activated."))
    missing = missing_for_activation(plan)
    if missing:
        raise ActivationRefused(missing)
    with transaction.atomic():
        plan.status = PlanStatus.ACTIVE
        plan.save(update_fields=["status", "updated_at"])
        restamp_plan(plan)
    team_cache.changed(plan.team_id)
    return plan


@transaction.atomic
def plan_close(*, plan: Plan, by) -> Plan:
    """Close an active plan: nothing in it changes any more, and ``plan_closed`` freezes the
    figures of its period (the indicators' targets) in the same transaction."""
    if plan.status != PlanStatus.ACTIVE:
        raise ValidationError(_("Only an active plan can be closed."))
    plan.status = PlanStatus.CLOSED
    plan.save(update_fields=["status", "updated_at"])
    restamp_plan(plan)  # nothing of a closed plan is reminded any more
    plan_closed.send(sender=Plan, plan=plan, by=by)
    team_cache.changed(plan.team_id)
    audit_record(
        by=by,
        action="plan_closed",
        obj=plan,
        before={"status": "active"},
        after={"status": "closed"},
        team=plan.team_id,
    )
    return plan


@transaction.atomic
def plan_archive(*, plan: Plan, by) -> Plan:
    """Archive a closed or draft plan; a draft's period ends here, so it is frozen too."""
    if plan.status == PlanStatus.ACTIVE:
        raise ValidationError(_("Close the plan before archiving it."))
    was_closed = plan.status == PlanStatus.CLOSED
    plan.status = PlanStatus.ARCHIVED
    plan.save(update_fields=["status", "updated_at"])
    restamp_plan(plan)
    if not was_closed:
        plan_closed.send(sender=Plan, plan=plan, by=by)
    team_cache.changed(plan.team_id)
    return plan


def plan_delete(*, plan: Plan) -> None:
    """Delete a draft plan; once a plan has been active it is archived, never deleted (issue 8)."""
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(_("Only a draft plan can be deleted: close and archive it instead."))
    delete_or_refuse(plan)
    team_cache.changed(plan.team_id)


@transaction.atomic
def plan_duplicate(*, plan: Plan, start_date: date, by, title: str = "") -> Plan:
    """Copy ``plan`` for a new period starting on ``start_date``, as a draft.

    Every date (the period, milestones, actions' start and due dates) moves by the same
    number of days; levers keep their order; actions are reset to "to do" with the shifted
    due date as their new first commitment. Cancelled actions are not copied. Then
    ``plan_duplicated`` lets the indicators copy themselves (their links and targets too).
    Runs a fixed number of queries whatever the plan's size (bulk inserts).
    """
    shift = start_date - plan.start_date
    copy = Plan(
        team=plan.team,
        created_by=by,
        title=title or plan.title,
        start_date=plan.start_date + shift,
        end_date=plan.end_date + shift,
        status=PlanStatus.DRAFT,
    )
    for name in PLAN_FIELDS[3:]:
        setattr(copy, name, getattr(plan, name))
    copy.full_clean()
    copy.save()

    milestones = list(plan.milestones.all())
    new_milestones = Milestone.objects.bulk_create(
        [
            Milestone(plan=copy, title=m.title, date=m.date + shift, description=m.description)
            for m in milestones
        ]
    )
    milestone_map = {old.pk: new for old, new in zip(milestones, new_milestones, strict=True)}

    levers = list(plan.levers.all())
    new_levers = Lever.objects.bulk_create(
        [
            Lever(
                plan=copy,
                name=lv.name,
                aim=lv.aim,
                description=lv.description,
                position=lv.position,
            )
            for lv in levers
        ]
    )
    lever_map = {old.pk: new for old, new in zip(levers, new_levers, strict=True)}

    actions = list(Action.objects.filter(lever__plan=plan).exclude(status=ActionStatus.CANCELLED))
    new_actions = Action.objects.bulk_create(
        [
            Action(
                lever=lever_map[a.lever_id],
                title=a.title,
                details=a.details,
                assignee_id=a.assignee_id,
                start_date=a.start_date + shift if a.start_date else None,
                due_date=a.due_date + shift,
                original_due_date=a.due_date + shift,
                priority=a.priority,
                milestone=milestone_map.get(a.milestone_id),
                created_by=by,
            )
            for a in actions
        ]
    )
    ActionEvent.objects.bulk_create(
        [ActionEvent(action=a, actor=by, kind=ActionEventKind.CREATED) for a in new_actions]
    )
    plan_duplicated.send(
        sender=Plan,
        source=plan,
        copy=copy,
        shift=shift,
        lever_map=lever_map,
        action_map={old.pk: new for old, new in zip(actions, new_actions, strict=True)},
        by=by,
    )
    team_cache.changed(copy.team_id)
    return copy


# Levers ------------------------------------------------------------------------------------

LEVER_FIELDS = ("name", "aim", "description")


def lever_create(*, plan: Plan, name: str, aim: str, description: str = "") -> Lever:
    _ensure_editable(plan)
    last = plan.levers.aggregate(m=Max("position"))["m"]
    lever = Lever(
        plan=plan,
        name=name,
        aim=aim,
        description=description,
        position=0 if last is None else last + 1,
    )
    lever.full_clean()
    lever.save()
    team_cache.changed(plan.team_id)
    return lever


def lever_update(*, lever: Lever, data: dict) -> Lever:
    _ensure_editable(lever.plan)
    _apply(lever, data, LEVER_FIELDS)
    lever.full_clean()
    lever.save()
    team_cache.changed(lever.plan.team_id)
    return lever


@transaction.atomic
def lever_delete(*, lever: Lever, by=None) -> bool:
    """Delete a lever of a draft plan with its actions; in a plan that has been active,
    archive it with its actions (one stamp) instead. True when it was archived."""
    plan = lever.plan
    _ensure_editable(plan)
    team_cache.changed(plan.team_id)
    if not plan.keeps_deleted_rows:
        delete_or_refuse(lever)
        return False
    actions = Action.objects.filter(lever=lever)
    summary = {"actions": actions.count()}
    archive_tree(lever, [actions], by=by, team=plan.team_id, summary=summary)
    restamp_actions(Q(lever=lever))  # archived: its stamp cleared, its reminders cancelled
    return True


@transaction.atomic
def lever_restore(*, lever: Lever, by) -> Lever:
    """Bring back an archived lever with the actions archived with it, exactly as they were."""
    _ensure_editable(lever.plan)
    ensure_archived(lever)
    restore_tree(lever, [Action.all_objects.filter(lever=lever)], by=by, team=lever.plan.team_id)
    restamp_actions(Q(lever=lever))
    restamp_milestones(Q(actions__lever=lever))
    team_cache.changed(lever.plan.team_id)
    return lever


@transaction.atomic
def lever_reorder(*, plan: Plan, lever_ids: list[int]) -> None:
    """Put the plan's levers in the order of ``lever_ids``, which must name each exactly once."""
    _ensure_editable(plan)
    levers = {lv.pk: lv for lv in plan.levers.select_for_update()}
    if sorted(lever_ids) != sorted(levers):
        raise ValidationError(_("The new order must list every lever of the plan once."))
    for position, pk in enumerate(lever_ids):
        levers[pk].position = position
    Lever.objects.bulk_update(levers.values(), ["position"])


def lever_move(*, lever: Lever, offset: int) -> None:
    """Move a lever up (``-1``) or down (``+1``) one place; at either end nothing happens."""
    ids = list(lever.plan.levers.values_list("pk", flat=True))
    i = ids.index(lever.pk)
    j = max(0, min(len(ids) - 1, i + offset))
    ids[i], ids[j] = ids[j], ids[i]
    lever_reorder(plan=lever.plan, lever_ids=ids)


# Milestones --------------------------------------------------------------------------------

MILESTONE_FIELDS = ("title", "date", "description")


def milestone_create(*, plan: Plan, title: str, date: date, description: str = "") -> Milestone:
    _ensure_editable(plan)
    milestone = Milestone(plan=plan, title=title, date=date, description=description)
    milestone.full_clean()
    milestone.save()
    restamp_milestones([milestone])
    team_cache.changed(plan.team_id)
    return milestone


def milestone_update(*, milestone: Milestone, data: dict) -> Milestone:
    _ensure_editable(milestone.plan)
    _apply(milestone, data, MILESTONE_FIELDS)
    milestone.full_clean()
    milestone.save()
    restamp_milestones([milestone])
    team_cache.changed(milestone.plan.team_id)
    return milestone


@transaction.atomic
def milestone_delete(*, milestone: Milestone, by=None) -> bool:
    """Delete a milestone of a draft plan; in a plan that has been active, archive it. Its
    actions stay under their levers, unlinked, and are linked back on restore."""
    plan = milestone.plan
    _ensure_editable(plan)
    team_cache.changed(plan.team_id)
    if not plan.keeps_deleted_rows:
        delete_or_refuse(milestone)
        return False
    linked = Action.all_objects.filter(milestone=milestone)
    milestone.detached_action_ids = list(linked.values_list("pk", flat=True))
    linked.update(milestone=None)
    milestone.save(update_fields=["detached_action_ids"])
    summary = {"actions": len(milestone.detached_action_ids)}
    archive_tree(milestone, by=by, team=plan.team_id, summary=summary)
    return True


@transaction.atomic
def milestone_restore(*, milestone: Milestone, by) -> Milestone:
    """Bring back an archived milestone, linked again to the actions it had (those not
    linked to another milestone since)."""
    _ensure_editable(milestone.plan)
    ensure_archived(milestone)
    Action.all_objects.filter(pk__in=milestone.detached_action_ids, milestone=None).update(
        milestone=milestone
    )
    milestone.detached_action_ids = []
    milestone.save(update_fields=["detached_action_ids"])
    restore_tree(milestone, by=by, team=milestone.plan.team_id)
    restamp_milestones([milestone])
    team_cache.changed(milestone.plan.team_id)
    return milestone


# Actions -----------------------------------------------------------------------------------

ACTION_FIELDS = (
    "lever",
    "title",
    "details",
    "assignee",
    "start_date",
    "due_date",
    "priority",
    "milestone",
)


def _event(action: Action, by, kind: str, old="", new="", text="") -> ActionEvent:
    return ActionEvent.objects.create(
        action=action, actor=by, kind=kind, old_value=old, new_value=new, text=text
    )


def _person(user) -> str:
    return user.get_full_name() or user.get_username()


@transaction.atomic
def action_create(
    *,
    lever: Lever,
    by,
    title: str,
    assignee,
    due_date: date,
    start_date: date | None = None,
    details: str = "",
    priority: int = Priority.NORMAL,
    milestone: Milestone | None = None,
) -> Action:
    _ensure_editable(lever.plan)
    action = Action(
        lever=lever,
        title=title,
        details=details,
        assignee=assignee,
        start_date=start_date,
        due_date=due_date,
        priority=priority,
        milestone=milestone,
        created_by=by,
        updated_by=by,
    )
    action.full_clean()
    action.save()
    _event(action, by, ActionEventKind.CREATED)
    restamp_actions([action])
    restamp_milestones([action.milestone_id])
    team_cache.changed(lever.plan.team_id)
    return action


@transaction.atomic
def action_assign_many(*, lever: Lever, by, assignees, **fields) -> list[Action]:
    """The same action for several people: one action each, all created or none."""
    if not assignees:
        raise ValidationError({"assignee": _("Choose at least one person.")})
    return [action_create(lever=lever, by=by, assignee=person, **fields) for person in assignees]


# Who may take a status transition: the action's assignee (or whoever runs the plan), or
# whoever runs the plan only. Cancelling takes an action out of the effort payout's count, so
# it is never the assignee's own call.
ASSIGNEE, MANAGER = "assignee", "manager"

_TODO, _DOING, _DONE, _CANCELLED = (
    ActionStatus.TODO,
    ActionStatus.IN_PROGRESS,
    ActionStatus.DONE,
    ActionStatus.CANCELLED,
)

# (from, to) -> who may. A move missing from the table is refused for everyone.
STATUS_TRANSITIONS = {
    (_TODO, _DOING): ASSIGNEE,
    (_TODO, _DONE): ASSIGNEE,
    (_DOING, _TODO): ASSIGNEE,
    (_DOING, _DONE): ASSIGNEE,
    (_DONE, _TODO): ASSIGNEE,
    (_DONE, _DOING): ASSIGNEE,
    (_TODO, _CANCELLED): MANAGER,
    (_DOING, _CANCELLED): MANAGER,
    (_DONE, _CANCELLED): MANAGER,
    (_CANCELLED, _TODO): MANAGER,
}

_STATUS_COLUMNS = ("status", "completed_at", "completed_by", "updated_at", "updated_by")


def _may_take(by, action: Action, who: str) -> bool:
    plan = action.lever.plan
    if who == MANAGER:
        return can_manage_plan(by, plan)
    return action.assignee_id == by.pk or can_manage_plan(by, plan)


def _not_yours() -> str:
    return _(
        "Only the person in charge of this action or the plan's manager can change its status."
    )


def _check_transition(action: Action, by, old: str, new: str) -> None:
    who = STATUS_TRANSITIONS.get((old, new))
    if who is None:
        labels = dict(ActionStatus.choices)
        raise ValidationError(
            _("An action cannot go from “%(old)s” to “%(new)s”.")
            % {"old": labels.get(old, old), "new": labels.get(new, new)},
            code="transition",
        )
    if not _may_take(by, action, who):
        if who == MANAGER:
            raise ValidationError(
                _("Only the plan's manager can cancel an action or bring it back."),
                code="forbidden",
            )
        raise ValidationError(_not_yours(), code="forbidden")


@transaction.atomic
def action_set_status(*, action: Action, by, status: str, at: datetime | None = None) -> Action:
    """Move the action to ``status`` if ``STATUS_TRANSITIONS`` lets ``by`` take that step.

    The one road of an action's status: pages, the API, commands and the demo all call it.
    Refused (``ValidationError``): a move missing from the table, a move ``by`` may not take,
    anyone but the assignee or the plan's manager, a closed plan.

    Already there (a double click, or two reps ticking the same action at once) changes
    nothing and writes no history: the row is re-read under a lock, so the second of two
    simultaneous ticks sees the first one. ``action.status_changed`` tells the caller which
    case it was; ``action`` then carries the current status and who completed it.
    ``at`` is when it was done (the demo's past completions); now by default.
    """
    if not _may_take(by, action, ASSIGNEE):
        raise ValidationError(_not_yours(), code="forbidden")
    current = Action.objects.select_for_update().only("pk", *_STATUS_COLUMNS).get(pk=action.pk)
    for column in ("status", "completed_at", "completed_by_id", "updated_at", "updated_by_id"):
        setattr(action, column, getattr(current, column))
    if current.status == status:
        action.status_changed = False
        return action
    _ensure_editable(action.lever.plan)
    old = action.status
    _check_transition(action, by, old, status)
    action.status = status
    if status == ActionStatus.DONE:
        action.completed_at, action.completed_by = at or timezone.now(), by
    else:
        action.completed_at = action.completed_by = None
    action.updated_by = by
    action.save(update_fields=list(_STATUS_COLUMNS))
    _event(action, by, ActionEventKind.STATUS, old, status)
    # Reopened, its milestone may have slipped with it.
    restamp_actions([action])
    restamp_milestones([action.milestone_id])
    team_cache.changed(action.lever.plan.team_id)
    action.status_changed = True
    return action


def action_conflict_message(action: Action) -> str:
    """The refusal of a save made on a stale copy of ``action`` (which holds the newer row)."""
    when = timezone.localtime(action.updated_at)
    time = when.strftime("%H:%M")
    if when.date() != timezone.localdate():
        time = f"{when:%d/%m/%Y} {time}"
    if action.updated_by is not None:
        return _(
            "This action was changed by %(person)s at %(time)s since you opened it; "
            "reload to see their changes. Nothing was saved."
        ) % {"person": _person(action.updated_by), "time": time}
    return _(
        "This action was changed at %(time)s since you opened it; "
        "reload to see the changes. Nothing was saved."
    ) % {"time": time}


@transaction.atomic
def action_update(*, action: Action, by, data: dict, version=None) -> Action:
    """Change an action; assignee and due date changes go to its history.

    Not its status: that has its own road, ``action_set_status``, and its transition rules.

    Moving the due date keeps ``original_due_date`` (the first commitment), so the action
    shows how many days it slipped.

    ``version`` is the action's ``updated_at`` when the editor opened it (optimistic
    concurrency): if someone saved the action since, the save is refused with a message naming
    them, and nothing is written, so a later save never silently erases an earlier one.
    The row is locked while checked and written, so two saves cannot both pass the check.
    """
    before = (
        Action.objects.select_for_update(of=("self",))
        .select_related("assignee", "updated_by")
        .get(pk=action.pk)
    )
    if version is not None and before.updated_at != version:
        raise ValidationError(action_conflict_message(before), code="conflict")
    _ensure_editable(before.lever.plan)
    _apply(action, data, ACTION_FIELDS)
    action.full_clean()
    action.updated_by = by
    # The status columns are left alone: the copy in hand may be older than the locked row.
    action.save(update_fields=[*ACTION_FIELDS, "original_due_date", "updated_at", "updated_by"])
    # From scratch whatever changed: a new assignee or date is owed its own reminders.
    restamp_actions([action])
    restamp_milestones([action.milestone_id, before.milestone_id])
    team_cache.changed(before.lever.plan.team_id, action.lever.plan.team_id)
    if action.assignee_id != before.assignee_id:
        _event(
            action,
            by,
            ActionEventKind.ASSIGNEE,
            _person(before.assignee),
            _person(action.assignee),
        )
    if action.due_date != before.due_date:
        _event(
            action,
            by,
            ActionEventKind.DUE_DATE,
            before.due_date.isoformat(),
            action.due_date.isoformat(),
        )
    return action


@transaction.atomic
def actions_reassign(*, actions, assignee, by) -> int:
    """Give every action of ``actions`` to ``assignee``; all or nothing. Returns the count."""
    changed = 0
    for action in actions:
        if action.assignee_id == assignee.pk:
            continue
        action_update(action=action, by=by, data={"assignee": assignee})
        changed += 1
    return changed


def action_comment(*, action: Action, by, text: str) -> ActionEvent:
    _ensure_editable(action.lever.plan)  # a closed plan is read only, its history too
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write a comment first.")})
    return _event(action, by, ActionEventKind.COMMENT, text=text)


@transaction.atomic
def action_delete(*, action: Action, by=None) -> bool:
    """Delete an action of a draft plan; in a plan that has been active, archive it with its
    history. A done one then no longer counts in its assignee's effort pay."""
    plan = action.lever.plan
    _ensure_editable(plan)
    team_cache.changed(plan.team_id)
    if not plan.keeps_deleted_rows:
        delete_or_refuse(action)
        return False
    summary = {"status": action.status, "assignee": action.assignee_id}
    archive_tree(action, by=by, team=plan.team_id, summary=summary)
    restamp_actions([action])  # archived: its stamp cleared, its reminders cancelled
    return True


@transaction.atomic
def action_restore(*, action: Action, by) -> Action:
    """Bring back an archived action with its history; its lever must be live."""
    lever = Lever.all_objects.get(pk=action.lever_id)
    _ensure_editable(lever.plan)
    ensure_archived(action)
    if lever.is_archived:
        raise ValidationError(
            _("Its lever “%(name)s” is archived: restore the lever first.") % {"name": lever}
        )
    restore_tree(action, by=by, team=lever.plan.team_id)
    restamp_actions([action])
    restamp_milestones([action.milestone_id])
    team_cache.changed(lever.plan.team_id)
    return action
