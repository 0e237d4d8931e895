"""Model rules, without HTTP: milestone status at its edges, first commitment, slippage."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from plans.models import Action, ActionStatus, Milestone, MilestoneStatus

from .factories import ActionFactory, MilestoneFactory, today

pytestmark = pytest.mark.django_db


def test_milestone_on_its_own_day_is_not_slipped(plan, lever, rep):
    day = today()
    milestone = MilestoneFactory(plan=plan, date=day)
    ActionFactory(lever=lever, assignee=rep, milestone=milestone, due_date=day)
    assert milestone.status(day) == MilestoneStatus.ON_TRACK
    assert milestone.status(day + timedelta(days=1)) == MilestoneStatus.SLIPPED


def test_milestone_before_its_date_is_on_track_even_with_nothing_done(plan, lever, rep):
    milestone = MilestoneFactory(plan=plan, date=today() + timedelta(days=5))
    ActionFactory(lever=lever, assignee=rep, milestone=milestone)
    assert milestone.status(today()) == MilestoneStatus.ON_TRACK


def test_milestone_is_done_when_no_action_is_open_and_one_is_done(plan, lever, rep):
    milestone = MilestoneFactory(plan=plan, date=today() - timedelta(days=3))
    ActionFactory(lever=lever, assignee=rep, milestone=milestone, status=ActionStatus.DONE)
    ActionFactory(lever=lever, assignee=rep, milestone=milestone, status=ActionStatus.CANCELLED)
    assert milestone.status(today()) == MilestoneStatus.DONE


def test_milestone_past_its_date_with_an_open_action_is_slipped(plan, lever, rep):
    milestone = MilestoneFactory(plan=plan, date=today() - timedelta(days=1))
    ActionFactory(lever=lever, assignee=rep, milestone=milestone, status=ActionStatus.DONE)
    ActionFactory(lever=lever, assignee=rep, milestone=milestone)
    assert milestone.status(today()) == MilestoneStatus.SLIPPED


def test_milestone_with_no_open_action_past_its_date_has_not_slipped(plan, lever, rep):
    # Nothing left to chase (MilestoneQuerySet.slipped): cancelled actions, or none at all.
    milestone = MilestoneFactory(plan=plan, date=today() - timedelta(days=1))
    assert milestone.status(today()) == MilestoneStatus.ON_TRACK
    ActionFactory(lever=lever, assignee=rep, milestone=milestone, status=ActionStatus.CANCELLED)
    assert milestone.status(today()) == MilestoneStatus.ON_TRACK


def test_annotated_status_matches_the_counting_one(plan, lever, rep):
    milestone = MilestoneFactory(plan=plan, date=today() - timedelta(days=1))
    ActionFactory(lever=lever, assignee=rep, milestone=milestone)
    annotated = Milestone.objects.with_action_counts().get(pk=milestone.pk)
    assert (annotated.open_actions, annotated.done_actions) == (1, 0)
    assert annotated.status(today()) == milestone.status(today()) == MilestoneStatus.SLIPPED


def test_original_due_date_is_kept_when_the_due_date_moves(rep_action):
    first = rep_action.due_date
    rep_action.due_date = first + timedelta(days=9)
    rep_action.save()
    rep_action.refresh_from_db()
    assert rep_action.original_due_date == first
    assert rep_action.moved_days == 9


def test_moving_a_due_date_earlier_counts_negative_days(rep_action):
    rep_action.due_date -= timedelta(days=2)
    rep_action.save()
    assert rep_action.moved_days == -2


def test_a_new_action_has_not_moved(rep_action):
    assert rep_action.original_due_date == rep_action.due_date
    assert rep_action.moved_days == 0


def test_action_due_today_is_not_overdue_but_yesterday_is(lever, rep):
    action = ActionFactory(lever=lever, assignee=rep, due_date=today())
    assert not action.is_overdue(today())
    assert action.is_overdue(today() + timedelta(days=1))
    assert Action.objects.overdue(today() + timedelta(days=1)).filter(pk=action.pk).exists()
    action.status = ActionStatus.DONE
    assert not action.is_overdue(today() + timedelta(days=1))


def _errors(instance):
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


def test_plan_ending_before_it_starts_is_refused_on_end_date(plan):
    plan.end_date = plan.start_date - timedelta(days=1)
    assert "end_date" in _errors(plan)


def test_action_rules_are_reported_on_their_field(lever, rep, outsider, plan):
    action = Action(
        lever=lever,
        title="Relancer",
        assignee=rep,
        start_date=today() + timedelta(days=5),
        due_date=today() + timedelta(days=1),
    )
    assert list(_errors(action)) == ["due_date"]
    action.start_date, action.due_date = None, plan.end_date + timedelta(days=1)
    assert list(_errors(action)) == ["due_date"]
    action.due_date, action.assignee = today(), outsider
    assert list(_errors(action)) == ["assignee"]
    action.assignee, action.title = rep, ""
    assert list(_errors(action)) == ["title"]


def test_the_manager_may_carry_an_action_of_the_plan(lever, manager):
    Action(lever=lever, title="Animer la réunion", assignee=manager, due_date=today()).full_clean(
        exclude=["original_due_date"]
    )


def test_milestone_outside_the_plan_is_refused_on_date(plan):
    milestone = Milestone(plan=plan, title="Trop tard", date=plan.end_date + timedelta(days=1))
    assert list(_errors(milestone)) == ["date"]
