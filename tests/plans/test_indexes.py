"""The indexes made for the pages and jobs of the benchmarks exist and drive their queries.

Each test runs the real page or job, takes the query it is about from what was executed and
asks the database for its plan: SQLite's ``EXPLAIN QUERY PLAN``, or PostgreSQL's ``EXPLAIN``
with sequential scans discouraged (a test table is too small for the planner to prefer an
index on its own; this proves the index can serve the query).
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from plans.models import Action, PlanStatus
from plans.services import action_create
from reminders.sweep import run_sweep

pytestmark = pytest.mark.django_db


def index_names(table: str) -> set[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {name for name, info in constraints.items() if info["index"]}


def query_plan(sql: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql)
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def executed(queries, *fragments: str) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if all(f in q["sql"] for f in fragments)]


def test_action_indexes_exist():
    names = index_names(Action._meta.db_table)
    assert {
        "action_open_due",
        "action_assignee",
        "action_lever_status_due",
        "action_reminder_due",
    } <= names


def test_action_filter_people_list_reads_the_lever_index_alone(login, manager, rep_action):
    # A manager's "My actions" offers the team's people (a rep's does not).
    client = login(manager)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/my-actions/")
    assert response.status_code == 200
    people = executed(queries, 'FROM "auth_user"', '"plans_action"')
    assert people, "the filter's list of people was not queried"
    plan = query_plan(people[0])
    if connection.vendor == "postgresql":
        # PostgreSQL's planner picks among the action indexes by the (tiny) test data's
        # statistics; what matters is that no action row is read by a full scan.
        assert "Seq Scan on plans_action" not in plan, plan
        assert "plans_action" in plan and "Index" in plan, plan
    else:
        assert "COVERING INDEX action_lever_status_due" in plan, plan


def test_reminder_sweep_reads_the_due_actions_from_their_partial_index(plan, lever, manager, rep):
    plan.status = PlanStatus.ACTIVE
    plan.save()
    today = timezone.localdate()
    action_create(
        lever=lever, by=manager, title="Call back", assignee=rep, due_date=today - timedelta(days=3)
    )
    with CaptureQueriesContext(connection) as queries:
        run_sweep(dispatch=lambda _pk: None)
    due = executed(queries, 'FROM "plans_action"', '"next_reminder_at" <=')
    assert due
    plan = query_plan(due[0])
    if connection.vendor == "postgresql":
        assert "action_reminder_due" in plan and "Seq Scan on plans_action" not in plan, plan
    else:
        assert "action_reminder_due" in plan, plan
