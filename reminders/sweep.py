"""The reminder sweep: find what is due from current data, record it once, dispatch digests.

One sweep (the Celery beat job ``reminders.tasks.sweep_reminders`` or the command
``send_reminders``) does three passes, each a constant number of SQL statements per batch:

1. **clean up**: rows still owed by email whose item is no longer due (action completed or
   cancelled, due date moved, plan no longer active, milestone caught up) are cancelled;
2. **record**: for every stage, the due items are inserted as ``Reminder`` rows straight from
   a ``SELECT`` (``INSERT ... SELECT ... ON CONFLICT DO NOTHING``), in bounded batches, oldest
   first; the unique constraint makes a second sweep (or a parallel one) insert nothing;
3. **dispatch**: the people owed a digest right now (per their preferences) are handed to
   ``dispatch`` (the Celery task after commit, or a direct call in the command).

No Python loop ever walks all actions: the candidates are found by indexed queries (the
partial index ``action_open_due`` on open actions' due date, ``milestone_date``).

**Full and incremental sweeps.** Pass 2 comes in two sizes:

* a *full* (reconciling) sweep looks at every due item, as described above. Its cost grows
  with the number of due items (every one is checked against the plan, the team and the
  reminders' unique index), whether or not anything is new;
* an *incremental* sweep looks only at the open actions saved since the previous sweep
  (``updated_at`` at or after ``SweepState.watermark``, read from the partial index
  ``action_open_updated``), by primary key, in one batch.

Every sweep starts with one query (``sweep_state``): the state row plus "was an open
action, a plan or a team's thresholds saved since the watermark?", "is any reminder
pending or being sent?", "any current target, any session tomorrow?" -- each an
``EXISTS`` on an index. When all answers are no (the usual case between two full sweeps),
that query is the whole sweep: nothing can have become due, nothing is owed.

The due set of an item changes for two reasons only: the date (every rule compares dates
with *today*, so nothing moves between two sweeps of the same day) or the data. A sweep is
full when the data it cannot follow incrementally may have changed, or when it is the first
of a new local day, so an incremental sweep is never the only chance an item gets:

* the first sweep ever, the first sweep of each local day (stages move with the date), and
  at least every ``REMINDER_FULL_SWEEP_MINUTES`` (default 60);
* a plan saved (status, team) or a team's thresholds saved since the watermark;
* more changed actions than one batch (an import): the full sweep does them in batches.

What only the periodic full sweep sees is a change that stamps no ``updated_at`` the
sweep reads: a bulk ``QuerySet.update()`` or raw SQL on actions, a team's manager replaced,
a milestone's date moved, a team's settings deleted, a transaction that commits more than
``REMINDER_WATERMARK_MARGIN_SECONDS`` (default 300) after it stamped its rows. Those reach
the sweep late (at most ``REMINDER_FULL_SWEEP_MINUTES``), never not at all: the full sweep
trusts no watermark. (An "armed" marker on each action was the other candidate; it needs
two more action columns re-armed from every place that moves a due date, team threshold or
plan status, and the same periodic reconciliation to be safe against bulk updates.)

Clean-up (pass 1) and delivery (pass 3) read only the reminder rows still owed, through
the partial index ``reminder_undelivered``, in both kinds of sweep; an incremental sweep
skips them when no row is pending or being sent and no action was saved (muted rows alone
are cleaned up by the full sweeps). Measured: bench/README.md, "Reminder sweep".
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, router, transaction
from django.db.models import (
    BooleanField,
    CharField,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models import Value as V
from django.db.models.expressions import RawSQL
from django.db.models.lookups import IsNull
from django.utils import timezone

from coaching.models import TrainingSession
from coaching.selectors import sessions_starting_on
from indicators.models import Target
from indicators.progress import targets_at_risk
from plans.models import OPEN_STATUSES, Action, Lever, Milestone, Plan, PlanStatus, overdue_q

from .models import (
    DEFAULT_ESCALATION_DAYS,
    DEFAULT_UPCOMING_DAYS,
    UNDELIVERED,
    DeliveryState,
    EmailMode,
    ItemType,
    Reminder,
    ReminderPreference,
    Stage,
    SweepState,
    TeamReminderSettings,
)

log = logging.getLogger(__name__)

# The states of the partial index ``reminder_undelivered`` (reminders.models).
UNDELIVERED_OR_MUTED = (DeliveryState.PENDING, DeliveryState.SENDING, DeliveryState.MUTED)

_COLUMNS = (
    "recipient_id",
    "stage",
    "item_type",
    "item_id",
    "due_date",
    "title",
    "state",
    "attempts",
    "created_at",
)


@dataclass(frozen=True)
class Source:
    """One stage's due items as a query: ``r_<column>`` annotations for a ``Reminder`` row."""

    stage: str
    queryset: object  # a values() queryset with the r_* annotations
    # Optional: the keys (r_due_date, r_item_id) of a superset of the rows, readable from an
    # index alone; batch edges are found there instead of in the full query.
    keys: object = None


