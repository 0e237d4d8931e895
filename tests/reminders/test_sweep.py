"""The sweep and the digest service without a worker: rules, re-arming, cancelling,
preferences and the query bound. Email goes to Django's in-memory outbox here; the
real SMTP server and worker are in test_delivery_with_worker.py.
"""

import datetime as dt
import math

import pytest
import time_machine
from django.db import connection
from django.db.models import AutoField, Q
from django.test.utils import CaptureQueriesContext

from plans.models import Action, ActionStatus, PlanStatus
from plans.reminder_stamps import restamp_actions
from plans.services import action_delete, action_set_status, action_update, lever_delete
from reminders import sweep
from reminders.models import (
    DeliveryState,
    EmailMode,
    NewReminder,
    Reminder,
    ReminderPreference,
    Stage,
    TeamReminderSettings,
)
from reminders.services import digest_deliver
from reminders.sweep import run_sweep

from .conftest import MONDAY, day

pytestmark = pytest.mark.django_db

SATURDAY = MONDAY + dt.timedelta(days=5)


@pytest.fixture(autouse=True)
def _outbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def sweep_and_send(when=MONDAY):
    with time_machine.travel(when, tick=False):
        return run_sweep(dispatch=lambda rid: digest_deliver(recipient_id=rid))


def stages_of(user):
    return sorted(
        Reminder.objects.filter(recipient=user)
        .exclude(state=DeliveryState.CANCELLED)
        .values_list("stage", flat=True)
    )


def test_each_plan_stage_goes_to_its_people(
    make_action, make_milestone, manager, rep, rep2, outsider, other_manager, mailoutbox
):
    milestone = make_milestone(day(-1))
    make_action(rep, day(-3), milestone=milestone)  # overdue, escalated (M=3), milestone
    make_action(rep2, day(2))  # upcoming (N=2)
    make_action(rep2, day(3))  # too far for "upcoming"
    make_action(rep2, day(0), status=ActionStatus.DONE)  # done: nothing
    sweep_and_send()
    assert stages_of(rep) == [Stage.MILESTONE_SLIPPED, Stage.OVERDUE]
    assert stages_of(rep2) == [Stage.UPCOMING]
    assert stages_of(manager) == [Stage.ESCALATED, Stage.MILESTONE_SLIPPED]
    assert stages_of(outsider) == stages_of(other_manager) == []
    assert sorted(m.to[0] for m in mailoutbox) == sorted([rep.email, rep2.email, manager.email])


def test_team_settings_change_the_thresholds(team, make_action, manager, rep):
    TeamReminderSettings.objects.create(team=team, upcoming_days=5, escalation_days=10)
    make_action(rep, day(5))
    make_action(rep, day(-4))
    sweep_and_send()
    assert stages_of(rep) == [Stage.OVERDUE, Stage.UPCOMING]
    assert stages_of(manager) == []  # 4 days late, escalation only after 10


def test_only_active_plans_trigger_reminders(plan, make_action, rep):
    plan.status = PlanStatus.DRAFT
    plan.save()
    make_action(rep, day(-2))
    assert sweep_and_send().created == 0


def test_a_milestone_whose_actions_are_all_done_has_not_slipped(make_action, make_milestone, rep):
    milestone = make_milestone(day(-1))
    make_action(rep, day(-2), milestone=milestone, status=ActionStatus.DONE)
    make_action(rep, day(-2), milestone=milestone, status=ActionStatus.CANCELLED)
    sweep_and_send()
    assert stages_of(rep) == []


def test_moving_the_due_date_re_arms_the_reminder(make_action, manager, rep, mailoutbox):
    action = make_action(rep, day(-1))
    sweep_and_send()
    sweep_and_send(MONDAY + dt.timedelta(hours=1))
    assert len(mailoutbox) == 1  # same item, stage and date: the same key, nothing new
    action_update(action=action, by=manager, data={"due_date": day(1)})  # more time...
    sweep_and_send(MONDAY + dt.timedelta(days=2))  # ...and missed again: a new reminder
    assert len(mailoutbox) == 2
    dates = Reminder.objects.filter(stage=Stage.OVERDUE).values_list("due_date", flat=True)
    assert sorted(dates) == [day(-1), day(1)]


