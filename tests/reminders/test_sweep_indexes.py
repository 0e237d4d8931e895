"""Every query of an incremental sweep reads an index: the open actions saved lately from
``action_open_updated``, the reminders still owed from ``reminder_undelivered``.

Each test runs a real sweep, takes the queries it executed and asks the database for their
plans (SQLite's ``EXPLAIN QUERY PLAN``; PostgreSQL's ``EXPLAIN`` with sequential scans
discouraged, the test tables being tiny: no sequential scan of the big tables must remain).
"""

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.models import Plan
from reminders.sweep import run_sweep
from tests.plans.test_indexes import executed, query_plan

from .conftest import MONDAY, day

pytestmark = pytest.mark.django_db

POSTGRES = connection.vendor == "postgresql"


def at(minutes: int) -> dt.datetime:
    return MONDAY + dt.timedelta(minutes=minutes)


@pytest.fixture
def incremental_queries(plan, make_action, rep):
    """The queries of an incremental sweep that has a saved action and owed reminders."""
    Plan.objects.filter(pk=plan.pk).update(updated_at=MONDAY - dt.timedelta(days=30))
    with time_machine.travel(at(-60), tick=False):
        make_action(rep, day(-2))
    with time_machine.travel(at(0), tick=False):
        run_sweep()  # full; its reminders stay pending (nothing dispatched)
    with time_machine.travel(at(5), tick=False):
        make_action(rep, day(-1), title="Saved after the full sweep")
    with time_machine.travel(at(15), tick=False), CaptureQueriesContext(connection) as queries:
        report = run_sweep()
    assert not report.full and report.created >= 1 and report.recipients == [rep.pk]
    return queries


def seq_scan(table: str, plan: str) -> bool:
    return re.search(rf"Seq Scan on {table}\b(?!_)", plan) is not None


def assert_reads(sql: str, index: str, table: str):
    plan = query_plan(sql)
    if POSTGRES:
        assert not seq_scan(table, plan), plan
    else:
        assert index in plan, plan


def test_the_state_query_probes_the_partial_indexes(incremental_queries):
    [state] = executed(incremental_queries, '"reminders_sweepstate"', "SELECT")
    assert_reads(state, "action_open_updated", "plans_action")
    assert_reads(state, "reminder_undelivered", "reminders_reminder")


def test_saved_actions_are_read_from_action_open_updated(incremental_queries):
    [changed] = executed(incremental_queries, 'SELECT "plans_action"."id"', '"updated_at" >=')
    assert_reads(changed, "action_open_updated", "plans_action")


@pytest.mark.parametrize(
    "fragments",
    [
        ('UPDATE "reminders_reminder" SET "state" = \'cancelled\'',),  # clean-up
        ('UPDATE "reminders_reminder" SET "state" = \'muted\'',),  # escalations only
        ('FROM "reminders_reminder"', "GROUP BY"),  # people owed a digest
    ],
    ids=["cancel", "mute", "owed"],
)
def test_the_owed_reminders_are_read_from_reminder_undelivered(incremental_queries, fragments):
    [sql] = executed(incremental_queries, *fragments)
    plan = query_plan(sql)
    if POSTGRES:
        assert not seq_scan("reminders_reminder", plan), plan
    elif "muted" in fragments[0]:
        # Driven from the (few) escalation-only people, by recipient: no full scan either.
        assert "SCAN reminders_reminder" not in plan.replace("USING INDEX", ""), plan
    else:
        assert "reminder_undelivered" in plan, plan


def test_the_incremental_sources_look_actions_up_by_key(incremental_queries):
    inserts = executed(incremental_queries, "INSERT INTO reminders_reminder")
    assert 4 <= len(inserts) <= 5  # one per source, no batch edges (no milestone: 4)
    for sql in inserts:
        plan = query_plan(sql)
        if POSTGRES:
            assert not seq_scan("plans_action", plan), plan
        else:
            assert "SCAN plans_action" not in plan, plan