@dataclass
class SweepReport:
    full: bool = True  # a full (reconciling) sweep, or an incremental one
    reason: str = ""  # why full, or "incremental"
    created: int = 0
    cancelled: int = 0
    muted: int = 0
    recipients: list[int] = field(default_factory=list)


def batch_size() -> int:
    return getattr(settings, "REMINDER_BATCH_SIZE", 2000)


def _rows(qs, *, recipient, item_id, due, title, stage: str, item_type: str, now: datetime):
    return qs.order_by().values(
        r_recipient_id=recipient,
        r_stage=V(stage, output_field=CharField()),
        r_item_type=V(item_type, output_field=CharField()),
        r_item_id=item_id,
        r_due_date=due,
        r_title=title,
        r_state=V(DeliveryState.PENDING.value, output_field=CharField()),
        r_attempts=V(0, output_field=IntegerField()),
        r_created_at=V(now, output_field=DateTimeField()),
    )


def _in_active_plan(**teams) -> IsNull:
    """The action's lever belongs to an active plan (of the teams matching ``teams``).

    A scalar subquery (``(SELECT lever.id ... LIMIT 1) IS NOT NULL``), not ``EXISTS``:
    PostgreSQL turns an ``EXISTS`` into a semi-join and may then drive the query from the
    levers, reading every action of every active plan through ``lever_id`` (6.5 s for 100
    actions looked up by key, bench/reminders.py); a scalar subquery stays a per-row
    lookup on the rows the action indexes found. SQLite runs both as per-row lookups.
    """
    lever = Lever.objects.filter(pk=OuterRef("lever_id"), plan__status=PlanStatus.ACTIVE, **teams)
    return IsNull(Subquery(lever.order_by().values("pk")[:1]), False)


def _in_sql(model, column: str, values: Iterable[str]) -> str:
    """``"<table>"."<column>" IN ('a', 'b')`` written out.

    SQLite uses a partial index only when the query repeats the index's condition
    literally; the same test with bound parameters (``IN (?, ?)``) does not match it. The
    values are the code's own constants, never user input.
    """
    listed = ", ".join(f"'{value}'" for value in values)
    return f'"{model._meta.db_table}"."{column}" IN ({listed})'


def _literally(model, column: str, values: Iterable[str]) -> RawSQL:
    """``_in_sql`` as a filter on a query's outer table."""
    return RawSQL(_in_sql(model, column, values), (), output_field=BooleanField())


def _open_literally() -> RawSQL:
    """Open actions, as the condition of ``action_open_due`` and ``action_open_updated``."""
    return _literally(Action, "status", OPEN_STATUSES)


def _undelivered_literally() -> RawSQL:
    """Rows not emailed yet, as the condition of the partial index ``reminder_undelivered``
    (which the clean-up, muting and delivery passes then read instead of every reminder)."""
    return _literally(Reminder, "state", UNDELIVERED_OR_MUTED)


def _open_actions(in_plan=None):
    """Open actions of active plans.

    The plan test is a correlated EXISTS on the lever rather than a join or an IN list, so
    the database drives the query from the partial index ``action_open_due`` (open actions
    by due date) and looks up the lever and plan of those rows only, instead of walking
    every action of every active plan.
    """
    return Action.objects.filter(
        _in_active_plan() if in_plan is None else in_plan, status__in=OPEN_STATUSES
    )


def _lever_in(plan_ids: list[int]) -> IsNull:
    """The action's lever belongs to one of ``plan_ids`` (the active plans of some teams).

    A scalar subquery on the lever's key (``(SELECT id FROM lever WHERE id = action.lever_id
    AND plan_id IN (...) LIMIT 1) IS NOT NULL``): one primary-key probe per action that the
    action indexes found. Joins or ``EXISTS`` on lever, plan, team and settings let
    PostgreSQL drive the query from the levers (every action of every active plan) or
    re-plan the four-table join for each action (0.2 ms a row).
    """
    lever = Lever.objects.filter(pk=OuterRef("lever_id"), plan_id__in=plan_ids)
    return IsNull(Subquery(lever.order_by().values("pk")[:1]), False)


