"""Benchmark of the reminder sweep: 1,000,000 actions of which 10,000 are overdue.

    .venv/bin/python bench/reminders.py            # SQLite, in a fresh temporary folder
    DATABASE_URL=postgres://.../pac_bench .venv/bin/python bench/reminders.py   # PostgreSQL
                                                   # (a scratch database: it is filled up)

The actions are written in bulk, then stamped (``plans.reminder_stamps.restamp_actions``, as the
services and the data migration do). Prints the time of a bare SQL count of the due rows
(``next_reminder_at <= now``, read from the index ``action_reminder_due``) and, on the same
database, of the sweeps of ``reminders.sweep.run_sweep``:

* the first sweep: records every reminder due (overdue, and escalated for the actions late
  by 3 days or more) and stamps each action with its next stage;
* the next sweep: what beat runs 15 minutes later, every reminder recorded and emailed, nothing
  due (the stamps are all ahead);
* a sweep after 100 actions were saved through the service (10 of them moved into the past).

The two figures bench/run.py reports are ``reminders first: <ratio>x (goal <= 5x)`` and
``reminders next: <ratio>x (goal <= 5x)``. The next sweep writes nothing: its time is divided
by the bare count's. The first sweep writes a reminder or two per due row and restamps each:
its time is divided by the same writes done in bare SQL (``bare_writes``: one INSERT … SELECT
of the due rows' reminders into the reminders' own table, under its indexes and unique
constraint, and one UPDATE of their stamps, rolled back); its ratio to the bare count, the
former baseline, is printed too, on stderr. Each figure is the best of --repeat runs: the
first sweep and its baseline interleaved, each in a transaction rolled back after it (then
the first sweep runs once for good). The sweep runs as in production, DEBUG off. On
PostgreSQL, tables are vacuumed after loading and after the reminders are marked sent, as
autovacuum would.
Options: --actions N (default 1,000,000), --overdue N (default 10,000), --repeat N;
--reuse times again on the database of an earlier run (PAC_VAR_DIR=/tmp/pac-bench-...
for SQLite, or DATABASE_URL), after deleting its reminders and restamping every action.
"""

import argparse
import datetime as dt
import os
import random
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_REUSE = "--reuse" in sys.argv  # time again on the database of a previous run
if not os.environ.get("DATABASE_URL") and not _REUSE:
    os.environ["PAC_VAR_DIR"] = tempfile.mkdtemp(prefix="pac-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pacsite.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")
# As in production: with DEBUG on, Django's debug cursor records every query the sweep runs.
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(60))

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.utils import timezone  # noqa: E402

from plans.models import OPEN_STATUSES, Action, ActionStatus, Lever, Milestone, Plan, PlanStatus  # noqa: E402
from plans.reminder_stamps import (  # noqa: E402
    DEFAULT_ESCALATION_DAYS,
    DEFAULT_UPCOMING_DAYS,
    midnight,
    restamp_actions,
    restamp_milestones,
)
from plans.services import action_update  # noqa: E402
from reminders.models import (  # noqa: E402
    Reminder,
    TeamReminderSettings,
)
from reminders.sweep import run_sweep  # noqa: E402
from teams.models import Team  # noqa: E402

TEAMS = 50
REPS_PER_TEAM = 10
LEVERS_PER_PLAN = 4
MILESTONES_PER_PLAN = 12  # one a month; a quarter of the actions serve one


