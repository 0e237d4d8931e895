"""The reminder sweep: record what has come due, once, then hand out the digests.

One sweep (the Celery beat job ``reminders.tasks.sweep_reminders`` or the command
``send_reminders``) reads what the services wrote (plans.reminder_stamps):

1. **due rows**: the actions, then the milestones, whose ``next_reminder_at`` has come, oldest
   first, in batches of ``BATCH`` (partial indexes ``action_reminder_due``,
   ``milestone_reminder_due``). For each row its current data decides what is due (a stamp
   only says when to look); the batch's reminders are inserted (``NewReminder``: the columns
   a new row needs, the table's defaults for the rest) under the unique constraint
   ``reminder_once`` (two sweeps at once record each row once), and each row is
   stamped with its next stage by a conditional UPDATE (only if its stamp is still the one
   read: a service that restamped it meanwhile wins; one UPDATE per next stamp, not per
   row).
   One transaction per batch;
2. **the other apps' stages** (targets at risk, training tomorrow), few rows, recorded the same
   way;
3. **delivery**: the rows of earlier sweeps no longer due are cancelled (first, before 1.:
   the sweep's own rows are due by construction), escalation-only people's other rows muted,
   and the people owed a digest now (per their preferences) are handed to ``dispatch`` once
   every batch has committed (the Celery task, queued on commit, or a direct call in the
   command).

The sweep after a busy one finds no stamp due: one empty index range per table, plus the
other apps' stages and one look at the rows still owed. Figures: bench/README.md.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import Exists, F, Min, OuterRef, Q
from django.utils import timezone

from coaching.models import TrainingSession
from coaching.selectors import sessions_starting_on
from indicators.models import Target
from indicators.progress import targets_at_risk
from plans.models import OPEN_STATUSES, Action, Lever, Milestone, Plan, PlanStatus
from plans.reminder_stamps import (
    DEFAULT_ESCALATION_DAYS,
    DEFAULT_UPCOMING_DAYS,
    NOT_DUE,
    action_stamp,
    stages_due,
)

from . import bell
from .models import (
    URGENT_STAGES,
    DeliveryState,
    EmailMode,
    ItemType,
    NewReminder,
    Reminder,
    ReminderPreference,
    Stage,
)

log = logging.getLogger(__name__)

# Rows per batch: one SELECT, one of existing keys, the INSERTs and a few UPDATEs each.
BATCH = 1000

# Rows the email side still has to deal with (sent and cancelled ones are done).
UNDELIVERED_OR_MUTED = (DeliveryState.PENDING, DeliveryState.SENDING, DeliveryState.MUTED)


@dataclass
class SweepReport:
    created: int = 0
    cancelled: int = 0
    muted: int = 0
    recipients: list[int] = field(default_factory=list)


@dataclass
class Batch:
    """What one batch of due rows owes: the reminders, and each row's next stamp."""

    reminders: list[NewReminder] = field(default_factory=list)
    # (id, stamp read, next stamp at, next stage), one per row
    stamps: list[tuple[int, datetime, datetime | None, str]] = field(default_factory=list)
    last: tuple[datetime, int] | None = None
    size: int = 0

    def add(self, recipient_id, stage, item_type, item_id, due, title, now) -> None:
        if recipient_id is None:
            return
        self.reminders.append(
            NewReminder(
                recipient_id=recipient_id,
                stage=stage,
                item_type=item_type,
                item_id=item_id,
                due_date=due,
                title=title[:200],
                created_at=now,
            )
        )


def _due(model, now: datetime, after: tuple[datetime, int] | None, *fields) -> list[dict]:
    """The next ``BATCH`` rows of ``model`` whose stamp has come, by (stamp, id).

    The row's own table only: an index range of its partial index, whatever the planner
    thinks of the other tables (joined in here, SQLite without fresh statistics drove the
    query from the teams and sorted a million actions). The plans come next, by key.
    """
    rows = model.all_objects.filter(next_reminder_at__lte=now)
    if after is not None:
        at, pk = after
        rows = rows.filter(Q(next_reminder_at__gt=at) | Q(next_reminder_at=at, pk__gt=pk))
    return list(
        rows.order_by("next_reminder_at", "pk").values(
            "pk", "next_reminder_at", "archived_at", "title", *fields
        )[:BATCH]
    )