def _by_days(plans: list[tuple[int, int]]) -> dict[int, list[int]]:
    """{days: [plan ids]} from (plan id, days) pairs."""
    groups: dict[int, list[int]] = {}
    for plan_id, days in plans:
        groups.setdefault(days, []).append(plan_id)
    return groups


@dataclass(frozen=True)
class Changed:
    """The open actions an incremental sweep looks at: saved at or after ``since``."""

    since: datetime | None
    count: int

    def _sql(self, column: str, alias: str) -> RawSQL:
        """``<outer>.<column> IN (the changed open actions' <alias>)``, written out so that
        the subquery reads ``action_open_updated`` (its condition literal, for SQLite)."""
        action = Action._meta.db_table
        since = connections[router.db_for_read(Action)].ops.adapt_datetimefield_value(self.since)
        return RawSQL(
            f'{column} IN (SELECT changed.{alias} FROM "{action}" changed WHERE '
            f"changed.status IN ({', '.join(repr(str(v)) for v in OPEN_STATUSES)}) "
            "AND changed.updated_at >= %s)",
            (since,),
            output_field=BooleanField(),
        )

    def actions_q(self) -> RawSQL:
        return self._sql(f'"{Action._meta.db_table}"."id"', "id")

    def milestones_q(self) -> RawSQL:
        return self._sql(f'"{Milestone._meta.db_table}"."id"', "milestone_id")


@dataclass
class _Windows:
    """The active plans and, per plan, the due-date windows its team's settings give."""

    active: list[int]
    upcoming_q: Q
    escalated_q: Q
    widest_upcoming: int  # days: the union of every plan's upcoming window
    shortest_escalation: int


def _windows(today: date) -> _Windows:
    """One query: the active plans with their team's thresholds (defaults for a team without
    settings), grouped by value, so each stage query tests "lever in these plans" per group."""
    plans = list(
        Plan.objects.filter(status=PlanStatus.ACTIVE).values_list(
            "pk",
            "team__reminder_settings__upcoming_days",
            "team__reminder_settings__escalation_days",
        )
    )
    upcoming = _by_days([(pk, DEFAULT_UPCOMING_DAYS if up is None else up) for pk, up, _ in plans])
    escalation = _by_days(
        [(pk, DEFAULT_ESCALATION_DAYS if esc is None else esc) for pk, _, esc in plans]
    )
    nothing = Q(pk__in=[])  # no active plan: no action is due
    upcoming_q, escalated_q = nothing, nothing
    for days, ids in upcoming.items():
        upcoming_q |= _lever_in(ids) & Q(
            due_date__gte=today, due_date__lte=today + timedelta(days=days)
        )
    for days, ids in escalation.items():
        escalated_q |= _lever_in(ids) & Q(due_date__lte=today - timedelta(days=days))
    return _Windows(
        active=[pk for pk, _up, _esc in plans],
        upcoming_q=upcoming_q,
        escalated_q=escalated_q,
        widest_upcoming=max(upcoming, default=DEFAULT_UPCOMING_DAYS),
        shortest_escalation=min(escalation, default=DEFAULT_ESCALATION_DAYS),
    )


def sources(now: datetime, *, only: Changed | None = None) -> list[Source]:
    """Every stage's due items at ``now``. Costs one query (the active plans' thresholds).

    ``only``: the due items among the open actions saved lately (and their milestones)
    only, for an incremental sweep: at most one batch, looked up by primary key. (A
    subquery rather than a list of ids: preparing 5 x 2,000 parameters cost more than the
    queries.)
    """
    today = timezone.localdate(now)
    windows = _windows(today)
    actions, milestones = Action.objects.all(), Milestone.objects.all()
    if only is not None:
        actions = actions.filter(only.actions_q())
        milestones = milestones.filter(only.milestones_q())
    return [
        *_action_sources(now, today, windows, actions, batched=only is None),
        *_milestone_sources(now, today, windows.active, actions, milestones),
    ]


