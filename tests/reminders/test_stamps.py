"""The stamps (plans.reminder_stamps): every service that changes what is due stamps the row,
so the next sweep reminds of it at once, and a sweep with nothing due reads two empty index
ranges. Time is frozen with time-machine.
"""

import datetime as dt

import pytest
import time_machine

from plans.models import Action, ActionStatus, Milestone, Plan, PlanStatus
from plans.reminder_stamps import midnight, restamp_plan
from plans.services import (
    action_create,
    action_set_status,
    action_update,
    milestone_update,
    plan_close,
)
from reminders.models import DeliveryState, Reminder, Stage
from reminders.services import team_settings_update
from reminders.sweep import run_sweep

from .conftest import MONDAY, day, training_session

pytestmark = pytest.mark.django_db


def at(minutes: int) -> dt.datetime:
    return MONDAY + dt.timedelta(minutes=minutes)


def sweep(minutes: int = 0, **kwargs):
    with time_machine.travel(at(minutes), tick=False):
        return run_sweep(**kwargs)


def keys(recipient=None, stage=None):
    rows = Reminder.objects.exclude(state=DeliveryState.CANCELLED)
    if recipient is not None:
        rows = rows.filter(recipient=recipient)
    if stage is not None:
        rows = rows.filter(stage=stage)
    return sorted(rows.values_list("stage", "item_id", "due_date"))


def stamp(row):
    row = type(row).all_objects.get(pk=row.pk)
    return row.next_reminder_at, row.next_reminder_stage


def test_a_new_action_is_stamped_with_its_first_stage(make_action, rep):
    action = make_action(rep, day(10))
    assert stamp(action) == (midnight(day(8)), Stage.UPCOMING)  # 2 days before (default)


def test_the_sweep_stamps_the_next_stage_after_the_one_it_sent(make_action, rep, manager):
    action = make_action(rep, day(1))
    sweep(0)
    assert keys(rep) == [(Stage.UPCOMING, action.pk, day(1))]
    assert stamp(action) == (midnight(day(2)), Stage.OVERDUE)
    assert sweep(15).created == 0  # nothing new until then
    with time_machine.travel(midnight(day(2)) + dt.timedelta(minutes=5), tick=False):
        run_sweep()
    assert keys(rep, Stage.OVERDUE) == [(Stage.OVERDUE, action.pk, day(1))]
    assert stamp(action) == (midnight(day(4)), Stage.ESCALATED)  # 3 days after (default)
    with time_machine.travel(midnight(day(4)) + dt.timedelta(minutes=5), tick=False):
        run_sweep()
    assert keys(manager) == [(Stage.ESCALATED, action.pk, day(1))]
    assert stamp(action) == (None, "")  # the last stage: nothing more to look at


def test_an_action_created_late_is_reminded_by_the_next_sweep(make_action, rep, manager):
    make_action(rep, day(5))
    assert sweep(0).created == 0
    late = make_action(rep, day(-4), title="Entered late")
    report = sweep(15)
    assert keys(rep) == [(Stage.OVERDUE, late.pk, day(-4))]
    assert keys(manager) == [(Stage.ESCALATED, late.pk, day(-4))]  # both stages at once
    assert set(report.recipients) == {rep.pk, manager.pk}


def test_a_moved_due_date_is_re_armed_by_the_next_sweep(make_action, rep, manager):
    action = make_action(rep, day(2))
    sweep(0)
    assert keys(rep) == [(Stage.UPCOMING, action.pk, day(2))]
    action_update(action=action, by=manager, data={"due_date": day(-4)})  # backdated
    sweep(30)
    assert keys(rep) == [(Stage.OVERDUE, action.pk, day(-4))]  # "upcoming" is cancelled
    assert keys(manager) == [(Stage.ESCALATED, action.pk, day(-4))]


def test_a_reassigned_action_is_owed_to_its_new_assignee(make_action, rep, rep2, manager):
    action = make_action(rep, day(-1))
    sweep(0)
    action_update(action=action, by=manager, data={"assignee": rep2})
    sweep(15)
    assert keys(rep2) == [(Stage.OVERDUE, action.pk, day(-1))]
    assert keys(rep) == []  # no longer theirs: cancelled