def populate(total: int, overdue: int, today: dt.date) -> None:
    User = get_user_model()
    rng = random.Random(6)
    with transaction.atomic():
        levers, reps, jalons = [], {}, {}
        for t in range(TEAMS):
            manager = User.objects.create(username=f"manager{t}", email=f"m{t}@bench.test")
            team = Team.objects.create(name=f"Team {t}", manager=manager)
            members = User.objects.bulk_create(
                User(username=f"rep{t}-{r}", email=f"r{t}-{r}@bench.test")
                for r in range(REPS_PER_TEAM)
            )
            team.members.set(members)
            plan = Plan.objects.create(
                team=team,
                title=f"PAC {t}",
                start_date=today - dt.timedelta(days=400),
                end_date=today + dt.timedelta(days=400),
                status=PlanStatus.ACTIVE,
            )
            milestones = Milestone.objects.bulk_create(
                Milestone(
                    plan=plan, title=f"Milestone {m}", date=today + dt.timedelta(days=30 * m - 170)
                )
                for m in range(MILESTONES_PER_PLAN)
            )
            for n in range(LEVERS_PER_PLAN):
                lever = Lever.objects.create(plan=plan, name=f"Lever {n}", aim="prospect")
                levers.append(lever)
                reps[lever.pk] = members
                jalons[lever.pk] = milestones
    chunk = 20_000
    made = 0
    while made < total:
        rows = []
        for n in range(made, min(total, made + chunk)):
            lever = levers[n % len(levers)]
            assignee = reps[lever.pk][n % REPS_PER_TEAM]
            if n < overdue:  # open and late by 1 to 30 days
                due, status = today - dt.timedelta(days=1 + n % 30), ActionStatus.TODO
            elif n % 2:  # done in the past
                due, status = today - dt.timedelta(days=rng.randint(1, 365)), ActionStatus.DONE
            else:  # open, due later than any "due soon" window
                due = today + dt.timedelta(days=rng.randint(10, 365))
                status = ActionStatus.TODO
            # A quarter of the actions serve the milestone closest after their due date.
            milestone = None
            if n % 4 == 0:
                after = [m for m in jalons[lever.pk] if m.date >= due]
                milestone = after[0] if after else None
            rows.append(
                Action(
                    milestone=milestone,
                    lever=lever,
                    assignee=assignee,
                    title=f"Action {n}",
                    due_date=due,
                    original_due_date=due,
                    status=status,
                )
            )
        with transaction.atomic():
            Action.objects.bulk_create(rows, batch_size=2_000)
        made += len(rows)
        print(f"  {made:,} actions", end="\r", flush=True)
    print()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def bare_count(now: dt.datetime, *, serial: bool = False) -> tuple[float, int]:
    """The due rows' count, from the partial index the sweep reads. ``serial``: PostgreSQL
    without parallel workers (its planner may start two, which costs more than the count)."""
    sql = f"SELECT COUNT(*) FROM {Action._meta.db_table} WHERE next_reminder_at <= %s"
    with transaction.atomic(), connection.cursor() as cursor:
        if serial:
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        start = time.perf_counter()
        cursor.execute(sql, [now])
        (count,) = cursor.fetchone()
        return time.perf_counter() - start, count


# CPU time of this process: on SQLite, which runs in it, the first sweep against its baseline
# whatever the other processes of the machine take (a loaded machine swings wall times).
CPU = {"writes": [], "sweep": []}


class RolledBack(Exception):
    """Ends the transaction of ``bare_writes``: the sweep must still find every row due."""


# One branch per stage of an action: (stage, recipient column, condition on the due date).
BARE_STAGES = [
    ("upcoming", "a.assignee_id", "a.due_date >= %(today)s AND a.due_date <= %(soon)s"),
    ("overdue", "a.assignee_id", "a.due_date < %(today)s"),
    ("escalated", "t.manager_id", "a.due_date <= %(escalate)s"),
]


