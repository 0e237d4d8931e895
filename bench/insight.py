"""The "what worked" report of a full-size team and period against one SQL GROUP BY.

    .venv/bin/python bench/insight.py [--repeat 10] [--actions 6000]

Adds its own team ("bench insight": 10 reps, this year's active plan, 15 indicators, a figure
per rep and indicator every day of the year so far, ``--actions`` actions completed on their
due dates through the year, a training a month and a challenge between two groups each
quarter) to the scratch database, then times, best of ``--repeat`` (the two interleaved):
- the report: ``coaching.insights.plan_report(plan, today)``, every line of the page and the
  API (actions per lever and kind, trainings, challenges);
- the single SQL ``GROUP BY`` summing the same measurements per (indicator, rep, week of the
  plan): the grain the report reads (its before / after windows are whole weeks), run bare
  through the cursor.
Prints ``insight: <ratio>x (goal <= 3x)``, the lines and cases behind them and the queries; the
details also give the report against the per-(indicator, rep) ``GROUP BY`` of
bench/dashboard.py, which cannot say how figures moved over time (on SQLite, grouping by week
sorts every row and costs about three times that one by itself).
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
from bench.dashboard import group_by

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coaching.insights import plan_report
from coaching.models import Challenge, ChallengeGroup, Enrollment, Training, TrainingSession
from django.db.models import Count, Sum

from indicators.insights import WeeksSince
from indicators.models import Aggregation, Indicator, Kind, Measurement, Unit
from plans.models import Action, Lever, Plan, PlanStatus
from teams.models import Team

TEAM = "bench insight"
REPS = 10
INDICATORS = 15
AIMS = ("prospect", "win_back", "retain", "develop")


def build(today: dt.date, n_actions: int) -> Plan:
    team = Team.objects.filter(name=TEAM).first()
    if team is not None:
        return Plan.objects.get(team=team, status=PlanStatus.ACTIVE)
    User = get_user_model()
    rng = random.Random(5)
    start, end = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    with transaction.atomic():
        manager = User.objects.create(username="bench-ins-m", email="im@bench.test")
        team = Team.objects.create(name=TEAM, manager=manager)
        reps = [
            User.objects.create(username=f"bench-ins-r{r}", first_name=f"Rep{r}")
            for r in range(REPS)
        ]
        team.members.set(reps)
        plan = Plan.objects.create(
            team=team, title="PAC insight", start_date=start, end_date=end, status=PlanStatus.ACTIVE
        )
        levers = [
            Lever.objects.create(plan=plan, name=f"L{i}", aim=AIMS[i], position=i) for i in range(4)
        ]
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
        for i, lever in enumerate(levers):
            lever.indicators.add(indicators[i], indicators[i + 4])
        _figures(indicators, reps, start, today, rng)
        _actions(levers, reps, start, today, n_actions)
        _coaching(team, reps, start, today)
    reset_sequences(Measurement)
    if IS_PG:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE indicators_measurement")
    return plan


def _figures(indicators, reps, start, today, rng) -> None:
    rows = Inserter(Measurement, ["id", "indicator_id", "rep_id", "date", "value"])
    first = rows.next_id()
    days = (today - start).days + 1

    def gen():
        pk = first
        for ind in indicators:
            for rep in reps:
                for d in range(days):
                    yield (pk, ind.pk, rep.pk, db_date(start + dt.timedelta(d)), rng.randrange(500))
                    pk += 1

    rows.insert(gen(), len(indicators) * len(reps) * days, "measurements")


def _actions(levers, reps, start, today, n_actions) -> None:
    def done_on(n):
        day = start + dt.timedelta(n % 365)
        return day, timezone.make_aware(dt.datetime.combine(day, dt.time(12)))

    Action.objects.bulk_create(
        Action(
            lever=levers[n % 4],
            title=f"A{n}",
            # Three reps in four do each lever: the fourth is the others' comparison.
            assignee=reps[(n * 7) % len(reps)],
            due_date=done_on(n)[0],
            original_due_date=done_on(n)[0],
            status="done" if n % 3 and done_on(n)[0] <= today else "todo",
            completed_at=done_on(n)[1] if n % 3 and done_on(n)[0] <= today else None,
        )
        for n in range(n_actions)
    )


def _coaching(team, reps, start, today) -> None:
    training = Training.objects.create(
        title="Bench insight training",
        topic="sales",
        kind="classroom",
        duration_hours=7,
        cost_per_seat=100,
    )
    for month in range(1, today.month + 1):
        session = TrainingSession.objects.create(
            training=training,
            starts_at=timezone.make_aware(dt.datetime(start.year, month, 10, 9)),
            place="Paris",
            capacity=REPS,
        )
        Enrollment.objects.bulk_create(
            Enrollment(session=session, rep=rep, status="attended") for rep in reps[: REPS // 2]
        )
    for quarter in range(4):
        first = dt.date(start.year, 1 + 3 * quarter, 1)
        if first > today:
            break
        challenge = Challenge.objects.create(
            team=team,
            title=f"Q{quarter + 1}",
            mode="teams",
            start_date=first,
            end_date=first + dt.timedelta(days=60),
        )
        ChallengeGroup.objects.create(challenge=challenge, name="A").members.add(*reps[:3])
        ChallengeGroup.objects.create(challenge=challenge, name="B").members.add(*reps[3:6])


def weekly_group_by(plan: Plan, today: dt.date):
    """The bare SQL: one GROUP BY summing the plan's measurements per (indicator, rep, week)."""
    last = min(plan.end_date, today)
    query = (
        Measurement.objects.filter(
            indicator__plan=plan, date__range=(plan.start_date, last), value__isnull=False
        )
        .values("indicator_id", "rep_id")
        .annotate(week=WeeksSince("date", plan.start_date), total=Sum("value"), n=Count("*"))
        .order_by()
    )
    sql, params = query.query.sql_with_params()

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return run


def main(argv=None) -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--repeat", type=int, default=10)
    p.add_argument("--actions", type=int, default=6_000)
    args = p.parse_args(argv)
    call_command("migrate", verbosity=0, interactive=False)
    today = timezone.localdate()
    plan = build(today, args.actions)
    bare = weekly_group_by(plan, today)
    per_rep = group_by(plan.team, today)
    bare()
    report_time = sql = sql_per_rep = float("inf")
    for _ in range(args.repeat):  # interleaved: both sides see the same moments of the machine
        report_time = min(report_time, best_of(lambda: plan_report(plan, today=today), 1))
        sql = min(sql, best_of(bare, 1))
        sql_per_rep = min(sql_per_rep, best_of(per_rep, 1))
    with CaptureQueriesContext(connection) as queries:
        report = plan_report(plan, today=today)
    n = Measurement.objects.filter(indicator__plan=plan).count()
    cases = sum(line.cases for line in report.lines)
    conclusive = sum(1 for line in report.lines if line.conclusive)
    print(
        f"  insight: {n:,} measurements, {len(report.lines)} lines ({conclusive} conclusive) "
        f"over {cases:,} cases: report {report_time * 1000:.1f} ms, GROUP BY per week "
        f"{sql * 1000:.1f} ms (per indicator and rep only: {sql_per_rep * 1000:.1f} ms, "
        f"{report_time / sql_per_rep:.1f}x); queries {len(queries)}",
        file=sys.stderr,
    )
    if not report.lines:
        print("insight: not measured (the report has no line)")
        return
    print(f"insight: {report_time / sql:.1f}x (goal <= 3x)")


if __name__ == "__main__":
    main()