def test_completing_or_reopening_restamps(make_action, rep, manager):
    action = make_action(rep, day(-1))
    action_set_status(action=action, by=rep, status=ActionStatus.DONE)
    assert stamp(action) == (None, "")
    assert sweep(0).created == 0
    action_set_status(action=action, by=rep, status=ActionStatus.TODO)
    assert sweep(15).created == 1 and keys(rep) == [(Stage.OVERDUE, action.pk, day(-1))]


def test_new_team_thresholds_restamp_the_teams_actions(team, make_action, rep):
    action = make_action(rep, day(4))  # beyond the default 2 days
    assert sweep(0).created == 0
    team_settings_update(team=team, upcoming_days=5, escalation_days=3)
    sweep(15)
    assert keys(rep) == [(Stage.UPCOMING, action.pk, day(4))]


def test_a_closed_plan_is_stamped_out(plan, make_action, make_milestone, rep):
    milestone = make_milestone(day(-1))
    action = make_action(rep, day(-1), milestone=milestone)
    plan_close(plan=plan, by=plan.team.manager)
    assert stamp(action) == stamp(milestone) == (None, "")
    assert sweep(0).created == 0


def test_a_plan_made_active_is_stamped_whole(plan, lever, rep):
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.DRAFT)
    plan.refresh_from_db()
    action = action_create(
        lever=lever, by=plan.team.manager, title="Draft", assignee=rep, due_date=day(-1)
    )
    assert stamp(action) == (None, "")  # a draft reminds no one
    assert sweep(0).created == 0
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.ACTIVE)
    restamp_plan(plan)  # what plans.services.plan_activate does once the plan is complete
    sweep(15)
    assert keys(rep) == [(Stage.OVERDUE, action.pk, day(-1))]


def test_a_milestone_is_looked_at_the_day_after_its_date(make_action, make_milestone, rep):
    milestone = make_milestone(day(1))
    make_action(rep, day(1), milestone=milestone)
    assert stamp(milestone) == (midnight(day(2)), Stage.MILESTONE_SLIPPED)
    milestone_update(milestone=milestone, data={"date": day(-2)})  # moved back
    sweep(0)
    assert (Stage.MILESTONE_SLIPPED, milestone.pk, day(-2)) in keys(rep)
    assert stamp(milestone) == (None, "")


def test_an_action_added_to_a_slipped_milestone_brings_its_assignee_in(
    make_action, make_milestone, rep, rep2
):
    milestone = make_milestone(day(-1))
    make_action(rep, day(-1), milestone=milestone)
    sweep(0)
    assert keys(rep2, Stage.MILESTONE_SLIPPED) == []
    make_action(rep2, day(-1), milestone=milestone)
    sweep(15)
    assert keys(rep2, Stage.MILESTONE_SLIPPED) == [(Stage.MILESTONE_SLIPPED, milestone.pk, day(-1))]


def test_an_archived_action_is_stamped_out_by_the_sweep(make_action, rep):
    action = make_action(rep, day(-1))
    Action.objects.filter(pk=action.pk).update(archived_at=at(-1))  # as archive_tree does
    assert sweep(0).created == 0
    assert stamp(action) == (None, "")


def test_the_other_apps_stages_are_looked_at_by_every_sweep(rep):
    from coaching.models import Enrollment, EnrollmentStatus

    sweep(0)
    session = training_session(at(24 * 60))  # planned after the first sweep
    Enrollment.objects.create(session=session, rep=rep, status=EnrollmentStatus.PLANNED)
    sweep(15)
    assert keys(rep) == [(Stage.TRAINING_TOMORROW, session.pk, day(1))]


@pytest.mark.parametrize("count", [10, 300])
def test_a_sweep_with_nothing_due_costs_a_few_queries(
    count, make_action, make_milestone, rep, rep2, django_assert_max_num_queries
):
    milestone = make_milestone(day(-1))
    for n in range(count):
        make_action(rep if n % 2 else rep2, day(-1 - n % 7), milestone=milestone)
    sweep(0)
    Reminder.objects.update(state=DeliveryState.SENT)  # every digest went out
    # actions due (none); milestones due (none); their open actions (skipped: no
    # milestone due) ; targets at risk; sessions tomorrow; "any reminder owed?" (no)
    with django_assert_max_num_queries(5):
        report = sweep(15)
    assert (report.created, report.recipients) == (0, [])
    assert not Action.all_objects.filter(next_reminder_at__lte=at(15)).exists()
    assert not Milestone.all_objects.filter(next_reminder_at__lte=at(15)).exists()
