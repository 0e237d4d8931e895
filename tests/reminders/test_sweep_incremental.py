"""Full and incremental sweeps (reminders.sweep): the beat's sweep between two full ones
looks only at the open actions saved since the last sweep, and nothing it cannot see is
lost: the periodic full sweep, the first sweep of each day, and a full sweep after any
saved plan or team thresholds catch it.

Time is frozen with time-machine, so ``updated_at`` stamps and sweep times are exact.
"""

import datetime as dt

import pytest
import time_machine

from plans.models import Action, ActionStatus, Plan, PlanStatus
from reminders.models import DeliveryState, Reminder, Stage, SweepState
from reminders.services import team_settings_update
from reminders.sweep import run_sweep

from .conftest import MONDAY, day

pytestmark = pytest.mark.django_db


def at(minutes: int) -> dt.datetime:
    return MONDAY + dt.timedelta(minutes=minutes)


def sweep(minutes: int = 0, **kwargs):
    with time_machine.travel(at(minutes), tick=False):
        return run_sweep(**kwargs)


@pytest.fixture(autouse=True)
def _plan_saved_long_ago(plan):
    # The fixtures are saved "now" (after MONDAY): as seen from MONDAY, the plan would have
    # been saved in the future, hence after every watermark (a full sweep every time).
    Plan.objects.filter(pk=plan.pk).update(updated_at=MONDAY - dt.timedelta(days=30))


@pytest.fixture
def create(make_action):
    """``create(minutes, assignee, due, ...)``: an action saved at MONDAY + minutes."""

    def _create(minutes: int, *args, **kwargs):
        with time_machine.travel(at(minutes), tick=False):
            return make_action(*args, **kwargs)

    return _create


def overdue_actions(lever, assignees, count: int, minutes: int = -60):
    with time_machine.travel(at(minutes), tick=False):
        Action.objects.bulk_create(
            Action(
                lever=lever,
                assignee=assignees[n % len(assignees)],
                title=f"Action {n}",
                due_date=day(-1 - n % 7),
                original_due_date=day(-1 - n % 7),
            )
            for n in range(count)
        )


def keys(recipient=None, stage=None):
    rows = Reminder.objects.exclude(state=DeliveryState.CANCELLED)
    if recipient is not None:
        rows = rows.filter(recipient=recipient)
    if stage is not None:
        rows = rows.filter(stage=stage)
    return sorted(rows.values_list("stage", "item_id", "due_date"))


@pytest.mark.parametrize("count", [10, 1000])
def test_a_sweep_with_nothing_new_stops_after_a_few_queries(
    count, lever, rep, rep2, django_assert_max_num_queries
):
    overdue_actions(lever, [rep, rep2], count)
    first = sweep(0)
    assert first.full and first.reason == "first sweep" and first.created >= count
    Reminder.objects.update(state=DeliveryState.SENT)  # every digest went out
    # 1 query whatever the size: the sweep state, with "was any action, plan or team
    # setting saved?", "is any reminder owed?", "any current target, any session
    # tomorrow?" (none here: the other apps' functions are not called).
    with django_assert_max_num_queries(1):
        report = sweep(15)
    assert (report.full, report.reason, report.created) == (False, "incremental", 0)
    assert report.recipients == []


@pytest.mark.parametrize("count", [10, 1000])
def test_an_incremental_sweep_with_changes_costs_a_constant_number_of_queries(
    count, lever, rep, rep2, create, django_assert_max_num_queries
):
    overdue_actions(lever, [rep, rep2], count)
    sweep(0)
    overdue_actions(lever, [rep, rep2], 10, minutes=5)  # ten more, saved after the sweep
    # state; changed actions; cancel stale; thresholds; 5 sources (one INSERT each);
    # mute; owed; state saved: 13 at most, whatever the count (+2 with targets current
    # and sessions tomorrow: test_other_stages.py).
    with django_assert_max_num_queries(13):
        report = sweep(15)
    assert not report.full and report.created >= 10
    assert Reminder.objects.filter(stage=Stage.OVERDUE).count() == count + 10