def bare_writes(now: dt.datetime, today: dt.date) -> tuple[float, int, int]:
    """The first sweep's writes in bare SQL: the baseline of ``reminders first``.

    One INSERT … SELECT of the reminders of the open due actions of active plans (upcoming,
    overdue, escalated, by the default thresholds, which every bench team has) into
    ``reminders_reminder`` itself (its indexes and unique constraint), then one UPDATE of
    the due actions' stamps and one of the due milestones'. The stamps' values are
    simplified (one CASE: the sweep's are one per due date), which costs the database the
    same; the slipped milestones' few reminders are left out. Timed up to the last UPDATE,
    then rolled back. Returns (seconds, reminders inserted, stamps updated)."""
    assert not TeamReminderSettings.objects.exists(), "the bench teams use the defaults"
    escalate = today - dt.timedelta(days=DEFAULT_ESCALATION_DAYS)
    stored = connection.ops.adapt_datetimefield_value  # as the ORM writes a datetime
    params = {
        "now": stored(now),
        "today": today,
        "soon": today + dt.timedelta(days=DEFAULT_UPCOMING_DAYS),
        "escalate": escalate,
        "next_at": stored(midnight(today + dt.timedelta(days=1))),
    }
    joins = (
        f"FROM {Action._meta.db_table} a JOIN {Lever._meta.db_table} l ON l.id = a.lever_id "
        f"JOIN {Plan._meta.db_table} p ON p.id = l.plan_id "
        f"JOIN {Team._meta.db_table} t ON t.id = p.team_id "
        "WHERE a.next_reminder_at <= %(now)s AND a.archived_at IS NULL "
        "AND a.status IN ('todo', 'in_progress') AND p.status = 'active' AND "
    )
    selects = " UNION ALL ".join(
        f"SELECT {who}, '{stage}', 'action', a.id, a.due_date, a.title, 'pending', 0, %(now)s "
        f"{joins}{when}"
        for stage, who, when in BARE_STAGES
    )
    insert = (
        f"INSERT INTO {Reminder._meta.db_table} (recipient_id, stage, item_type, item_id, "
        f"due_date, title, state, attempts, created_at) {selects}"
    )
    restamp = (
        f"UPDATE {Action._meta.db_table} SET "
        "next_reminder_at = CASE WHEN due_date > %(escalate)s THEN %(next_at)s END, "
        "next_reminder_stage = CASE WHEN due_date > %(escalate)s THEN 'escalated' ELSE '' END "
        "WHERE next_reminder_at <= %(now)s"
    )
    milestones = (
        f"UPDATE {Milestone._meta.db_table} SET next_reminder_at = NULL, "
        "next_reminder_stage = '' WHERE next_reminder_at <= %(now)s"
    )
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            start, cpu = time.perf_counter(), time.process_time()
            cursor.execute(insert, params)
            inserted = cursor.rowcount
            cursor.execute(restamp, params)
            stamped = cursor.rowcount
            cursor.execute(milestones, params)
            stamped += cursor.rowcount
            took = time.perf_counter() - start
            CPU["writes"].append(time.process_time() - cpu)
            raise RolledBack
    except RolledBack:
        return took, inserted, stamped


def stamp_all() -> None:
    """Stamp every open action and every milestone, as the data migration does."""
    start = time.perf_counter()
    Action.all_objects.update(next_reminder_at=None, next_reminder_stage="")
    Milestone.all_objects.update(next_reminder_at=None, next_reminder_stage="")
    ids = list(Action.objects.filter(status__in=OPEN_STATUSES).values_list("pk", flat=True))
    for n in range(0, len(ids), 20_000):
        with transaction.atomic():
            restamp_actions(Q(pk__in=ids[n : n + 20_000]))
    with transaction.atomic():
        restamp_milestones(Q())
    print(f"Stamped {len(ids):,} open actions in {time.perf_counter() - start:.1f} s")