def _action_sources(now, today: date, windows: _Windows, actions, *, batched: bool):
    """Upcoming, overdue and escalated actions; ``batched``: with the keys of batch edges."""

    def keys(*conditions, **due):
        if not batched:
            return None  # one batch at most: no batch edges to look for
        # Open actions by due date only: an index-only range of action_open_due.
        return Action.objects.filter(_open_literally(), *conditions, **due).values(
            r_due_date=F("due_date"), r_item_id=F("pk")
        )

    manager_of_action = Subquery(
        Lever.objects.filter(pk=OuterRef("lever_id"))
        .order_by()
        .values("plan__team__manager_id")[:1]
    )
    action = {"item_id": F("pk"), "due": F("due_date"), "title": F("title"), "now": now}
    open_actions = actions.filter(_open_literally())
    return [
        Source(
            Stage.UPCOMING,
            _rows(
                open_actions.filter(windows.upcoming_q),
                recipient=F("assignee_id"),
                stage=Stage.UPCOMING,
                item_type=ItemType.ACTION,
                **action,
            ),
            keys(
                due_date__gte=today,
                due_date__lte=today + timedelta(days=windows.widest_upcoming),
            ),
        ),
        Source(
            Stage.OVERDUE,
            _rows(
                open_actions.filter(_lever_in(windows.active), overdue_q(today)),
                recipient=F("assignee_id"),
                stage=Stage.OVERDUE,
                item_type=ItemType.ACTION,
                **action,
            ),
            keys(overdue_q(today)),
        ),
        Source(
            Stage.ESCALATED,
            _rows(
                open_actions.filter(windows.escalated_q),
                recipient=manager_of_action,
                stage=Stage.ESCALATED,
                item_type=ItemType.ACTION,
                **action,
            ),
            keys(due_date__lte=today - timedelta(days=windows.shortest_escalation)),
        ),
    ]


def _milestone_sources(now, today: date, active: list[int], actions, milestones):
    """A milestone slipped: its date has passed and one of its actions is still open. Its
    manager hears of it once, and each rep with an open action under it."""
    milestone_open = Action.objects.filter(_lever_in(active), milestone=OuterRef("pk")).filter(
        status__in=OPEN_STATUSES
    )
    return [
        Source(
            Stage.MILESTONE_SLIPPED,
            _rows(
                milestones.filter(Exists(milestone_open), date__lt=today, plan_id__in=active),
                recipient=F("plan__team__manager_id"),
                item_id=F("pk"),
                due=F("date"),
                title=F("title"),
                stage=Stage.MILESTONE_SLIPPED,
                item_type=ItemType.MILESTONE,
                now=now,
            ),
        ),
        Source(
            Stage.MILESTONE_SLIPPED,
            _rows(
                # The milestone's plan is the action's (Action.clean): testing it on the
                # milestone keeps a per-row lookup off the open actions of every milestone.
                actions.filter(
                    _open_literally(),
                    milestone__in=Milestone.objects.filter(
                        date__lt=today, plan_id__in=active
                    ).values("pk"),
                ),
                recipient=F("assignee_id"),
                item_id=F("milestone_id"),
                due=F("milestone__date"),
                title=F("milestone__title"),
                stage=Stage.MILESTONE_SLIPPED,
                item_type=ItemType.MILESTONE,
                now=now,
            ).distinct(),
        ),
    ]


def _after(key: tuple[date, int] | None) -> Q:
    if key is None:
        return Q()
    day, item = key
    return Q(r_due_date__gt=day) | Q(r_due_date=day, r_item_id__gt=item)


def _insert(queryset, *, by_key: bool = False) -> int:
    """``INSERT INTO reminder SELECT <queryset> WHERE NOT EXISTS ... ON CONFLICT DO NOTHING``.

    One statement; the rows never travel through Python. ``NOT EXISTS`` skips the rows
    already recorded cheaply (most of them, after the first sweep); the unique constraint
    ``reminder_once`` still decides when a parallel sweep inserts the same row meanwhile.
    """
    alias = router.db_for_write(Reminder)
    try:
        sql, params = queryset.query.get_compiler(using=alias).as_sql()
    except EmptyResultSet:  # no active plan at all (``plan_id__in=[]``): nothing is due
        return 0
    table = Reminder._meta.db_table
    columns = ", ".join(_COLUMNS)
    picked = ", ".join(f"due.r_{name}" for name in _COLUMNS)
    key = " AND ".join(
        f"r.{name} = due.r_{name}"
        for name in ("recipient_id", "item_type", "item_id", "stage", "due_date")
    )
    # (SQLite needs a WHERE there anyway, to tell the upsert's ON from a join's ON.)
    # The ORDER BY makes parallel sweeps take the unique index's locks in the same order:
    # on PostgreSQL, two inserts meeting each other's keys in opposite orders would deadlock.
    statement = (
        f"INSERT INTO {table} ({columns}) SELECT {picked} FROM ({sql}) due "
        f"WHERE NOT EXISTS (SELECT 1 FROM {table} r WHERE {key}) "
        "ORDER BY due.r_due_date, due.r_item_id, due.r_recipient_id ON CONFLICT DO NOTHING"
    )
    connection = connections[alias]
    if connection.vendor != "postgresql" or by_key:
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            return max(cursor.rowcount, 0)
    # PostgreSQL overestimates these rows (open and past due: it multiplies the two
    # conditions' selectivities, ~20 times too many at 1,000,000 actions), so the cost
    # passes jit_above_cost and each batch spent ~0.9 s compiling itself for a 0.1 s run
    # (bench/README.md). JIT off for this statement only (for the caller's transaction if
    # the sweep runs inside one): one more statement per batch.
    # (``by_key``: an incremental sweep's rows, looked up by primary key, are estimated
    # right and never reach the JIT threshold.)
    with transaction.atomic(using=alias, savepoint=False), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(statement, params)
        return max(cursor.rowcount, 0)


