"""Query counts of the rep page and the indicator page, constant at two sizes."""

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .test_dashboard_queries import populate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2026, 3, 31), tick=False):
        yield


@pytest.mark.parametrize(("reps", "indicators", "weeks"), [(1, 2, 2), (8, 13, 25)])
def test_rep_page_queries_are_constant(
    plan, lever, team, rep, login, reps, indicators, weeks, django_assert_max_num_queries
):
    plan.status = "active"
    plan.save()
    populate(plan, lever, team, reps, indicators, weeks)
    client = login(rep)
    # The dashboard's 12 for one rep (reasons included), the weekly series of all indicators
    # (1), the rep's actions with their indicators (2), the rep and the team lookups (2), and
    # the request's own (session, user, role, navigation, reminders bell).
    with django_assert_max_num_queries(NUM_REP):
        response = client.get(f"/indicators/rep/{rep.pk}/")
    assert response.status_code == 200


@pytest.mark.parametrize(("reps", "indicators", "weeks"), [(1, 2, 2), (8, 13, 25)])
def test_indicator_page_queries_are_constant(
    plan, lever, team, manager, login, reps, indicators, weeks, django_assert_max_num_queries
):
    plan.status = "active"
    plan.save()
    inds = populate(plan, lever, team, reps, indicators, weeks)
    client = login(manager)
    # The indicator, the reps, the progress engine (targets, aggregates, last values), the
    # reasons of the at-risk rows (4), the what-if form's reps and role (2),
    # SMART check (3), linked actions, latest figures, targets, the chart's series, the
    # forms' choices, and the request's own.
    with django_assert_max_num_queries(NUM_IND):
        response = client.get(f"/indicators/{inds[0].pk}/")
    assert response.status_code == 200


NUM_REP = 21  # measured: 20 without a "last value" indicator, 21 with
NUM_IND = 23  # measured at both sizes


def test_a_rate_page_names_its_parts_for_one_query_more(plan, lever, team, manager, login):
    plan.status = "active"
    plan.save()
    inds = populate(plan, lever, team, 1, 2, 2)
    plain, rate = inds[0], next(i for i in inds if i.kind == "rate")
    client = login(manager)
    queries = {}
    for indicator in (plain, rate):
        client.get(f"/indicators/{indicator.pk}/")  # computed, then served from the cache
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/indicators/{indicator.pk}/")
        assert response.status_code == 200
        queries[indicator.pk] = len(captured)
    parts = f"{rate.numerator.name} / {rate.denominator.name} \N{MULTIPLICATION SIGN} 100"
    assert parts in response.content.decode()
    assert queries[rate.pk] == queries[plain.pk] + 1  # both parts in one query, rates only
