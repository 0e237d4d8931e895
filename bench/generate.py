"""Fill a scratch database with a company: ``--teams`` x ``--reps`` over ``--years`` years.

    .venv/bin/python bench/generate.py --teams 50 --reps 10 --years 3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pac_bench .venv/bin/python bench/generate.py

Defaults give the issue's company: 500 reps, 150 plans (one a year per team, this year's
active), 1,000,000 actions, 200 indicators a year, 5,000,000 measurements, 20 trainings with
sessions every half-year and two enrolments a rep a year. ``--scale 0.1`` divides the big
tables (actions, measurements) by ten; ``--actions`` / ``--measurements`` set them outright.
Inserts go straight to the tables (COPY on PostgreSQL, executemany in one transaction on
SQLite), with a progress bar on stderr. Without ``DATABASE_URL`` the SQLite file lives in
``PAC_VAR_DIR`` (a fresh temporary folder when unset; its path is printed).
"""

# ruff: noqa: I001  (bench.common sets Django up: it must come first)
import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# Sets Django up on the scratch database: before any other import of the project.
from bench.common import (
    IS_PG,
    Inserter,
    db_date,
    db_datetime,
    reset_sequences,
)

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from coaching.models import Enrollment, Training, TrainingSession
from indicators.models import Aggregation, Indicator, Kind, Measurement, Target, Unit
from plans.models import Action, Lever, LeverAim, Milestone, Plan, PlanStatus
from teams.models import Team
from teams.roles import Role

PREFIX = "bench"  # usernames and team names, apart from other scripts' data
LEVERS_PER_PLAN = 4
TRAININGS = 20


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--teams", type=int, default=50)
    p.add_argument("--reps", type=int, default=10, help="reps per team")
    p.add_argument("--years", type=int, default=3, help="one plan a year per team")
    p.add_argument("--indicators", type=int, default=200, help="indicators a year (company)")
    p.add_argument("--scale", type=float, default=1.0, help="multiplies actions, measurements")
    p.add_argument("--actions", type=int, help="default 1,000,000 x scale (for 50x10x3)")
    p.add_argument("--measurements", type=int, help="default 5,000,000 x scale (for 50x10x3)")
    p.add_argument("--seed", type=int, default=9)
    args = p.parse_args(argv)
    size = args.teams * args.reps * args.years / 1500  # the company is 1
    if args.actions is None:
        args.actions = int(1_000_000 * size * args.scale)
    if args.measurements is None:
        args.measurements = int(5_000_000 * size * args.scale)
    return args