def record(source: Source, *, size: int, single: bool = False) -> int:
    """Insert ``source``'s rows in batches of about ``size``, oldest due date first.

    Each batch costs two queries: the batch's last key (keyset pagination on
    (date, item id), read from ``source.keys`` when given), then the insert of every row up
    to it. ``single``: the source is known to hold one batch at most (an incremental
    sweep's), inserted in one query.
    """
    if single:
        return _insert(source.queryset, by_key=True)
    created = 0
    last = None
    while True:
        pending = source.queryset.filter(_after(last))
        keys = pending if source.keys is None else source.keys.filter(_after(last))
        edge = list(
            keys.order_by("r_due_date", "r_item_id").values_list("r_due_date", "r_item_id")[
                size - 1 : size
            ]
        )
        if not edge:
            return created + _insert(pending)
        created += _insert(
            pending.filter(
                Q(r_due_date__lt=edge[0][0]) | Q(r_due_date=edge[0][0], r_item_id__lte=edge[0][1])
            )
        )
        last = edge[0]


def still_due_q(now: datetime) -> Q:
    """Rows whose item is still due for that recipient, at that stage and date."""
    today = timezone.localdate(now)
    actions = _open_actions().filter(pk=OuterRef("item_id"), due_date=OuterRef("due_date"))
    by_assignee = Exists(actions.filter(assignee=OuterRef("recipient_id")))
    by_manager = Exists(actions.filter(lever__plan__team__manager=OuterRef("recipient_id")))
    milestone = _open_actions().filter(
        milestone=OuterRef("item_id"), milestone__date=OuterRef("due_date")
    )
    milestone_mine = Exists(
        milestone.filter(
            Q(assignee=OuterRef("recipient_id"))
            | Q(lever__plan__team__manager=OuterRef("recipient_id"))
        )
    )
    return (
        Q(stage=Stage.UPCOMING, due_date__gte=today, item_type=ItemType.ACTION) & by_assignee
        | Q(stage=Stage.OVERDUE, item_type=ItemType.ACTION) & by_assignee
        | Q(stage=Stage.ESCALATED, item_type=ItemType.ACTION) & by_manager
        | Q(stage=Stage.MILESTONE_SLIPPED, item_type=ItemType.MILESTONE) & milestone_mine
        # Stages whose rules live in other apps are checked when they are recorded only.
        | Q(stage__in=[Stage.AT_RISK, Stage.TRAINING_TOMORROW])
    )


def cancel_stale(now: datetime, *, rows=None) -> int:
    """Cancel rows not yet emailed whose item is no longer due. One UPDATE.

    By default: pending and in-app-only rows, and "sending" rows whose lease lapsed (a row
    under a live lease belongs to its worker, which re-checks it with ``rows``).
    """
    if rows is None:
        rows = Reminder.objects.filter(
            _undelivered_literally(),
            Q(state__in=[DeliveryState.PENDING, DeliveryState.MUTED])
            | Q(state=DeliveryState.SENDING, lease_until__lt=now),
        )
    return rows.exclude(still_due_q(now)).update(
        state=DeliveryState.CANCELLED, lease_until=None, claim_token=None
    )


def owed_q(now: datetime) -> Q:
    """Rows to email at ``now`` according to their recipient's preferences.

    Escalations always go out. Other rows go out as they happen, or once a day from the
    chosen hour on; on Saturday and Sunday only for people who turned weekend quiet off.
    A person without preferences gets the defaults: as it happens, quiet at weekends.
    """
    local = timezone.localtime(now)
    # The people as subqueries on the preferences rather than a join through the user: the
    # query then stays on the reminder table and reads only the rows still owed, from the
    # partial index ``reminder_undelivered`` (SQLite drove the join from the users, reading
    # every reminder of every person).
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
    return undelivered_q(now) & (Q(stage=Stage.ESCALATED) | regular)


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
    # The people as a subquery, not a join: the UPDATE stays on the reminder table alone
    # and reads the pending rows from ``reminder_undelivered``.
    escalations_only = ReminderPreference.objects.filter(email_mode=EmailMode.ESCALATIONS)
    return (
        Reminder.objects.filter(
            _undelivered_literally(),
            state=DeliveryState.PENDING,
            recipient_id__in=escalations_only.values("user_id"),
        )
        .exclude(stage=Stage.ESCALATED)
        .update(state=DeliveryState.MUTED)
    )


