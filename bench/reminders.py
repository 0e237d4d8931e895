"""Benchmark of the reminder sweep: 1,000,000 actions of which 10,000 are overdue.

    .venv/bin/python bench/reminders.py            # SQLite, in a fresh temporary folder
    DATABASE_URL=postgres://.../pac_bench .venv/bin/python bench/reminders.py   # PostgreSQL
                                                   # (a scratch database: it is filled up)

Prints the time of one sweep (the first one, which records every reminder, and a second
one, which finds everything already recorded), the time of a bare SQL count of the overdue
actions on the same database, and their ratio: the figure the issue asks for.
Options: --actions N (default 1,000,000), --overdue N (default 10,000), --repeat N;
--reuse times again on the database of an earlier run (PAC_VAR_DIR=/tmp/pac-bench-...
for SQLite, or DATABASE_URL), after deleting its reminders.
"""

import argparse
import datetime as dt
import os
import random
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

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from plans.models import (  # noqa: E402
    Action,
    ActionStatus,
    Lever,
    Milestone,
    Plan,
    PlanStatus,
    Team,
)
from reminders.models import Reminder  # noqa: E402
from reminders.sweep import run_sweep  # noqa: E402

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


def bare_count(today: dt.date) -> tuple[float, int]:
    sql = (
        f"SELECT COUNT(*) FROM {Action._meta.db_table} "
        "WHERE status IN ('todo', 'in_progress') AND due_date < %s"
    )
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, [today])
        (count,) = cursor.fetchone()
    return time.perf_counter() - start, count


def timed_sweep() -> tuple[float, object]:
    start = time.perf_counter()
    report = run_sweep()
    return time.perf_counter() - start, report


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

    counts = [bare_count(today) for _ in range(args.repeat)]
    count_time = min(t for t, _n in counts)
    print(f"Bare SQL count of overdue actions: {counts[0][1]:,} in {count_time * 1000:.1f} ms")

    first_time, first = timed_sweep()
    print(
        f"First sweep (records everything): {first_time * 1000:.0f} ms, "
        f"{first.created:,} reminders created"
    )
    # Steady state: everything is recorded and emailed; the sweep finds nothing new.
    Reminder.objects.update(state="sent", sent_at=timezone.now())
    again = [timed_sweep() for _ in range(args.repeat)]
    again_time = min(t for t, _r in again)
    print(f"Next sweep (nothing new): {again_time * 1000:.0f} ms, {again[0][1].created} created")
    print(f"Ratio first sweep / bare count: {first_time / count_time:.1f}x")
    print(f"Ratio next sweep / bare count:  {again_time / count_time:.1f}x")


if __name__ == "__main__":
    main()
