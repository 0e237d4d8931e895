"""Every "what is due?" query of the sweep reads an index: the actions and milestones due
from ``action_reminder_due`` / ``milestone_reminder_due`` (partial: stamped rows only), the
reminders still owed from ``reminder_state``.

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

from reminders.sweep import run_sweep
from tests.plans.test_indexes import executed, query_plan

from .conftest import MONDAY, day

pytestmark = pytest.mark.django_db

POSTGRES = connection.vendor == "postgresql"


@pytest.fixture
def sweep_queries(make_action, make_milestone, rep):
    """The queries of a sweep with an action and a milestone due, and reminders owed (an
    earlier sweep's, which it checks are still due, and its own)."""
    make_action(rep, day(-3))
    with time_machine.travel(MONDAY - dt.timedelta(hours=1), tick=False):
        run_sweep()
    milestone = make_milestone(day(-1))
    make_action(rep, day(-2), milestone=milestone)
    with time_machine.travel(MONDAY, tick=False), CaptureQueriesContext(connection) as queries:
        report = run_sweep()  # its reminders stay pending (nothing dispatched)
    assert report.created >= 3 and report.recipients
    return queries


def seq_scan(table: str, plan: str) -> bool:
    return re.search(rf"Seq Scan on {table}\b(?!_)", plan) is not None


@pytest.mark.parametrize(
    ("table", "index"),
    [("plans_action", "action_reminder_due"), ("plans_milestone", "milestone_reminder_due")],
)
def test_the_due_rows_are_read_from_their_partial_index(sweep_queries, table, index):
    due = executed(sweep_queries, f'FROM "{table}"', '"next_reminder_at" <=')
    assert len(due) == 2  # "any row due?", then the batch
    for sql in due:
        plan = query_plan(sql)
        assert index in plan, plan
        if POSTGRES:
            assert not seq_scan(table, plan), plan


@pytest.mark.parametrize(
    "fragments",
    [
        ('UPDATE "reminders_reminder" SET "state" = \'cancelled\'',),  # clean-up
        ('FROM "reminders_reminder"', "GROUP BY"),  # people owed a digest
    ],
    ids=["cancel", "owed"],
)
def test_the_owed_reminders_are_read_by_state(sweep_queries, fragments):
    [sql] = executed(sweep_queries, *fragments)
    plan = query_plan(sql)
    if POSTGRES:
        assert not seq_scan("reminders_reminder", plan), plan
    else:
        assert "reminder_state" in plan, plan


def test_the_stamps_are_claimed_by_one_update_per_next_stamp(sweep_queries):
    # One due action, one due milestone: one conditional UPDATE each.
    stamps = executed(sweep_queries, 'UPDATE "plans_action" SET "next_reminder_at"')
    assert len(stamps) == 1 and '"next_reminder_at" IN' in stamps[0].split("WHERE")[1]
    assert len(executed(sweep_queries, 'UPDATE "plans_milestone" SET "next_reminder_at"')) == 1