def owed_recipients(now: datetime, *, limit: int) -> list[int]:
    """People owed a digest now, longest-waiting first, at most ``limit`` (the rest next time)."""
    # Grouped by ``recipient_id + 0``, not the column: grouping by the column itself lets
    # SQLite walk the index ``reminder_inbox`` (recipient, read_at) over every reminder
    # ever made, to skip a sort; by the expression it reads ``reminder_undelivered`` (the
    # rows still owed) and sorts those few. The same for PostgreSQL.
    return list(
        Reminder.objects.filter(_undelivered_literally(), owed_q(now))
        .values(person=F("recipient_id") + 0)
        .annotate(oldest=Min("created_at"))
        .order_by("oldest", "person")
        .values_list("person", flat=True)[:limit]
    )


def full_sweep_interval() -> timedelta:
    return timedelta(minutes=getattr(settings, "REMINDER_FULL_SWEEP_MINUTES", 60))


def watermark_margin() -> timedelta:
    return timedelta(seconds=getattr(settings, "REMINDER_WATERMARK_MARGIN_SECONDS", 300))


def _state_query(today: date):
    """The sweep state, annotated with what happened since its watermark.

    ``plans_changed``, ``settings_changed``: a plan or a team's thresholds saved;
    ``actions_changed``: an open action saved (from the partial index
    ``action_open_updated``); ``owed``: any reminder still pending or being sent (from
    ``reminder_undelivered``; muted rows, which escalation-only people keep while their
    items are due, do not count); ``targets_current``, ``sessions_tomorrow``: the
    other apps' stages have anything to look at (a superset of what their functions
    select). The action and reminder tests are written as SQL so that the indexes'
    conditions appear literally (for SQLite).
    """
    since = OuterRef("watermark")
    state, action = SweepState._meta.db_table, Action._meta.db_table
    start, end = _local_day(today + timedelta(days=1))
    annotations = {
        "plans_changed": Exists(Plan.objects.filter(updated_at__gte=since)),
        "settings_changed": Exists(TeamReminderSettings.objects.filter(updated_at__gte=since)),
        # "The open action saved last was saved at or after the watermark": one step down
        # the index from its end. (An EXISTS with the watermark as a correlated value let
        # PostgreSQL guess a third of the rows match and scan the table: 0.47 s.)
        "actions_changed": RawSQL(
            f'COALESCE((SELECT "{action}"."updated_at" FROM "{action}" WHERE '
            f'{_in_sql(Action, "status", OPEN_STATUSES)} ORDER BY "{action}"."updated_at" '
            f'DESC LIMIT 1) >= "{state}"."watermark", FALSE)',
            (),
            output_field=BooleanField(),
        ),
        # (The index's condition repeated literally, then the narrower test.)
        "owed": RawSQL(
            f'EXISTS (SELECT 1 FROM "{Reminder._meta.db_table}" WHERE '
            f"{_in_sql(Reminder, 'state', UNDELIVERED_OR_MUTED)} AND "
            f"{_in_sql(Reminder, 'state', UNDELIVERED)})",
            (),
            output_field=BooleanField(),
        ),
        "targets_current": Exists(
            Target.objects.filter(
                period_start__lte=today, period_end__gte=today, closed_at__isnull=True
            )
        ),
        "sessions_tomorrow": Exists(
            TrainingSession.objects.filter(starts_at__gte=start, starts_at__lt=end)
        ),
    }
    return SweepState.objects.filter(pk=1).annotate(**annotations)


def _local_day(day: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
    return start, datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=tz)


# (database alias, local date) -> the state query's SQL and parameters. The query is run
# by every sweep; building it with the ORM costs more than running it, so it is built once
# a day per process.
_STATE_SQL: dict[tuple[str, date], tuple[str, tuple]] = {}


def sweep_state(now: datetime | None = None) -> SweepState | None:
    """The state row with ``_state_query``'s annotations (None before the first sweep).
    One query."""
    today = timezone.localdate(now or timezone.now())
    alias = router.db_for_read(SweepState)
    key = (alias, today)
    if key not in _STATE_SQL:
        _STATE_SQL.clear()
        query = _state_query(today).query
        _STATE_SQL[key] = query.get_compiler(using=alias).as_sql()
    sql, params = _STATE_SQL[key]
    return next(iter(SweepState.objects.using(alias).raw(sql, params)), None)