def timed_sweep(**kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    report = run_sweep(**kwargs)
    return time.perf_counter() - start, report


def rolled_back_sweep(now: dt.datetime) -> tuple[float, object]:
    """The first sweep in a transaction rolled back after it (untimed), as ``bare_writes``:
    so it can be timed again, interleaved with its baseline."""
    try:
        with transaction.atomic():
            cpu = time.process_time()
            run = timed_sweep(now=now)
            CPU["sweep"].append(time.process_time() - cpu)
            raise RolledBack
    except RolledBack:
        return run


def best(runs: list) -> tuple[float, object]:
    return min(runs, key=lambda run: run[0])


# The tables a first sweep writes.
SWEPT = (Reminder._meta.db_table, Action._meta.db_table, Milestone._meta.db_table)


def vacuum(vendor: str, tables=()) -> None:
    """PostgreSQL: what autovacuum does after a bulk load or update (visibility map, dead
    index entries, statistics); the bare count is index-only only after it."""
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {', '.join(tables)}")


def save_some(today: dt.date, count: int, late: int) -> None:
    """``count`` open future actions saved through the service, ``late`` of them moved into
    the past (each restamped by ``action_update``)."""
    actions = list(
        Action.objects.filter(status=ActionStatus.TODO, due_date__gt=today + dt.timedelta(days=9))
        .select_related("lever__plan__team__manager")
        .order_by("-id")[:count]
    )
    for n, action in enumerate(actions):
        data = {"due_date": today - dt.timedelta(days=1)} if n < late else {"title": "Edited"}
        action_update(action=action, by=action.lever.plan.team.manager, data=data)


def ratio(seconds: float, count_time: float) -> str:
    return f"{seconds / count_time:.1f}x"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=1_000_000)
    parser.add_argument("--overdue", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()

    vendor = connection.vendor
    print(f"Database: {vendor} ({connection.settings_dict['NAME']})")
    call_command("migrate", verbosity=0)
    if vendor == "sqlite":  # loading speed only; the timings below run in the same mode
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
    today = timezone.localdate()
    if args.reuse:
        Reminder.objects.all().delete()
        print(f"Reusing {Action.objects.count():,} actions")
    elif Action.objects.exists():
        sys.exit("The database already holds actions: give the benchmark a scratch database.")
    else:
        start = time.perf_counter()
        populate(args.actions, args.overdue, today)
        print(f"Populated {args.actions:,} actions in {time.perf_counter() - start:.1f} s")
    stamp_all()
    vacuum(vendor)

    now = timezone.now()
    counts = [bare_count(now) for _ in range(args.repeat)]
    count_time = min(t for t, _n in counts)
    print(f"Bare SQL count of the due actions: {counts[0][1]:,} in {count_time * 1000:.2f} ms")
    if vendor == "postgresql":
        serial = min(bare_count(now, serial=True)[0] for _ in range(args.repeat))
        print(f"  without parallel workers: {serial * 1000:.2f} ms")
        count_time = min(count_time, serial)

    writes, sweeps = [], []
    for _ in range(args.repeat):  # interleaved: a burst of load falls on both
        writes.append(bare_writes(now, today))
        vacuum(vendor, SWEPT)  # the rolled-back rows' dead entries, as autovacuum would
        sweeps.append(rolled_back_sweep(now))
        vacuum(vendor, SWEPT)
    writes_time, inserted, stamped = min(writes)
    print(
        f"Bare SQL of the first sweep's writes: {inserted:,} reminders inserted, "
        f"{stamped:,} stamps updated in {writes_time * 1000:.1f} ms"
    )
    rolled_time, rolled = best(sweeps)
    print(
        f"First sweep, rolled back like the bare writes: {rolled_time * 1000:.0f} ms, "
        f"{rolled.created:,} reminders created"
    )

    if vendor == "sqlite":
        cpu_sweep, cpu_writes = min(CPU["sweep"]), min(CPU["writes"])
        print(
            f"  CPU time: first sweep {cpu_sweep * 1000:.0f} ms, bare writes "
            f"{cpu_writes * 1000:.0f} ms: {ratio(cpu_sweep, cpu_writes)}"
        )

    first_time, first = timed_sweep(now=now)
    print(f"First sweep: {first_time * 1000:.0f} ms, {first.created:,} reminders created")
    # Everything is recorded and emailed; the next sweeps find nothing due.
    Reminder.objects.update(state="sent", sent_at=timezone.now())
    vacuum(vendor)
    next_time, following = best([timed_sweep() for _ in range(args.repeat)])
    print(f"Next sweep (nothing due): {next_time * 1000:.2f} ms, {following.created} created")
    saved = []
    for _ in range(args.repeat):
        save_some(today, 100, 10)
        saved.append(timed_sweep())
        Reminder.objects.filter(state="pending").update(state="sent", sent_at=timezone.now())
    saved_time, saved_report = best(saved)
    print(
        f"Sweep after 100 actions saved, 10 now overdue: {saved_time * 1000:.1f} ms, "
        f"{saved_report.created} created"
    )
    print(f"Ratio sweep after 100 saves / bare count: {ratio(saved_time, count_time)}")
    print(
        f"reminders first vs the bare count (the former baseline): "
        f"{ratio(rolled_time, count_time)} (committed: {ratio(first_time, count_time)})",
        file=sys.stderr,
    )
    # The lines bench/run.py reports.
    print(f"reminders first: {ratio(rolled_time, writes_time)} (goal <= 5x)")
    print(f"reminders next: {ratio(next_time, count_time)} (goal <= 5x)")


if __name__ == "__main__":
    main()