def test_the_incremental_sweep_finds_an_action_created_overdue(create, rep, mailoutbox):
    create(-60, rep, day(5))  # not due yet
    assert sweep(0).created == 0
    late = create(5, rep, day(-1), title="Entered late")
    report = sweep(15)
    assert (report.full, report.created) == (False, 1)
    assert keys(rep) == [(Stage.OVERDUE, late.pk, day(-1))]
    assert report.recipients == [rep.pk]


def test_the_incremental_sweep_re_arms_a_moved_due_date(create, rep, manager):
    action = create(-60, rep, day(2))
    sweep(0)
    assert keys(rep) == [(Stage.UPCOMING, action.pk, day(2))]
    with time_machine.travel(at(20), tick=False):
        action.due_date = day(-4)  # backdated: overdue, and escalated (3 days)
        action.save()
    report = sweep(30)
    assert not report.full
    assert keys(rep) == [(Stage.OVERDUE, action.pk, day(-4))]  # "upcoming" is cancelled
    assert keys(manager) == [(Stage.ESCALATED, action.pk, day(-4))]


def test_an_action_saved_just_before_the_previous_sweep_is_not_missed(create, rep):
    create(-60, rep, day(5))
    sweep(0)
    assert sweep(15).created == 0
    # Stamped at 14 min (before the 15 min sweep read the data), committed after it: the
    # next watermark is 15 min minus the margin (5 min), so the 30 min sweep sees it.
    late = create(14, rep, day(-1))
    report = sweep(30)
    assert not report.full and keys(rep) == [(Stage.OVERDUE, late.pk, day(-1))]


def test_a_change_no_watermark_sees_is_reminded_by_the_periodic_full_sweep(settings, create, rep):
    settings.REMINDER_FULL_SWEEP_MINUTES = 45
    action = create(-60, rep, day(5))
    sweep(0)
    # A bulk update stamps no updated_at: the incremental sweeps cannot see it...
    Action.objects.filter(pk=action.pk).update(due_date=day(-1))
    assert sweep(15).created == 0 and sweep(30).created == 0
    # ...the next full sweep (at most REMINDER_FULL_SWEEP_MINUTES later) does.
    report = sweep(45)
    assert (report.full, report.reason) == (True, "periodic")
    assert keys(rep) == [(Stage.OVERDUE, action.pk, day(-1))]


def test_a_replaced_manager_gets_the_escalation_from_the_next_full_sweep(
    team, create, rep, manager, other_manager
):
    action = create(-60, rep, day(-5))
    sweep(0)
    assert keys(manager, Stage.ESCALATED) == [(Stage.ESCALATED, action.pk, day(-5))]
    team.manager = other_manager  # a team has no updated_at: no watermark sees this
    team.save()
    report = sweep(15)
    assert not report.full
    assert keys(manager, Stage.ESCALATED) == []  # no longer theirs: cancelled at once
    report = sweep(60)
    assert report.full
    assert keys(other_manager, Stage.ESCALATED) == [(Stage.ESCALATED, action.pk, day(-5))]


def test_a_reactivated_plan_is_swept_in_full_at_once(plan, create, rep):
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.DRAFT)
    action = create(-60, rep, day(-1))
    assert sweep(0).created == 0
    with time_machine.travel(at(10), tick=False):
        plan.status = PlanStatus.ACTIVE
        plan.save()
    report = sweep(15)
    assert (report.full, report.reason) == (True, "plan changed")
    assert keys(rep) == [(Stage.OVERDUE, action.pk, day(-1))]


def test_new_team_thresholds_are_swept_in_full_at_once(team, create, rep):
    action = create(-60, rep, day(4))  # beyond the default 2 days
    assert sweep(0).created == 0
    with time_machine.travel(at(10), tick=False):
        team_settings_update(team=team, upcoming_days=5, escalation_days=3)
    report = sweep(15)
    assert (report.full, report.reason) == (True, "team settings changed")
    assert keys(rep) == [(Stage.UPCOMING, action.pk, day(4))]


def test_the_first_sweep_of_a_day_is_full(create, rep):
    action = create(-60, rep, day(0))  # due today: "upcoming" today, overdue tomorrow
    sweep(0)
    report = sweep(15 * 60 + 5)  # Tuesday 00:05 (MONDAY is 09:00)
    assert (report.full, report.reason) == (True, "new day")
    assert (Stage.OVERDUE, action.pk, day(0)) in keys(rep)