def _plans(model, key: str, rows: list[dict]) -> dict[int, dict]:
    """{row[key]: its plan's status, team manager and thresholds}, one query by keys."""
    ids = {row[key] for row in rows}
    if not ids:
        return {}
    prefix = "plan__" if model is Lever else ""
    values = model._base_manager.filter(pk__in=ids).values(
        "pk",
        plan_status=F(f"{prefix}status"),
        manager=F(f"{prefix}team__manager_id"),
        upcoming=F(f"{prefix}team__reminder_settings__upcoming_days"),
        escalation=F(f"{prefix}team__reminder_settings__escalation_days"),
    )
    return {plan.pop("pk"): plan for plan in values}


def action_batch(now: datetime, after=None) -> Batch:
    """Due actions: upcoming and overdue to the assignee, escalated to the team's manager."""
    batch = Batch()
    rows = _due(Action, now, after, "status", "due_date", "assignee_id", "lever_id")
    plans = _plans(Lever, "lever_id", rows)
    # (due date, thresholds) -> (stages due now, next stamp): a batch's rows share a few
    # dozen due dates, and working out a stage's local midnight was a third of the batch.
    schedule = {}
    for row in rows:
        plan = plans[row["lever_id"]]
        open_ = row["status"] in OPEN_STATUSES and row["archived_at"] is None
        if not (open_ and plan["plan_status"] == PlanStatus.ACTIVE):
            batch.stamps.append((row["pk"], row["next_reminder_at"], *NOT_DUE))
            continue
        upcoming = DEFAULT_UPCOMING_DAYS if plan["upcoming"] is None else plan["upcoming"]
        escalation = DEFAULT_ESCALATION_DAYS if plan["escalation"] is None else plan["escalation"]
        key = (row["due_date"], upcoming, escalation)
        if key not in schedule:
            schedule[key] = (stages_due(*key, now), _next_stamp(*key, now))
        stages, stamp = schedule[key]
        for stage in stages:
            to = plan["manager"] if stage == Stage.ESCALATED else row["assignee_id"]
            batch.add(to, stage, ItemType.ACTION, row["pk"], row["due_date"], row["title"], now)
        batch.stamps.append((row["pk"], row["next_reminder_at"], *stamp))
    return _ended(batch, rows)


def _next_stamp(due, upcoming: int, escalation: int, now: datetime):
    """An open action's stamp after the stages due at ``now`` are recorded."""
    return action_stamp(
        open_=True,
        plan_active=True,
        due=due,
        upcoming_days=upcoming,
        escalation_days=escalation,
        after=now,
    )


def milestone_batch(now: datetime, after=None) -> Batch:
    """Due milestones that have slipped (``MilestoneQuerySet.slipped``), to the manager and
    the assignees of their open actions; looked at once (the services restamp a milestone
    when that may change)."""
    batch = Batch()
    rows = _due(Milestone, now, after, "date", "plan_id")
    plans = _plans(Plan, "plan_id", rows)
    slipped = Milestone.objects.slipped(timezone.localdate(now)).filter(
        pk__in=[row["pk"] for row in rows]
    )
    # Only a slipped milestone has people here (it has an open action by definition).
    assignees = defaultdict(set)
    for milestone_id, assignee_id in Action.objects.filter(
        milestone__in=slipped, status__in=OPEN_STATUSES
    ).values_list("milestone_id", "assignee_id"):
        assignees[milestone_id].add(assignee_id)
    for row in rows:
        people = assignees.get(row["pk"])
        plan = plans[row["plan_id"]]
        if people and plan["plan_status"] == PlanStatus.ACTIVE:
            for person in [plan["manager"], *sorted(people)]:
                key = (Stage.MILESTONE_SLIPPED, ItemType.MILESTONE, row["pk"], row["date"])
                batch.add(person, *key, row["title"], now)
        batch.stamps.append((row["pk"], row["next_reminder_at"], None, ""))
    return _ended(batch, rows)


def _ended(batch: Batch, rows: list[dict]) -> Batch:
    batch.size = len(rows)
    if rows:
        batch.last = (rows[-1]["next_reminder_at"], rows[-1]["pk"])
    return batch


