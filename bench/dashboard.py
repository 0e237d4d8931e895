"""The steering dashboard of a team of 10 reps x 15 indicators over a year.

    .venv/bin/python bench/dashboard.py [--repeat 15] [--per-day 1]

Adds its own team ("bench dashboard": 10 reps, this year's active plan, 15 indicators with a
target per rep, ``--per-day`` figures per rep and indicator every day of the year so far,
``--actions`` actions) to the scratch database, beside whatever ``bench/generate.py`` put
there, then times, best of ``--repeat`` (the two interleaved):
- the page's progress computation: ``indicators.selectors.dashboard(team, today)``, the whole
  grid the team dashboard renders (progress engine, statuses, the three axes);
- the single SQL ``GROUP BY`` summing the same measurements per (indicator, rep).
Prints ``dashboard: <ratio>x (goal <= 3x)`` and the number of queries of the computation,
also with half the measurements' reps, to show it does not grow.
"""

# ruff: noqa: I001  (bench.common sets Django up: it must come first)
import argparse
import datetime as dt
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# Sets Django up on the scratch database: before any other import of the project.
from bench.common import IS_PG, Inserter, best_of, db_date, reset_sequences

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from indicators.models import Aggregation, Indicator, Kind, Measurement, Target, Unit
from indicators.selectors import dashboard
from plans.models import Action, Lever, Plan, PlanStatus
from teams.models import Team

TEAM = "bench dashboard"
REPS = 10
INDICATORS = 15


def build(today: dt.date, per_day: int, n_actions: int) -> Team:
    team = Team.objects.filter(name=TEAM).first()
    if team is not None:
        return team
    User = get_user_model()
    rng = random.Random(3)
    with transaction.atomic():
        manager = User.objects.create(username="bench-dash-m", email="dm@bench.test")
        team = Team.objects.create(name=TEAM, manager=manager)
        reps = [
            User.objects.create(username=f"bench-dash-r{r}", first_name=f"Rep{r}")
            for r in range(REPS)
        ]
        team.members.set(reps)
        start, end = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
        plan = Plan.objects.create(
            team=team,
            title="PAC dashboard",
            start_date=start,
            end_date=end,
            status=PlanStatus.ACTIVE,
            value_proposition="Bench",
        )
        levers = [Lever.objects.create(plan=plan, name=f"L{i}", aim="retain") for i in range(4)]
        shapes = [Aggregation.SUM] * 11 + [Aggregation.AVERAGE] * 2 + [Aggregation.LAST] * 2
        indicators = [
            Indicator.objects.create(
                plan=plan,
                name=f"KPI {i}",
                kind=Kind.QUANTITATIVE,
                unit=Unit.EUR,
                aggregation=shapes[i],
                position=i,
            )
            for i in range(INDICATORS)
        ]
        for i, ind in enumerate(indicators[:4]):
            ind.levers.add(levers[i])
        Target.objects.bulk_create(
            Target(indicator=ind, rep=rep, value=50_000, period_start=start, period_end=end)
            for ind in indicators
            for rep in reps
        )
        rows = Inserter(Measurement, ["id", "indicator_id", "rep_id", "date", "value"])
        first = rows.next_id()
        days = (today - start).days + 1

        def gen():
            pk = first
            for ind in indicators:
                for rep in reps:
                    for d in range(days):
                        for _ in range(per_day):
                            yield (
                                pk,
                                ind.pk,
                                rep.pk,
                                db_date(start + dt.timedelta(d)),
                                rng.randrange(500),
                            )
                            pk += 1

        rows.insert(gen(), INDICATORS * REPS * days * per_day, "measurements")
        Action.objects.bulk_create(
            Action(
                lever=levers[n % 4],
                title=f"A{n}",
                assignee=reps[n % REPS],
                due_date=start + dt.timedelta(n % 365),
                original_due_date=start + dt.timedelta(n % 365),
                status="done" if n % 3 else "todo",
                completed_at=timezone.now() if n % 3 else None,
            )
            for n in range(n_actions)
        )
    reset_sequences(Measurement)  # ids were given: later inserts must start past them
    if IS_PG:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE indicators_measurement")
    return team


def group_by(team: Team, today: dt.date):
    """The bare SQL: one GROUP BY summing the plan's measurements per (indicator, rep)."""
    plan = Plan.objects.get(team=team, status=PlanStatus.ACTIVE)
    ids = list(Indicator.objects.filter(plan=plan).values_list("pk", flat=True))
    rep_ids = list(team.members.values_list("pk", flat=True))
    sql = (
        "SELECT indicator_id, rep_id, SUM(value), COUNT(*) FROM indicators_measurement "
        f"WHERE indicator_id IN ({', '.join(map(str, ids))}) "
        f"AND rep_id IN ({', '.join(map(str, rep_ids))}) AND date BETWEEN %s AND %s "
        "GROUP BY indicator_id, rep_id"
    )
    params = [plan.start_date, plan.end_date]

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return run


def main(argv=None) -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--repeat", type=int, default=15)
    p.add_argument("--per-day", type=int, default=1)
    p.add_argument("--actions", type=int, default=6_000)
    args = p.parse_args(argv)
    call_command("migrate", verbosity=0, interactive=False)
    today = timezone.localdate()
    team = build(today, args.per_day, args.actions)
    bare = group_by(team, today)
    rows = bare()
    # Interleaved, best of each: both sides see the same moments of a busy machine, where
    # timing one after the other let a burst of load fall on one side only.
    page = sql = float("inf")
    for _ in range(args.repeat):
        page = min(page, best_of(lambda: dashboard(team, today=today), 1))
        sql = min(sql, best_of(bare, 1))
    with CaptureQueriesContext(connection) as queries:
        board = dashboard(team, today=today)
    with CaptureQueriesContext(connection) as fewer:
        dashboard(team, today=today, rep_ids=[board.rows[0].rep.pk])
    n = Measurement.objects.filter(indicator__plan__team=team).count()
    print(
        f"  dashboard: {len(board.rows)} reps x {len(board.indicators)} indicators, "
        f"{n:,} measurements ({len(rows)} groups): computation {page * 1000:.1f} ms, "
        f"GROUP BY {sql * 1000:.1f} ms; queries {len(queries)} (one rep's row: {len(fewer)})",
        file=sys.stderr,
    )
    print(f"dashboard: {page / sql:.1f}x (goal <= 3x)")


if __name__ == "__main__":
    main()
