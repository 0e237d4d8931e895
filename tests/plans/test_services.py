"""Services without HTTP: tick off, reopen, bulk assign and reassign, duplicate, reorder,
activation."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from plans import services
from plans.models import Action, ActionEvent, ActionStatus, Lever, PlanStatus

from .factories import ActionFactory, LeverFactory, MilestoneFactory, PlanFactory, steer, today

pytestmark = pytest.mark.django_db


def test_complete_records_who_and_when_and_history(rep_action, rep):
    services.action_set_status(action=rep_action, by=rep, status=ActionStatus.DONE)
    rep_action.refresh_from_db()
    assert rep_action.status == ActionStatus.DONE
    assert rep_action.completed_by == rep and rep_action.completed_at is not None
    event = ActionEvent.objects.get(action=rep_action, kind="status")
    assert (event.old_value, event.new_value, event.actor) == ("todo", "done", rep)


def test_completing_twice_writes_history_once(rep_action, rep):
    services.action_set_status(action=rep_action, by=rep, status=ActionStatus.DONE)
    services.action_set_status(action=rep_action, by=rep, status=ActionStatus.DONE)
    assert ActionEvent.objects.filter(action=rep_action, kind="status").count() == 1


def test_reopen_clears_the_completion(rep_action, rep):
    services.action_set_status(action=rep_action, by=rep, status=ActionStatus.DONE)
    services.action_set_status(action=rep_action, by=rep, status=ActionStatus.TODO)
    rep_action.refresh_from_db()
    assert rep_action.status == ActionStatus.TODO
    assert rep_action.completed_at is None and rep_action.completed_by is None
    kinds = list(ActionEvent.objects.filter(action=rep_action).values_list("new_value", flat=True))
    assert kinds == ["done", "todo"]


def test_start_puts_the_action_in_progress(rep_action, rep):
    services.action_set_status(action=rep_action, by=rep, status=ActionStatus.IN_PROGRESS)
    assert rep_action.status == ActionStatus.IN_PROGRESS


def test_update_records_assignee_and_due_date_moves(rep_action, rep2, manager):
    first = rep_action.due_date
    services.action_update(
        action=rep_action,
        by=manager,
        data={"assignee": rep2, "due_date": first + timedelta(days=4)},
    )
    rep_action.refresh_from_db()
    assert rep_action.original_due_date == first and rep_action.moved_days == 4
    events = {e.kind: e for e in ActionEvent.objects.filter(action=rep_action)}
    assert events["assignee"].new_value == rep2.get_full_name()
    assert events["due_date"].old_value == first.isoformat()


def test_action_create_records_its_creation(lever, rep, manager):
    action = services.action_create(
        lever=lever, by=manager, title="Appeler", assignee=rep, due_date=today()
    )
    assert ActionEvent.objects.get(action=action).kind == "created"


def test_assign_many_gives_each_person_their_own_action(lever, rep, rep2, manager):
    actions = services.action_assign_many(
        lever=lever,
        by=manager,
        assignees=[rep, rep2],
        title="Relancer les devis",
        due_date=today() + timedelta(days=3),
    )
    assert {a.assignee_id for a in actions} == {rep.pk, rep2.pk}
    assert Action.objects.filter(title="Relancer les devis").count() == 2


def test_assign_many_saves_nothing_when_one_person_is_outside_the_team(
    lever, rep, outsider, manager
):
    with pytest.raises(ValidationError) as caught:
        services.action_assign_many(
            lever=lever, by=manager, assignees=[rep, outsider], title="X", due_date=today()
        )
    assert "assignee" in caught.value.message_dict
    assert not Action.objects.filter(title="X").exists()


def test_reassign_in_bulk_moves_every_action_and_logs_it(lever, rep, rep2, manager):
    actions = [ActionFactory(lever=lever, assignee=rep) for _ in range(3)]
    count = services.actions_reassign(actions=actions, assignee=rep2, by=manager)
    assert count == 3
    assert set(Action.objects.values_list("assignee", flat=True)) == {rep2.pk}
    assert ActionEvent.objects.filter(kind="assignee").count() == 3


def test_reassign_to_someone_outside_the_team_changes_nothing(lever, rep, outsider, manager):
    actions = [ActionFactory(lever=lever, assignee=rep) for _ in range(2)]
    with pytest.raises(ValidationError):
        services.actions_reassign(actions=actions, assignee=outsider, by=manager)
    assert set(Action.objects.values_list("assignee", flat=True)) == {rep.pk}
    assert not ActionEvent.objects.filter(kind="assignee").exists()


def test_duplicate_shifts_every_date_and_resets_statuses(plan, rep, manager):
    lever_a = LeverFactory(plan=plan, name="A", position=0)
    lever_b = LeverFactory(plan=plan, name="B", position=1)
    milestone = MilestoneFactory(plan=plan, date=today() + timedelta(days=20))
    done = ActionFactory(
        lever=lever_a,
        assignee=rep,
        status=ActionStatus.DONE,
        start_date=today(),
        due_date=today() + timedelta(days=5),
        milestone=milestone,
    )
    done.due_date += timedelta(days=2)  # moved: the copy starts afresh
    done.save()
    ActionFactory(lever=lever_b, assignee=rep, status=ActionStatus.CANCELLED)
    new_start = plan.end_date + timedelta(days=1)
    shift = new_start - plan.start_date

    copy = services.plan_duplicate(plan=plan, start_date=new_start, by=manager, title="PAC S2")

    assert copy.status == PlanStatus.DRAFT and copy.title == "PAC S2"
    assert (copy.start_date, copy.end_date) == (new_start, plan.end_date + shift)
    assert list(copy.levers.values_list("name", flat=True)) == ["A", "B"]
    new_milestone = copy.milestones.get()
    assert new_milestone.date == milestone.date + shift
    copied = Action.objects.get(lever__plan=copy)  # the cancelled one is left behind
    assert copied.status == ActionStatus.TODO and copied.completed_at is None
    assert copied.due_date == done.due_date + shift
    assert copied.original_due_date == copied.due_date
    assert copied.start_date == done.start_date + shift
    assert copied.milestone == new_milestone
    assert Action.objects.get(pk=done.pk).status == ActionStatus.DONE  # the source is untouched


def test_lever_reorder_sets_positions_and_refuses_a_partial_list(plan):
    a, b, c = (LeverFactory(plan=plan, name=n) for n in "abc")
    services.lever_reorder(plan=plan, lever_ids=[c.pk, a.pk, b.pk])
    assert list(plan.levers.values_list("name", flat=True)) == ["c", "a", "b"]
    with pytest.raises(ValidationError):
        services.lever_reorder(plan=plan, lever_ids=[a.pk])


def test_lever_move_up_swaps_with_the_previous_one(plan):
    _a, b = LeverFactory(plan=plan, name="a"), LeverFactory(plan=plan, name="b")
    services.lever_move(lever=b, offset=-1)
    assert list(plan.levers.values_list("name", flat=True)) == ["b", "a"]


def test_new_lever_goes_last(plan):
    LeverFactory(plan=plan, position=4)
    lever = services.lever_create(plan=plan, name="Nouveau", aim="retain")
    assert lever.position == 5


def test_activation_is_refused_with_the_list_of_what_is_missing(team, manager):
    plan = PlanFactory(team=team, status=PlanStatus.DRAFT)
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        services.plan_activate(plan=plan)
    assert caught.value.messages == ["The plan has no lever yet."]
    LeverFactory(plan=plan, name="Reconquête")
    LeverFactory(plan=plan, name="Fidélisation")
    with pytest.raises(ValidationError) as caught, translation.override("fr"):
        services.plan_activate(plan=plan)
    assert caught.value.messages == [
        "Le levier « Reconquête » n'a aucune action.",
        "Le levier « Fidélisation » n'a aucune action.",
    ]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_activation_succeeds_once_complete(team, rep):
    plan = PlanFactory(team=team, status=PlanStatus.DRAFT)
    steer(plan, [ActionFactory(lever=LeverFactory(plan=plan), assignee=rep)])
    services.plan_activate(plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE


def test_the_indicators_checks_follow_the_plans_own(team, rep):
    plan = PlanFactory(team=team, status=PlanStatus.DRAFT)
    LeverFactory(plan=plan, name="Vide")
    ActionFactory(lever=LeverFactory(plan=plan), assignee=rep, title="Appeler")
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        services.plan_activate(plan=plan)
    assert caught.value.messages == [
        "The lever “Vide” has no action.",
        "The action “Appeler” is linked to no indicator.",
    ]


def test_plan_update_refuses_a_period_leaving_actions_outside(plan, rep_action):
    with pytest.raises(ValidationError) as caught:
        services.plan_update(plan=plan, data={"end_date": rep_action.due_date - timedelta(days=1)})
    assert "end_date" in caught.value.message_dict


def test_closed_plan_cannot_be_changed(plan, rep_action, rep):
    services.plan_close(plan=plan, by=plan.team.manager)
    with pytest.raises(ValidationError):
        services.action_set_status(action=rep_action, by=rep, status=ActionStatus.DONE)
    with pytest.raises(ValidationError):
        services.lever_create(plan=plan, name="x", aim="other")
    assert Lever.objects.filter(plan=plan).count() == 1