def batches(model, make: Callable[..., Batch], now: datetime) -> Iterator[Batch]:
    """Every batch of ``model``'s due rows, oldest stamp first, until one comes back short.

    First "is any row due?", from the partial index alone: the usual answer is no, and
    that question costs a third of building the batch's query (bench/reminders.py).
    """
    if not model.all_objects.filter(next_reminder_at__lte=now).exists():
        return
    after = None
    while True:
        batch = make(now, after)
        yield batch
        if batch.size < BATCH:
            return
        after = batch.last


def record_batch(model, batch: Batch) -> int:
    """Write one batch in one transaction: its reminders (once, by ``reminder_once``), then
    the rows' next stamps, each row claimed on the stamp read: one UPDATE per next stamp
    (rows due on the same date share it; every milestone's is empty), on the rows whose stamp
    is still one of those read, so a row that a service restamped meanwhile keeps the
    service's. Returns the reminders created."""
    if not batch.stamps:
        return 0
    groups = defaultdict(lambda: (set(), set()))
    for pk, read, at, stage in batch.stamps:
        ids, reads = groups[(at, stage)]
        ids.add(pk)
        reads.add(read)
    with transaction.atomic():
        created = record_rows(batch.reminders)
        for (at, stage), (ids, reads) in groups.items():
            model.all_objects.filter(pk__in=ids, next_reminder_at__in=reads).update(
                next_reminder_at=at, next_reminder_stage=stage
            )
    return created


def run_sweep(
    *, now: datetime | None = None, dispatch: Callable[[int], None] | None = None
) -> SweepReport:
    """One sweep; ``dispatch(recipient_id)`` is called, after commit, for each person owed a
    digest. Safe to run twice or in parallel."""
    now = now or timezone.now()
    report = SweepReport()
    # The rows of earlier sweeps that are no longer due are cancelled first: this sweep's
    # own rows are due by construction (just read from the rows' current data), and checking
    # them again cost a first sweep on PostgreSQL 1.2 s of its 8 (bench/README.md). What
    # changes meanwhile is caught by the next sweep, and by delivery, which checks each row
    # it claims again.
    owed = Reminder.objects.filter(state__in=UNDELIVERED_OR_MUTED).exists()
    if owed:
        report.cancelled = cancel_stale(now)
        if report.cancelled:  # whose rows they were is not read back: every bell counts again
            bell.forget_everyone()
    for model, make in ((Action, action_batch), (Milestone, milestone_batch)):
        for batch in batches(model, make, now):
            report.created += record_batch(model, batch)
    report.created += record_rows(other_app_rows(now))
    if report.created or owed:
        report.muted = mute_escalation_only(now)
        report.recipients = owed_recipients(now)
    # Every batch has committed by now; the Celery dispatch (tasks.enqueue_digest) also
    # waits for the caller's transaction, if the sweep runs inside one.
    if dispatch is not None:
        for recipient_id in report.recipients:
            dispatch(recipient_id)
    log.info(
        "Reminder sweep: %d new, %d cancelled, %d muted, %d digests due",
        report.created,
        report.cancelled,
        report.muted,
        len(report.recipients),
    )
    return report


def other_app_rows(now: datetime) -> list[NewReminder]:
    """Rows of the stages whose rule lives in another app, as unsaved ``NewReminder`` objects.

    * at risk: ``indicators.progress.targets_at_risk`` (targets forecast to be missed), once
      the target's period is half gone, to the rep who owns it and to the team's manager;
    * training tomorrow: ``coaching.selectors.sessions_starting_on`` (tomorrow), to the
      enrolled reps.

    Both cost a constant number of queries and return few rows (targets and sessions, not
    actions), so they are read whole at every sweep rather than stamped.
    """
    today = timezone.localdate(now)
    rows = Batch()
    for progress in targets_at_risk(today=today) if _any_current_target(today) else []:
        target = progress.target
        if target is None or target.pk is None:
            continue  # a team figure derived from the reps' targets: theirs are listed
        if today < target.period_start + (target.period_end - target.period_start) / 2:
            continue
        indicator, rep = progress.indicator, progress.rep
        key = (Stage.AT_RISK, ItemType.TARGET, target.pk, target.period_end)
        if rep is not None:
            rows.add(rep.pk, *key, indicator.name, now)
        who = f" · {rep.get_full_name() or rep.get_username()}" if rep else ""
        rows.add(indicator.plan.team.manager_id, *key, f"{indicator.name}{who}", now)
    tomorrow = today + timedelta(days=1)
    for session in sessions_starting_on(tomorrow) if _any_session_on(tomorrow) else []:
        for rep in session.enrolled_reps:
            key = (Stage.TRAINING_TOMORROW, ItemType.SESSION, session.pk, tomorrow)
            rows.add(rep.pk, *key, str(session.training), now)
    return rows.reminders


