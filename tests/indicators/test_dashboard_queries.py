"""The dashboard's query count does not grow with reps, indicators or measurements."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection

from indicators.models import Indicator, Measurement, Target
from indicators.selectors import dashboard
from indicators.trends import dashboard_trends
from plans.models import Action
from teams.roles import Role
from tests.factories import UserFactory

from .conftest import END, START, make_indicator

pytestmark = pytest.mark.django_db


def populate(plan, lever, team, reps: int, indicators: int, weeks: int):
    """``reps`` extra reps, ``indicators`` of mixed aggregations (plus a rate and an internal
    one), each rep with a target and a figure a week on each."""
    new = [UserFactory(role=Role.REP) for _ in range(reps)]
    team.members.add(*new)
    people = list(team.members.all())
    inds = [
        make_indicator(plan, name=f"I{i}", aggregation=("sum", "avg", "last")[i % 3])
        for i in range(indicators)
    ]
    inds.append(
        make_indicator(
            plan, name="Rate", kind="rate", unit="percent", numerator=inds[0], denominator=inds[1]
        )
    )
    internal = make_indicator(plan, name="Done", computation="actions_completed", unit="count")
    internal.levers.add(lever)
    inds.append(internal)
    Target.objects.bulk_create(
        Target(indicator=i, rep=r, value=100, period_start=START, period_end=END)
        for i in inds
        for r in people
    )
    Measurement.objects.bulk_create(
        Measurement(indicator=i, rep=r, date=START + timedelta(days=7 * w), value=10)
        for i in inds
        if not i.is_computed
        for r in people
        for w in range(weeks)
    )
    for r in people:
        a = Action.objects.create(lever=lever, title="x", assignee=r, due_date=START, status="done")
        a.indicators.add(inds[0])
    return inds


@pytest.mark.parametrize(("reps", "indicators", "weeks"), [(1, 2, 2), (8, 13, 25)])
def test_dashboard_queries_are_constant(
    plan, lever, team, reps, indicators, weeks, django_assert_max_num_queries
):
    plan.status = "active"
    plan.save()
    populate(plan, lever, team, reps, indicators, weeks)
    # 1 current plan, 2 indicators, 3 reps, 4 targets, 5 aggregates, 6 last values,
    # 7 internal action counts, 8 completed actions with their indicators; the reasons of the
    # at-risk cells: 9 lever links, 10 action links, 11 late actions, 12 latest figures.
    with django_assert_max_num_queries(12):
        board = dashboard(team, today=date(2026, 3, 31))
    assert len(board.rows) == reps + 2
    assert all(c.status != "no_target" for row in board.rows for c in row.cells)


@pytest.mark.parametrize(("reps", "indicators", "weeks"), [(1, 2, 2), (8, 13, 25)])
def test_dashboard_page_queries_are_constant(
    plan, lever, team, manager, login, reps, indicators, weeks, django_assert_max_num_queries
):
    plan.status = "active"
    plan.save()
    populate(plan, lever, team, reps, indicators, weeks)
    client = login(manager)
    # The 12 of the dashboard, the trend charts' 2 (weekly figures, weekly actions of the
    # internal indicator), plus the request's own: session, user, role (groups), the team of
    # the user, the navigation's role, the reminders bell (another app): 19 measured.
    # PostgreSQL reads the "last value" figures in a query of their own (a window query:
    # indicators.progress._collect_figures says why), SQLite in the grouped one.
    budget = 20 if connection.vendor == "postgresql" else 19
    with time_machine.travel(date(2026, 3, 31), tick=False), django_assert_max_num_queries(budget):
        response = client.get("/indicators/")
    assert response.status_code == 200
    assert Indicator.objects.count() == indicators + 2
    assert response.content.decode().count('data-chart="dashboard-trend"') == indicators + 2


@pytest.mark.parametrize(("reps", "indicators", "weeks"), [(1, 2, 2), (8, 13, 25)])
@pytest.mark.parametrize("for_a_rep", [False, True])
def test_trend_queries_are_constant(
    plan, lever, team, rep, reps, indicators, weeks, for_a_rep, django_assert_max_num_queries
):
    plan.status = "active"
    plan.save()
    populate(plan, lever, team, reps, indicators, weeks)
    board = dashboard(team, today=date(2026, 3, 31))
    # 1 weekly figures (rates' parts with them), 2 weekly actions of the internal indicator.
    with django_assert_max_num_queries(2):
        trends = dashboard_trends(board, rep=rep if for_a_rep else None)
    assert len(trends) == indicators + 2
    # Every entered indicator and the rate have points (populate completes no action by date).
    assert all(any(v is not None for v in t.actual) for t in trends if not t.indicator.computation)