def full_sweep_reason(state: SweepState | None, now: datetime) -> str:
    """Why the sweep at ``now`` must be a full one ("" when an incremental one will do)."""
    if state is None or state.watermark is None or state.last_full_at is None:
        return "first sweep"
    if now < state.last_full_at:
        return "clock moved back"
    if timezone.localdate(now) != timezone.localdate(state.last_full_at):
        return "new day"
    if now - state.last_full_at >= full_sweep_interval():
        return "periodic"
    if state.plans_changed:
        return "plan changed"
    if state.settings_changed:
        return "team settings changed"
    return ""


def changed_actions(since: datetime, *, limit: int) -> Changed | None:
    """Open actions saved at or after ``since`` (None: more than ``limit``). One query, on
    the partial index ``action_open_updated`` (its condition written out, for SQLite)."""
    count = (
        Action.objects.filter(_open_literally(), updated_at__gte=since)
        .order_by()
        .values("pk")[: limit + 1]
        .count()
    )
    return None if count > limit else Changed(since=since, count=count)


def save_sweep_state(now: datetime, *, full: bool) -> None:
    """Move the watermark to ``now`` minus the margin: a change committed after this sweep
    read the data, but stamped before it started, is still ahead of the next watermark."""
    fields = {"watermark": now - watermark_margin()}
    if full:
        fields["last_full_at"] = now
    if not SweepState.objects.filter(pk=1).update(**fields):
        SweepState.objects.bulk_create([SweepState(pk=1, **fields)], ignore_conflicts=True)


def run_sweep(
    *,
    now: datetime | None = None,
    dispatch: Callable[[int], None] | None = None,
    extra_sources: Iterable[Source] = (),
    full: bool | None = None,
) -> SweepReport:
    """One sweep; ``dispatch(recipient_id)`` is called for each person owed a digest.

    ``full``: True forces a full (reconciling) sweep, False an incremental one when the
    state allows it; by default the state decides (see the module's docstring).
    """
    now = now or timezone.now()
    report = SweepReport()
    state = sweep_state(now)
    reason = full_sweep_reason(state, now)
    if full:
        reason = "asked"
    elif full is False and state is not None and state.watermark is not None:
        reason = ""
    changed = Changed(since=None, count=0)
    if not reason and state.actions_changed:
        counted = changed_actions(state.watermark, limit=batch_size())
        if counted is None:
            reason = "many changed actions"
        else:
            changed = counted
    report.full, report.reason = bool(reason), reason or "incremental"
    # No reminder pending or being sent (the usual state between two sweeps of a team that
    # reads its email), no action saved: nothing to cancel, mute or deliver, unless this
    # sweep records some. A row a parallel sweep records meanwhile is delivered by that
    # sweep. Muted rows whose item stopped being due are cancelled at once when the action
    # is saved (reminders.signals), else by the next full sweep.
    owed = state is None or state.owed
    if report.full or owed or changed.count:
        report.cancelled = cancel_stale(now)
    size = batch_size()
    if report.full:
        for source in [*sources(now), *extra_sources]:
            report.created += record(source, size=size)
    else:
        if changed.count:  # else no open action was saved since the last sweep
            for source in sources(now, only=changed):
                report.created += record(source, size=size, single=True)
        for source in extra_sources:
            report.created += record(source, size=size)
    report.created += record_rows(
        other_app_rows(
            now,
            targets=state is None or state.targets_current,
            sessions=state is None or state.sessions_tomorrow,
        )
    )
    if owed or report.created:
        report.muted = mute_escalation_only(now)
        report.recipients = owed_recipients(
            now, limit=getattr(settings, "REMINDER_MAX_DIGESTS_PER_SWEEP", 5000)
        )
    # An incremental sweep that found no saved action keeps the watermark where it is: the
    # next sweep would look from the same point anyway (and the write is saved).
    if report.full or changed.count:
        save_sweep_state(now, full=report.full)
    if dispatch is not None:
        for recipient_id in report.recipients:
            dispatch(recipient_id)
    log.info(
        "Reminder sweep (%s): %d new, %d cancelled, %d muted, %d digests due",
        report.reason,
        report.created,
        report.cancelled,
        report.muted,
        len(report.recipients),
    )
    return report