def test_completing_an_action_cancels_its_pending_reminders(make_action, rep, mailoutbox):
    ReminderPreference.objects.create(user=rep, email_mode=EmailMode.DAILY, daily_hour=18)
    action = make_action(rep, day(-1))
    sweep_and_send()  # 09:00: recorded, waiting for 18:00
    assert Reminder.objects.get().state == DeliveryState.PENDING
    action_set_status(action=action, by=rep, status=ActionStatus.DONE)
    assert Reminder.objects.get().state == DeliveryState.CANCELLED
    sweep_and_send(MONDAY + dt.timedelta(hours=10))
    assert mailoutbox == []


@pytest.mark.parametrize("archive", ["action", "lever"])
def test_archiving_an_action_or_its_lever_cancels_its_pending_reminders(
    archive, make_action, rep, manager, mailoutbox
):
    ReminderPreference.objects.create(user=rep, email_mode=EmailMode.DAILY, daily_hour=18)
    action = make_action(rep, day(-1))
    sweep_and_send()  # 09:00: recorded, waiting for 18:00
    assert Reminder.objects.get().state == DeliveryState.PENDING
    if archive == "action":
        assert action_delete(action=action, by=manager)  # an active plan's: archived
    else:
        assert lever_delete(lever=action.lever, by=manager)
    assert Reminder.objects.get().state == DeliveryState.CANCELLED  # at once, not at 18:00
    assert Action.all_objects.get(pk=action.pk).next_reminder_at is None
    sweep_and_send(MONDAY + dt.timedelta(hours=10))
    assert mailoutbox == []


def test_a_bulk_change_is_caught_by_the_next_sweep(make_action, rep, mailoutbox):
    ReminderPreference.objects.create(user=rep, email_mode=EmailMode.DAILY, daily_hour=18)
    action = make_action(rep, day(-1))
    sweep_and_send()
    type(action).objects.filter(pk=action.pk).update(status=ActionStatus.CANCELLED)  # no signal
    report = sweep_and_send(MONDAY + dt.timedelta(hours=10))
    assert report.cancelled == 1 and mailoutbox == []


def test_daily_digest_waits_for_its_hour_and_goes_once_a_day(make_action, rep, mailoutbox):
    ReminderPreference.objects.create(user=rep, email_mode=EmailMode.DAILY, daily_hour=14)
    make_action(rep, day(-1))
    sweep_and_send()  # 09:00
    assert mailoutbox == []
    sweep_and_send(MONDAY + dt.timedelta(hours=5))  # 14:00
    assert len(mailoutbox) == 1
    make_action(rep, day(-2), title="Another one")
    sweep_and_send(MONDAY + dt.timedelta(hours=6))  # 15:00: already had today's digest
    assert len(mailoutbox) == 1
    sweep_and_send(MONDAY + dt.timedelta(hours=29))  # Tuesday 14:00
    to_rep = [m for m in mailoutbox if m.to == [rep.email]]
    assert len(to_rep) == 2
    assert "Another one" in to_rep[1].body


def test_weekend_is_quiet_by_default_but_escalations_go_out(
    make_action, manager, rep, rep2, mailoutbox
):
    ReminderPreference.objects.create(user=rep2, weekend_quiet=False)
    make_action(rep, day(3))  # Saturday: 2 days late
    make_action(rep2, day(2))
    make_action(rep, day(-5), title="Old one")  # escalated to the manager
    sweep_and_send(SATURDAY)
    assert sorted(m.to[0] for m in mailoutbox) == sorted([manager.email, rep2.email])
    assert Reminder.objects.filter(recipient=rep, state=DeliveryState.PENDING).count() == 2
    sweep_and_send(SATURDAY + dt.timedelta(days=2))  # Monday
    assert [m.to[0] for m in mailoutbox].count(rep.email) == 1


