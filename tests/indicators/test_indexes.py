"""The team dashboard's aggregate over measurements is driven by ``measurement_ind_rep_date``.

The query is taken from a real ``dashboard()`` call and explained by the database (SQLite's
``EXPLAIN QUERY PLAN``; PostgreSQL's ``EXPLAIN`` with sequential scans discouraged, the test
table being too small for the planner to prefer an index on its own).
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.models import Measurement
from indicators.selectors import dashboard
from indicators.trends import dashboard_trends
from plans.models import PlanStatus

from .conftest import START, make_indicator, make_target

pytestmark = pytest.mark.django_db


def query_plan(sql: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql)
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def test_measurement_index_exists():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Measurement._meta.db_table)
    # The key, then what the dashboard's aggregate and weekly series read: from the index alone.
    assert constraints["measurement_ind_rep_date"]["columns"] == [
        "indicator_id",
        "rep_id",
        "date",
        "id",
        "archived_at",
        "value",
        "category",
    ]


def test_dashboard_sums_measurements_through_the_index(plan, team, rep, rep2):
    plan.status = PlanStatus.ACTIVE
    plan.save()
    indicator = make_indicator(plan, name="Revenue")
    make_target(indicator, rep, 1000)
    Measurement.objects.bulk_create(
        Measurement(indicator=indicator, rep=r, date=START + timedelta(days=d), value=10)
        for r in (rep, rep2)
        for d in range(5)
    )
    with CaptureQueriesContext(connection) as queries:
        dashboard(team, today=START + timedelta(days=10))
    sums = [
        q["sql"]
        for q in queries.captured_queries
        if '"indicators_measurement"' in q["sql"] and "SUM(" in q["sql"]
    ]
    assert sums, "the dashboard did not aggregate measurements"
    assert "measurement_ind_rep_date" in query_plan(sums[0])


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="PostgreSQL's planner prefers the narrowest index on a test table of ten rows",
)
def test_dashboard_reads_figures_from_the_index_alone(plan, team, rep, rep2):
    """The grid's aggregate and the trend charts' weekly series read a year of a team's
    figures: each from the index, never a lookup of every row in the table (SQLite)."""
    plan.status = PlanStatus.ACTIVE
    plan.save()
    indicator = make_indicator(plan, name="Revenue")
    make_target(indicator, rep, 1000)
    Measurement.objects.bulk_create(
        Measurement(indicator=indicator, rep=r, date=START + timedelta(days=d), value=10)
        for r in (rep, rep2)
        for d in range(5)
    )
    today = START + timedelta(days=10)
    with CaptureQueriesContext(connection) as queries:
        dashboard_trends(dashboard(team, today=today, plan=plan))
    reads = [
        q["sql"]
        for q in queries.captured_queries
        if '"indicators_measurement"' in q["sql"] and "SUM(" in q["sql"]
    ]
    assert len(reads) == 2, "the grid's aggregate and the weekly series"
    for sql in reads:
        explained = query_plan(sql)
        assert "COVERING INDEX measurement_ind_rep_date" in explained, explained