def test_more_changed_actions_than_a_batch_make_a_full_sweep(settings, lever, rep):
    settings.REMINDER_BATCH_SIZE = 10
    sweep(0)
    overdue_actions(lever, [rep], 11, minutes=5)
    report = sweep(15)
    assert (report.full, report.reason) == (True, "many changed actions")
    assert Reminder.objects.filter(stage=Stage.OVERDUE).count() == 11


def test_completed_actions_are_not_looked_at_again(create, rep):
    action = create(-60, rep, day(-1))
    sweep(0)
    with time_machine.travel(at(5), tick=False):
        action.status = ActionStatus.DONE
        action.save()
    report = sweep(15)
    assert not report.full and report.created == 0
    assert keys(rep) == []  # the reminder was cancelled with the completion


def test_the_state_follows_the_sweeps(create, rep):
    create(-60, rep, day(-1))
    sweep(0)
    state = SweepState.objects.get()
    assert state.last_full_at == at(0)
    assert state.watermark == at(0) - dt.timedelta(minutes=5)
    sweep(15)  # nothing saved since: the watermark stays
    assert SweepState.objects.get().watermark == at(0) - dt.timedelta(minutes=5)
    create(20, rep, day(-2))
    sweep(30)
    state = SweepState.objects.get()
    assert (state.watermark, state.last_full_at) == (at(25), at(0))


def test_a_forced_full_sweep(create, rep):
    create(-60, rep, day(-1))
    sweep(0)
    assert sweep(15, full=True).reason == "asked"


def test_the_other_apps_stages_are_looked_at_by_incremental_sweeps(rep, team, lever):
    from decimal import Decimal

    from coaching.models import Enrollment, EnrollmentStatus, Training, TrainingSession

    sweep(0)
    with time_machine.travel(at(5), tick=False):  # planned after the day's full sweep
        training = Training.objects.create(
            title="Maîtriser le CRM",
            topic="crm",
            kind="classroom",
            duration_hours=Decimal("7"),
            cost_per_seat=Decimal("350"),
        )
        session = TrainingSession.objects.create(
            training=training, starts_at=at(24 * 60), place="Paris", capacity=5
        )
        Enrollment.objects.create(session=session, rep=rep, status=EnrollmentStatus.PLANNED)
    report = sweep(15)
    assert not report.full
    assert keys(rep) == [(Stage.TRAINING_TOMORROW, session.pk, day(1))]


def test_send_reminders_full_forces_a_full_sweep(create, rep, settings):
    from io import StringIO

    from django.core.management import call_command

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    action = create(-60, rep, day(5))
    sweep(0)
    Action.objects.filter(pk=action.pk).update(due_date=day(-1))  # no stamp
    with time_machine.travel(at(15), tick=False):
        call_command("send_reminders", stdout=StringIO())
        assert keys(rep) == []  # incremental: not seen yet
        out = StringIO()
        call_command("send_reminders", "--full", stdout=out)
    assert keys(rep) == [(Stage.OVERDUE, action.pk, day(-1))]
    assert "1 new reminders" in out.getvalue()


def test_without_any_active_plan_nothing_is_due(plan, create, rep):
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.DRAFT)
    create(-60, rep, day(-5))
    assert sweep(0, full=True).created == 0
    create(5, rep, day(-1))
    assert sweep(15).created == 0


def test_muted_rows_alone_keep_the_steady_state_sweep_at_one_query(
    create, manager, rep, django_assert_max_num_queries
):
    from reminders.models import EmailMode, ReminderPreference

    ReminderPreference.objects.create(user=rep, email_mode=EmailMode.ESCALATIONS)
    action = create(-60, rep, day(-1))  # overdue: in the bell, not by email
    sweep(0)
    assert Reminder.objects.get(recipient=rep).state == DeliveryState.MUTED
    with django_assert_max_num_queries(1):
        assert not sweep(15).full
    # Completed by a bulk update (no signal, no stamp): the muted row leaves the bell at
    # the next full sweep.
    Action.objects.filter(pk=action.pk).update(status=ActionStatus.DONE)
    sweep(30)
    assert Reminder.objects.get(recipient=rep).state == DeliveryState.MUTED
    report = sweep(60)
    assert report.full and report.cancelled == 1
    assert Reminder.objects.get(recipient=rep).state == DeliveryState.CANCELLED
