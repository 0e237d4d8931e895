"""A CRM sync of 50,000 won deals from the loopback Pipedrive / ``bulk_create`` of the same
figures.

    .venv/bin/python bench/crm.py [--deals 50000] [--repeat 3]

Adds its own team ("bench crm": 10 reps with emails, an active plan, a revenue indicator) to
the scratch database and fills the loopback CRM of the tests (tests/crm/loopback.py, a
threaded ``http.server`` in this process) with ``--deals`` won deals of those reps. Times,
best of ``--repeat``, each followed by deleting what it wrote:
- ``crm.sync.sync_connection``: the whole road — 100 HTTP pages of 500 deals, JSON, owners
  matched by email, each figure checked, upserted by record id, one transaction per page;
- ``Measurement.objects.bulk_create`` of the same figures in one transaction, batches of
  2,000 (building the instances is timed too).
Prints ``crm sync: <ratio>x (goal <= 3x)``.
"""

# ruff: noqa: I001  (bench.common sets Django up: it must come first)
import argparse
import datetime as dt
import random
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import best_of

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from crm import services
from crm.models import Connection, SyncRun
from crm.sync import sync_connection
from indicators.models import Indicator, Kind, Measurement, Unit
from plans.models import Plan, PlanStatus
from teams.models import Team
from tests.crm.loopback import LoopbackCRM

TEAM = "bench crm"


def build(today: dt.date):
    team = Team.objects.filter(name=TEAM).first()
    if team is None:
        User = get_user_model()
        with transaction.atomic():
            manager = User.objects.create(username="bench-crm-m", email="crm-m@bench.test")
            team = Team.objects.create(name=TEAM, manager=manager)
            reps = [
                User.objects.create(username=f"bench-crm-r{r}", email=f"crm-r{r}@bench.test")
                for r in range(10)
            ]
            team.members.set(reps)
            plan = Plan.objects.create(
                team=team,
                title="PAC CRM",
                start_date=dt.date(today.year, 1, 1),
                end_date=dt.date(today.year, 12, 31),
                status=PlanStatus.ACTIVE,
            )
            Indicator.objects.create(
                plan=plan, name="CRM revenue", kind=Kind.QUANTITATIVE, unit=Unit.EUR
            )
    plan = Plan.objects.get(team=team, status=PlanStatus.ACTIVE)
    return team, plan, Indicator.objects.get(plan=plan, name="CRM revenue")


def main(argv=None) -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--deals", type=int, default=50_000)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args(argv)
    call_command("migrate", verbosity=0, interactive=False)
    today = timezone.localdate()
    team, plan, revenue = build(today)
    reps = list(team.members.order_by("pk"))
    rng = random.Random(7)
    days = max(1, (min(today, plan.end_date) - plan.start_date).days + 1)
    picks = [
        (
            n + 1,
            reps[n % len(reps)],
            plan.start_date + dt.timedelta(rng.randrange(days)),
            rng.randrange(100, 50_000),
        )
        for n in range(args.deals)
    ]
    with LoopbackCRM("pipedrive") as crm:
        for pk, rep, day, value in picks:
            crm.vendor.deal(pk, rep.email, amount=value, closed=day)
        Connection.objects.filter(team=team).delete()
        connection = services.connection_create(
            team=team,
            kind="pipedrive",
            name="Bench",
            base_url=crm.url,
            credentials=crm.vendor.credentials(),
        )
        services.mapping_add(connection=connection, metric="deals_won_amount", indicator=revenue)

        def clear():
            Measurement.all_objects.filter(indicator=revenue).delete()
            Connection.objects.filter(pk=connection.pk).update(cursors={})
            SyncRun.objects.filter(connection=connection).delete()

        def run_sync():
            connection.refresh_from_db()
            run = sync_connection(connection=connection)
            assert run is not None and run.error == "" and run.created == args.deals, run.error

        def run_bulk():
            objects = [
                Measurement(
                    indicator=revenue,
                    rep=r,
                    date=d,
                    value=Decimal(v),
                    source=connection.source,
                    external_id=f"deals:{pk}",
                )
                for pk, r, d, v in picks
            ]
            with transaction.atomic():
                for start in range(0, len(objects), 2000):
                    Measurement.objects.bulk_create(objects[start : start + 2000])

        clear()
        synced = bulked = float("inf")
        for _ in range(args.repeat):
            synced = min(synced, best_of(run_sync, 1))
            clear()
            bulked = min(bulked, best_of(run_bulk, 1))
            clear()
        pages = sum(1 for method, path in crm.vendor.calls if "deals" in path) // args.repeat
    print(
        f"  crm sync: {args.deals:,} deals in {pages} pages, sync {synced:.2f} s, "
        f"bulk_create {bulked:.2f} s",
        file=sys.stderr,
    )
    print(f"crm sync: {synced / bulked:.1f}x (goal <= 3x)")


if __name__ == "__main__":
    main()