def _any_current_target(today) -> bool:
    """A superset of ``targets_at_risk``'s targets, asked first: usually none, and a bare
    EXISTS costs a third of building the progress engine's query."""
    return Target.objects.filter(
        period_start__lte=today, period_end__gte=today, closed_at__isnull=True
    ).exists()


def _any_session_on(day) -> bool:
    """The same for ``sessions_starting_on``: any session starting that local day?"""
    start = datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
    return TrainingSession.objects.filter(
        starts_at__gte=start, starts_at__lt=start + timedelta(days=1)
    ).exists()


def _key(row) -> tuple:
    return (row.recipient_id, row.item_type, row.item_id, row.stage, row.due_date)


def record_rows(rows: list[NewReminder]) -> int:
    """Insert the unsaved ``rows`` not recorded yet; returns how many were new.

    The existing keys are read first (one query) for an exact count; the unique constraint
    still decides when a parallel sweep inserts the same row in between.
    """
    if not rows:
        return 0
    existing = _existing(rows)
    new = {_key(row): row for row in rows if _key(row) not in existing}
    NewReminder.objects.bulk_create(list(new.values()), ignore_conflicts=True, batch_size=BATCH)
    bell.forget({row.recipient_id for row in new.values()})
    return len(new)


def _existing(rows: list[NewReminder]) -> set[tuple]:
    return set(
        Reminder.objects.filter(
            item_type__in={r.item_type for r in rows},
            item_id__in={r.item_id for r in rows},
            stage__in={r.stage for r in rows},
        ).values_list("recipient_id", "item_type", "item_id", "stage", "due_date")
    )


def still_due_q(now: datetime) -> Q:
    """Rows whose item is still due for that recipient, at that stage and date."""
    today = timezone.localdate(now)
    open_actions = Action.objects.filter(
        status__in=OPEN_STATUSES, lever__plan__status=PlanStatus.ACTIVE
    )
    action = open_actions.filter(pk=OuterRef("item_id"), due_date=OuterRef("due_date"))
    by_assignee = Exists(action.filter(assignee=OuterRef("recipient_id")))
    by_manager = Exists(action.filter(lever__plan__team__manager=OuterRef("recipient_id")))
    # Still slipped on the date it was recorded for, and still this person's.
    slipped = Exists(
        Milestone.objects.slipped(today).filter(pk=OuterRef("item_id"), date=OuterRef("due_date"))
    )
    milestone_mine = slipped & Exists(
        open_actions.filter(milestone=OuterRef("item_id")).filter(
            Q(assignee=OuterRef("recipient_id"))
            | Q(lever__plan__team__manager=OuterRef("recipient_id"))
        )
    )
    return (
        Q(stage=Stage.UPCOMING, due_date__gte=today, item_type=ItemType.ACTION) & by_assignee
        | Q(stage=Stage.OVERDUE, item_type=ItemType.ACTION) & by_assignee
        | Q(stage=Stage.ESCALATED, item_type=ItemType.ACTION) & by_manager
        | Q(stage=Stage.MILESTONE_SLIPPED, item_type=ItemType.MILESTONE) & milestone_mine
        # Stages whose rules live in other apps are checked when they are recorded only; a
        # stopped CRM connection's rows are cancelled by crm itself when it runs again.
        | Q(stage__in=[Stage.AT_RISK, Stage.TRAINING_TOMORROW, Stage.CRM_STOPPED])
    )