def test_escalations_only_mutes_the_rest_but_the_bell_still_lists_it(
    make_action, manager, rep, mailoutbox
):
    ReminderPreference.objects.create(user=manager, email_mode=EmailMode.ESCALATIONS)
    ReminderPreference.objects.create(user=rep, email_mode=EmailMode.ESCALATIONS)
    make_action(rep, day(-5))
    make_action(manager, day(-1), title="The manager's own")
    sweep_and_send()
    assert [m.to[0] for m in mailoutbox] == [manager.email]
    assert "The manager's own" not in mailoutbox[0].body
    assert Reminder.objects.get(recipient=rep).state == DeliveryState.MUTED
    assert Reminder.objects.filter(recipient=manager, state=DeliveryState.MUTED).count() == 1


def test_the_digest_is_in_the_recipients_language(make_action, rep, rep2, mailoutbox):
    ReminderPreference.objects.create(user=rep, language="en")
    ReminderPreference.objects.create(user=rep2, language="fr")
    make_action(rep, day(-1))
    make_action(rep2, day(-1))
    sweep_and_send()
    subjects = {m.to[0]: m.subject for m in mailoutbox}
    assert subjects == {rep.email: "[PAC] 1 reminder", rep2.email: "[PAC] 1 rappel"}
    english = next(m for m in mailoutbox if m.to[0] == rep.email)
    assert "Overdue actions" in english.body and "March 1, 2026" in english.body
    html = english.alternatives[0][0]
    assert "/reminders/preferences/" in html and 'lang="en"' in html


def test_a_user_without_email_address_gets_nothing_but_the_bell(make_action, rep, mailoutbox):
    rep.email = ""
    rep.save()
    make_action(rep, day(-1))
    sweep_and_send()
    assert mailoutbox == []
    assert Reminder.objects.filter(recipient=rep).count() == 1


def _overdue(lever, assignees, count):
    """``count`` overdue actions written in bulk, then stamped as the services would."""
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
    restamp_actions(Q(lever=lever))


@pytest.mark.parametrize("count", [10, 400])
def test_the_sweep_query_count_does_not_grow_with_due_items(
    count, lever, make_milestone, rep, rep2
):
    make_milestone(day(-1))
    _overdue(lever, [rep, rep2], count)
    # 18 queries whatever the size (one batch of each kind), plus the INSERTs of the new reminders,
    # which the database's parameter limit splits (76 rows each on SQLite, a batch's 1,000 on
    # PostgreSQL), and one stamp UPDATE per next stamp (a few here, at both sizes): "any reminder
    # owed?" (none yet: no earlier row to cancel); "any action due?"; actions due; their levers'
    # plans, teams and thresholds; their existing reminders; SAVEPOINT and RELEASE (inside this
    # test's transaction); "any milestone due?"; milestones due; their plans; their open actions'
    # assignees (none: no action under it); its stamp's UPDATE; SAVEPOINT, RELEASE; "any current
    # target?" (none: no targets at risk asked for); "any session tomorrow?" (none); the UPDATE
    # muting rows of escalation-only people; the SELECT of the people owed a digest.
    with time_machine.travel(MONDAY, tick=False), CaptureQueriesContext(connection) as queries:
        report = run_sweep()
    assert report.created >= count
    fields = [f for f in Reminder._meta.concrete_fields if not isinstance(f, AutoField)]
    per_insert = min(sweep.BATCH, connection.ops.bulk_batch_size(fields, [None] * sweep.BATCH))
    inserts = math.ceil(report.created / per_insert)
    assert len(queries) <= 18 + inserts + 7, [q["sql"][:80] for q in queries.captured_queries]