def other_app_rows(now: datetime, *, targets: bool = True, sessions: bool = True) -> list[Reminder]:
    """Rows of the stages whose rule lives in another app, as unsaved ``Reminder`` objects.

    * at risk: ``indicators.progress.targets_at_risk`` (targets forecast to be missed), once
      the target's period is half gone, to the rep who owns it and to the team's manager;
    * training tomorrow: ``coaching.selectors.sessions_starting_on`` (tomorrow), to the
      enrolled reps.

    Both functions cost a constant number of queries and return few rows (targets and
    sessions, not actions). ``targets`` or ``sessions`` False (the sweep state saw no current
    target, no session tomorrow) skips the call.
    """
    today = timezone.localdate(now)
    rows: list[Reminder] = []

    def add(recipient_id, stage, item_type, item_id, due, title):
        if recipient_id is None:
            return
        rows.append(
            Reminder(
                recipient_id=recipient_id,
                stage=stage,
                item_type=item_type,
                item_id=item_id,
                due_date=due,
                title=title[:200],
                created_at=now,
            )
        )

    if targets:
        for progress in targets_at_risk(today=today):
            target = progress.target
            if target is None or target.pk is None:
                continue  # a team figure derived from the reps' targets: theirs are listed
            half = target.period_start + (target.period_end - target.period_start) / 2
            if today < half:
                continue
            indicator = progress.indicator
            rep = progress.rep
            add(
                rep.pk if rep else None,
                Stage.AT_RISK,
                ItemType.TARGET,
                target.pk,
                target.period_end,
                indicator.name,
            )
            who = f" · {rep.get_full_name() or rep.get_username()}" if rep else ""
            add(
                indicator.plan.team.manager_id,
                Stage.AT_RISK,
                ItemType.TARGET,
                target.pk,
                target.period_end,
                f"{indicator.name}{who}",
            )
    if sessions:
        tomorrow = today + timedelta(days=1)
        for session in sessions_starting_on(tomorrow):
            for rep in session.enrolled_reps:
                add(
                    rep.pk,
                    Stage.TRAINING_TOMORROW,
                    ItemType.SESSION,
                    session.pk,
                    tomorrow,
                    str(session.training),
                )
    return rows


def _key(row) -> tuple:
    return (row.recipient_id, row.item_type, row.item_id, row.stage, row.due_date)


def record_rows(rows: list[Reminder]) -> int:
    """Insert the unsaved ``rows`` not recorded yet; two queries for a sweep's few rows.

    The existing keys are read first only to report an exact count; the unique constraint
    still decides when a parallel sweep inserts the same row in between.
    """
    if not rows:
        return 0
    existing = set(
        Reminder.objects.filter(
            item_type__in={r.item_type for r in rows},
            item_id__in={r.item_id for r in rows},
            stage__in={r.stage for r in rows},
        ).values_list("recipient_id", "item_type", "item_id", "stage", "due_date")
    )
    new = {_key(row): row for row in rows if _key(row) not in existing}
    Reminder.objects.bulk_create(list(new.values()), ignore_conflicts=True, batch_size=500)
    return len(new)


def preview(now: datetime | None = None) -> list[dict]:
    """What a sweep would record and email now, without writing anything (``--dry-run``).

    New rows (not recorded yet) and rows already owed by email, each as
    ``{"recipient_id", "stage", "title", "due_date", "new"}``.
    """
    now = now or timezone.now()
    lines = []
    for row in other_app_rows(now):
        lines.append(
            {
                "recipient_id": row.recipient_id,
                "stage": row.stage,
                "title": row.title,
                "due_date": row.due_date,
                "new": not Reminder.objects.filter(
                    recipient_id=row.recipient_id,
                    item_type=row.item_type,
                    item_id=row.item_id,
                    stage=row.stage,
                    due_date=row.due_date,
                ).exists(),
            }
        )
    for source in sources(now):
        known = Reminder.objects.filter(
            recipient_id=OuterRef("r_recipient_id"),
            item_type=OuterRef("r_item_type"),
            item_id=OuterRef("r_item_id"),
            stage=OuterRef("r_stage"),
            due_date=OuterRef("r_due_date"),
        )
        for row in source.queryset.filter(~Exists(known)).order_by("r_due_date", "r_item_id"):
            lines.append(
                {
                    "recipient_id": row["r_recipient_id"],
                    "stage": row["r_stage"],
                    "title": row["r_title"],
                    "due_date": row["r_due_date"],
                    "new": True,
                }
            )
    for row in (
        Reminder.objects.filter(owed_q(now))
        .order_by("created_at")
        .values("recipient_id", "stage", "title", "due_date")
    ):
        lines.append({**row, "new": False})
    return lines