def cancel_stale(now: datetime, *, rows=None) -> int:
    """Cancel rows not yet emailed whose item is no longer due. One UPDATE.

    By default: pending and in-app-only rows, and "sending" rows whose lease lapsed (a row
    under a live lease belongs to its worker, which re-checks it with ``rows``).
    """
    if rows is None:
        rows = Reminder.objects.filter(
            Q(state__in=[DeliveryState.PENDING, DeliveryState.MUTED])
            | Q(state=DeliveryState.SENDING, lease_until__lt=now),
        )
    return rows.exclude(still_due_q(now)).update(
        state=DeliveryState.CANCELLED, lease_until=None, claim_token=None
    )


def owed_q(now: datetime) -> Q:
    """Rows to email at ``now`` according to their recipient's preferences.

    Escalations and stopped CRM connections (``URGENT_STAGES``) always go out. Other rows go
    out as they happen, or once a day from the chosen hour on; on Saturday and Sunday only
    for people who turned weekend quiet off.
    A person without preferences gets the defaults: as it happens, quiet at weekends.
    """
    local = timezone.localtime(now)
    prefs = ReminderPreference.objects.all()
    by_mode = Q(email_mode=EmailMode.IMMEDIATE) | Q(
        Q(last_daily_digest_on__isnull=True) | Q(last_daily_digest_on__lt=local.date()),
        email_mode=EmailMode.DAILY,
        daily_hour__lte=local.hour,
    )
    if local.weekday() >= 5:
        people = prefs.filter(by_mode, weekend_quiet=False)
        regular = Q(recipient_id__in=people.values("user_id"))
    else:
        defaults = ~Q(recipient_id__in=prefs.values("user_id"))
        regular = defaults | Q(recipient_id__in=prefs.filter(by_mode).values("user_id"))
    return undelivered_q(now) & (Q(stage__in=URGENT_STAGES) | regular)


def undelivered_q(now: datetime) -> Q:
    """Rows owed by email: pending, or "sending" under a lapsed lease (the worker died)."""
    return Q(state=DeliveryState.PENDING) | Q(state=DeliveryState.SENDING, lease_until__lt=now)


def regular_email_due(pref, now: datetime) -> bool:
    """Whether ``pref``'s owner gets non-escalation rows by email at ``now``.

    The same rule as ``owed_q`` for one person whose preferences are loaded (``pref`` may
    be an unsaved default): lets the claim be a plain, join-free UPDATE.
    """
    local = timezone.localtime(now)
    if local.weekday() >= 5 and pref.weekend_quiet:
        return False
    if pref.email_mode == EmailMode.IMMEDIATE:
        return True
    if pref.email_mode == EmailMode.DAILY:
        last = pref.last_daily_digest_on
        return local.hour >= pref.daily_hour and (last is None or last < local.date())
    return False


def mute_escalation_only(now: datetime) -> int:
    """People who want only escalations by email still see the rest in the app."""
    escalations_only = ReminderPreference.objects.filter(email_mode=EmailMode.ESCALATIONS)
    return (
        Reminder.objects.filter(
            state=DeliveryState.PENDING, recipient_id__in=escalations_only.values("user_id")
        )
        .exclude(stage__in=URGENT_STAGES)
        .update(state=DeliveryState.MUTED)
    )


def owed_recipients(now: datetime) -> list[int]:
    """People owed a digest now, longest-waiting first."""
    return list(
        Reminder.objects.filter(owed_q(now))
        .values("recipient_id")
        .annotate(oldest=Min("created_at"))
        .order_by("oldest", "recipient_id")
        .values_list("recipient_id", flat=True)
    )


def preview(now: datetime | None = None) -> list[dict]:
    """What a sweep would record and email now, without writing anything (``--dry-run``).

    New rows (not recorded yet) and rows already owed by email, each as
    ``{"recipient_id", "stage", "title", "due_date", "new"}``.
    """
    now = now or timezone.now()
    due = [*other_app_rows(now)]
    for model, make in ((Action, action_batch), (Milestone, milestone_batch)):
        for batch in batches(model, make, now):
            due += batch.reminders
    existing = _existing(due) if due else set()
    lines = [_line(row, new=True) for row in due if _key(row) not in existing]
    for row in Reminder.objects.filter(owed_q(now)).order_by("created_at"):
        lines.append(_line(row, new=False))
    return lines


def _line(row: Reminder | NewReminder, *, new: bool) -> dict:
    return {
        "recipient_id": row.recipient_id,
        "stage": row.stage,
        "title": row.title,
        "due_date": row.due_date,
        "new": new,
    }