def test_batches_cost_a_constant_number_of_queries_each(
    monkeypatch, lever, rep, django_assert_max_num_queries
):
    monkeypatch.setattr(sweep, "BATCH", 100)
    _overdue(lever, [rep], 1000)
    with time_machine.travel(MONDAY, tick=False), CaptureQueriesContext(connection) as queries:
        report = run_sweep()
    assert Reminder.objects.filter(stage=Stage.OVERDUE).count() == 1000
    assert report.created == Reminder.objects.count()
    due_reads = [q for q in queries.captured_queries if 'FROM "plans_action"' in q["sql"]]
    # 10 full batches and the empty one that ends them, plus "any open action under the
    # milestones due?" and the stale-reminder check
    assert len([q for q in due_reads if "next_reminder_at" in q["sql"]]) <= 11 + 1
    with time_machine.travel(MONDAY + dt.timedelta(minutes=15), tick=False):
        assert run_sweep().created == 0  # every action stamped with its next stage


def test_a_second_delivery_for_the_same_person_finds_nothing_to_claim(make_action, rep, mailoutbox):
    make_action(rep, day(-1))
    with time_machine.travel(MONDAY, tick=False):
        run_sweep()
        assert digest_deliver(recipient_id=rep.pk).sent == 1
        assert digest_deliver(recipient_id=rep.pk).sent == 0
    assert len(mailoutbox) == 1


def test_the_digest_costs_the_same_queries_for_1_or_50_items(
    make_action, rep, django_assert_max_num_queries
):
    for size in (1, 50):
        Reminder.objects.all().delete()
        Action.objects.all().delete()
        for n in range(size):
            make_action(rep, day(-1 - n % 5))
        with time_machine.travel(MONDAY, tick=False):
            run_sweep()
            # user + preferences; claim; re-check (cancel stale); claimed rows; their actions
            # with plan, lever and assignee (hydrate); mark sent.
            with django_assert_max_num_queries(6):
                assert digest_deliver(recipient_id=rep.pk).sent == size


def test_a_broker_outage_loses_nothing(monkeypatch, make_action, rep, mailoutbox):
    from kombu.exceptions import OperationalError

    from reminders import tasks

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    make_action(rep, day(-1))
    monkeypatch.setattr(tasks.deliver_digest, "delay", broker_down)
    with time_machine.travel(MONDAY, tick=False):
        report = run_sweep(dispatch=tasks.enqueue_digest)  # logs, does not fail
    assert report.recipients == [rep.pk]
    assert Reminder.objects.get().state == DeliveryState.PENDING
    assert sweep_and_send(MONDAY + dt.timedelta(minutes=15)).recipients == [rep.pk]
    assert len(mailoutbox) == 1


def test_a_recorded_reminder_waits_to_be_emailed_from_the_sweeps_time(make_action, rep):
    make_action(rep, day(-1))
    with time_machine.travel(MONDAY, tick=False):
        run_sweep()
    row = Reminder.objects.get()
    # The columns the sweep leaves out (reminders.models.NewReminder) take the table's
    # defaults: waiting, never tried, not leased, emailed or read.
    assert (row.state, row.attempts) == (DeliveryState.PENDING, 0)
    assert row.lease_until is row.claim_token is row.sent_at is row.read_at is None
    assert row.created_at == MONDAY
    assert (row.recipient, row.stage, row.due_date) == (rep, Stage.OVERDUE, day(-1))


def test_the_sweeps_insert_model_writes_columns_of_the_reminders_table():
    columns = {f.column: f for f in Reminder._meta.concrete_fields}
    for new in NewReminder._meta.concrete_fields:
        same = columns.pop(new.column)
        assert same.db_type(connection) == new.db_type(connection), new.column
    # Every column it leaves out has a database default or may be empty.
    filled = {column: f.null or f.has_db_default() for column, f in columns.items()}
    assert filled == dict.fromkeys(columns, True)