def generate(args) -> dict:
    rng = random.Random(args.seed)
    today = timezone.localdate()
    User = get_user_model()
    password = make_password("bench")  # hashed once: hashing 500 times would take a minute
    counts = {}
    if not IS_PG:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous = OFF")

    with transaction.atomic():
        if IS_PG:
            # The rows are consistent by construction: skip the per-row foreign-key triggers,
            # which otherwise cost minutes at COMMIT for 6,000,000 rows (needs a superuser;
            # without one, the load is just slower).
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("SET LOCAL session_replication_role = replica")
            except Exception:
                pass
        # People, teams and plans: a few thousand rows, through the ORM.
        hr = User.objects.create(username=f"{PREFIX}-hr", email="hr@bench.test", password=password)
        teams, reps_of = [], {}
        for t in range(args.teams):
            manager = User.objects.create(
                username=f"{PREFIX}-m{t}",
                first_name="Manager",
                last_name=f"{t}",
                email=f"{PREFIX}-m{t}@bench.test",
                password=password,
            )
            team = Team.objects.create(name=f"{PREFIX} team {t}", manager=manager)
            reps = User.objects.bulk_create(
                User(
                    username=f"{PREFIX}-r{t}-{r}",
                    first_name=f"Rep{r}",
                    last_name=f"Team{t}",
                    email=f"{PREFIX}-r{t}-{r}@bench.test",
                    password=password,
                )
                for r in range(args.reps)
            )
            if not reps[0].pk:  # backends that do not return ids from bulk inserts
                reps = list(User.objects.filter(username__startswith=f"{PREFIX}-r{t}-"))
            team.members.set(reps)
            teams.append(team)
            reps_of[team.pk] = [u.pk for u in reps]
        counts["reps"] = args.teams * args.reps
        # Roles are groups (teams/roles.py): pages show what each role sees.
        Membership = User.groups.through
        groups = {role: Group.objects.get(name=str(role)) for role in (Role.REP, Role.MANAGER)}
        groups[Role.HR] = Group.objects.get(name=str(Role.HR))
        Membership.objects.bulk_create(
            [Membership(user_id=hr.pk, group_id=groups[Role.HR].pk)]
            + [Membership(user_id=t.manager_id, group_id=groups[Role.MANAGER].pk) for t in teams]
            + [
                Membership(user_id=pk, group_id=groups[Role.REP].pk)
                for ids in reps_of.values()
                for pk in ids
            ],
            batch_size=5000,
        )

        plans = []
        for y in range(args.years):
            year = today.year - y
            status = PlanStatus.ACTIVE if y == 0 else PlanStatus.ARCHIVED
            plans += [
                Plan(
                    team=team,
                    title=f"PAC {year} — {team.name}",
                    start_date=dt.date(year, 1, 1),
                    end_date=dt.date(year, 12, 31),
                    status=status,
                    value_proposition="Bench",
                    created_by=team.manager,
                )
                for team in teams
            ]
        plans = Plan.objects.bulk_create(plans, batch_size=1000)
        plans = list(Plan.objects.filter(team__in=teams).select_related("team"))
        counts["plans"] = len(plans)
        aims = [a for a, _label in LeverAim.choices]
        Lever.objects.bulk_create(
            [
                Lever(plan=plan, name=f"Lever {i}", aim=aims[i % len(aims)], position=i)
                for plan in plans
                for i in range(LEVERS_PER_PLAN)
            ],
            batch_size=2000,
        )
        Milestone.objects.bulk_create(
            [
                Milestone(plan=plan, title=f"M{m}", date=dt.date(plan.start_date.year, m, 28))
                for plan in plans
                for m in range(1, 13)
            ],
            batch_size=2000,
        )
        levers_of, milestones_of = {}, {}
        for lever_id, plan_id in Lever.objects.filter(plan__in=plans).values_list("id", "plan_id"):
            levers_of.setdefault(plan_id, []).append(lever_id)
        for m_id, plan_id in Milestone.objects.filter(plan__in=plans).values_list("id", "plan_id"):
            milestones_of.setdefault(plan_id, []).append(m_id)

        # Indicators: --indicators a year spread over the teams, a target per rep each.
        per_plan = max(1, round(args.indicators / args.teams))
        kinds = [
            (Kind.QUANTITATIVE, Unit.EUR, Aggregation.SUM),
            (Kind.QUANTITATIVE, Unit.COUNT, Aggregation.SUM),
            (Kind.QUANTITATIVE, Unit.EUR, Aggregation.LAST),
            (Kind.QUANTITATIVE, Unit.PERCENT, Aggregation.AVERAGE),
        ]
        Indicator.objects.bulk_create(
            [
                Indicator(
                    plan=plan,
                    name=f"Indicator {i}",
                    kind=kinds[i % len(kinds)][0],
                    unit=kinds[i % len(kinds)][1],
                    aggregation=kinds[i % len(kinds)][2],
                    position=i,
                )
                for plan in plans
                for i in range(per_plan)
            ],
            batch_size=2000,
        )
        indicators_of = {}
        for ind_id, plan_id in Indicator.objects.filter(plan__in=plans).values_list(
            "id", "plan_id"
        ):
            indicators_of.setdefault(plan_id, []).append(ind_id)
        counts["indicators"] = sum(len(v) for v in indicators_of.values())
        Target.objects.bulk_create(
            [
                Target(
                    indicator_id=ind_id,
                    rep_id=rep_id,
                    value=1000,
                    period_start=plan.start_date,
                    period_end=plan.end_date,
                )
                for plan in plans
                for ind_id in indicators_of[plan.pk]
                for rep_id in reps_of[plan.team_id]
            ],
            batch_size=5000,
        )

        # Actions: past plans done (a few cancelled); this year's done or open when due before
        # today (3% overdue), open when due later. A quarter serve a milestone.
        actions = Inserter(
            Action,
            [
                "id",
                "lever_id",
                "title",
                "assignee_id",
                "due_date",
                "original_due_date",
                "status",
                "priority",
                "milestone_id",
                "completed_at",
                "completed_by_id",
                "created_by_id",
            ],
        )
        first = actions.next_id()
        per_plan_actions = args.actions // len(plans)
        now = timezone.now()

        def action_rows():
            pk = first
            for plan in plans:
                reps = reps_of[plan.team_id]
                levers, jalons = levers_of[plan.pk], milestones_of[plan.pk]
                span = (plan.end_date - plan.start_date).days
                for n in range(per_plan_actions):
                    due = plan.start_date + dt.timedelta(days=rng.randrange(span + 1))
                    if due < today:
                        roll = rng.random()
                        status = "done" if roll < 0.94 else "cancelled" if roll < 0.97 else "todo"
                        if plan.status != PlanStatus.ACTIVE and status == "todo":
                            status = "done"
                    else:
                        status = "todo" if rng.random() < 0.8 else "in_progress"
                    assignee = reps[n % len(reps)]
                    done_at = (
                        db_datetime(min(now, dt.datetime.combine(due, dt.time(17), dt.UTC)))
                        if status == "done"
                        else None
                    )
                    yield (
                        pk,
                        levers[n % len(levers)],
                        f"Action {n}",
                        assignee,
                        db_date(due),
                        db_date(due),
                        status,
                        2,
                        jalons[due.month - 1] if n % 4 == 0 else None,
                        done_at,
                        assignee if done_at else None,
                        None,
                    )
                    pk += 1

        counts["actions"] = actions.insert(action_rows(), per_plan_actions * len(plans), "actions")

        # Measurements: spread over every (indicator, rep) of every plan, up to today.
        measurements = Inserter(Measurement, ["id", "indicator_id", "rep_id", "date", "value"])
        first = measurements.next_id()
        pairs = [
            (plan, ind_id, rep_id)
            for plan in plans
            for ind_id in indicators_of[plan.pk]
            for rep_id in reps_of[plan.team_id]
        ]
        per_pair = max(1, args.measurements // len(pairs))

        def measurement_rows():
            pk = first
            for plan, ind_id, rep_id in pairs:
                last = min(plan.end_date, today)
                span = max(0, (last - plan.start_date).days)
                for _ in range(per_pair):
                    day = plan.start_date + dt.timedelta(days=rng.randrange(span + 1))
                    yield (pk, ind_id, rep_id, db_date(day), rng.randrange(0, 500))
                    pk += 1

        counts["measurements"] = measurements.insert(
            measurement_rows(), per_pair * len(pairs), "measurements"
        )

        # Training: 20 trainings, a session every half-year, two seats a rep a year.
        trainings = Training.objects.bulk_create(
            Training(
                title=f"{PREFIX} training {i}",
                topic="sales_technique",
                kind="classroom",
                duration_hours=7,
            )
            for i in range(TRAININGS)
        )
        trainings = list(Training.objects.filter(title__startswith=f"{PREFIX} training "))
        first_year = today.year - args.years + 1
        TrainingSession.objects.bulk_create(
            TrainingSession(
                training=training,
                starts_at=dt.datetime(year, month, 10, 9, tzinfo=dt.UTC),
                duration_hours=training.duration_hours,
                place="Paris",
                capacity=10_000,
            )
            for training in trainings
            for year in range(first_year, today.year + 1)
            for month in (3, 9)
        )
        sessions = list(TrainingSession.objects.filter(training__in=trainings))
        by_year = {}
        for s in sessions:
            by_year.setdefault(s.starts_at.year, []).append(s.pk)
        enrolments = Inserter(Enrollment, ["id", "session_id", "rep_id", "status"])
        first = enrolments.next_id()
        all_reps = [r for team in teams for r in reps_of[team.pk]]

        def enrolment_rows():
            pk = first
            for year, ids in by_year.items():
                status = "completed" if year < today.year else "planned"
                for rep_id in all_reps:
                    for session_id in rng.sample(ids, min(2, len(ids))):
                        yield (pk, session_id, rep_id, status)
                        pk += 1

        counts["enrolments"] = enrolments.insert(
            enrolment_rows(), len(by_year) * len(all_reps) * 2, "enrolments"
        )
        counts["trainings"] = len(trainings)
        hr.save()
    reset_sequences(Action, Measurement, Enrollment)
    return counts


def main(argv=None) -> None:
    args = parse_args(argv)
    call_command("migrate", verbosity=0, interactive=False)
    db = settings.DATABASES["default"]
    print(f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}", file=sys.stderr)
    if get_user_model().objects.filter(username=f"{PREFIX}-hr").exists():
        print("already generated (bench-hr exists): nothing done", file=sys.stderr)
        return
    started = time.perf_counter()
    counts = generate(args)
    if not IS_PG:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    took = time.perf_counter() - started
    summary = ", ".join(f"{v:,} {k}" for k, v in counts.items())
    print(f"generated in {took:.0f} s: {summary}")


if __name__ == "__main__":
    main()
