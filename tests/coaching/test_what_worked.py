"""What worked this period: how the linked indicators moved after actions, trainings and
challenges, against the same reps before and the reps who did not; no conclusion below the
stated minimum of cases; the page (table and chart) and the API, for those who see every rep."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coaching.insights import plan_report
from coaching.models import (
    Challenge,
    ChallengeGroup,
    Enrollment,
    Training,
    TrainingSession,
)
from indicators.insights import MIN_CASES
from indicators.models import Indicator, Measurement
from plans.models import Action, Lever, Plan, PlanStatus
from teams.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

START, END = dt.date(2026, 1, 1), dt.date(2026, 6, 30)
TODAY = dt.date(2026, 5, 31)
MARCH_1 = dt.date(2026, 3, 1)


def _at(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def _daily(indicator, rep, value_of):
    Measurement.objects.bulk_create(
        Measurement(indicator=indicator, rep=rep, date=day, value=value_of(day))
        for day in (START + dt.timedelta(n) for n in range((TODAY - START).days + 1))
    )


def _done(lever, rep, day, n):
    for i in range(n):
        Action.objects.create(
            lever=lever,
            title=f"{lever.name} {i}",
            assignee=rep,
            due_date=day,
            status="done",
            completed_at=_at(day),
        )


@pytest.fixture
def world(team, manager, rep, rep2):
    """rep does 5 Prospection actions and 2 Fidélisation ones on 1 March, attends a training
    and takes part in a challenge that day; their revenue doubles from then on (100 a day,
    then 200) while rep2, who did none of it, stays at 100 a day."""
    plan = Plan.objects.create(
        team=team, title="PAC S1", start_date=START, end_date=END, status=PlanStatus.ACTIVE
    )
    prospection = Lever.objects.create(plan=plan, name="Prospection", aim="prospect")
    retention = Lever.objects.create(plan=plan, name="Fidélisation", aim="retain", position=1)
    revenue = Indicator.objects.create(
        plan=plan, name="Revenue", kind="quantitative", unit="eur", aggregation="sum"
    )
    revenue.levers.add(prospection, retention)
    Indicator.objects.create(  # a "last value": not measured
        plan=plan, name="Pipeline", kind="quantitative", unit="eur", aggregation="last"
    )
    _daily(revenue, rep, lambda day: 100 if day < MARCH_1 else 200)
    _daily(revenue, rep2, lambda day: 100)
    _done(prospection, rep, MARCH_1, 5)
    _done(retention, rep, MARCH_1, 2)
    training = Training.objects.create(
        title="Négocier", topic="negotiation", kind="classroom", duration_hours=7, cost_per_seat=1
    )
    session = TrainingSession.objects.create(
        training=training, starts_at=_at(MARCH_1), place="Paris", capacity=5
    )
    Enrollment.objects.create(session=session, rep=rep, status="attended")
    Enrollment.objects.create(session=session, rep=rep2, status="no_show")
    challenge = Challenge.objects.create(
        team=team, title="Sprint", mode="teams", start_date=MARCH_1, end_date=dt.date(2026, 3, 31)
    )
    ChallengeGroup.objects.create(challenge=challenge, name="A").members.add(rep)
    return plan


def _rows(api, user, plan, **extra):
    api.force_authenticate(user)
    query = {"plan": plan.pk, "today": TODAY, **extra}
    return api.get("/api/v1/insights/what-worked/", query)


def test_the_lever_and_its_kind_of_action_moved_the_revenue(api, manager, world):
    response = _rows(api, manager, world)
    assert response.status_code == 200
    data = response.json()
    assert data["min_cases"] == MIN_CASES == 5
    assert data["window_weeks"] == 4
    rows = {(r["group"], r["label"]): r for r in data["rows"]}
    lever = rows[("lever", "Prospection")]
    # 700 a week in the 4 weeks before the week of 1 March, 1,400 in the 4 after; rep2: flat.
    assert lever["cases"] == 5
    assert (lever["before"], lever["after"], lever["others"]) == ("700.00", "1400.00", "0.00")
    assert lever["movement"] == "700.00"
    assert lever["verdict"] == "better"
    assert lever["indicator_name"] == "Revenue"
    kind = next(r for r in data["rows"] if r["group"] == "kind" and r["key"] == "prospect")
    assert kind["cases"] == 5 and kind["movement"] == "700.00"
    # Only "Revenue" is measured: the "last value" indicator says nothing about an action.
    assert {r["indicator_name"] for r in data["rows"]} == {"Revenue"}


def test_no_conclusion_below_the_minimum_of_cases(api, manager, world):
    rows = {(r["group"], r["label"]): r for r in _rows(api, manager, world).json()["rows"]}
    for key in (("lever", "Fidélisation"), ("training", "Négocier"), ("challenge", "Sprint")):
        row = rows[key]
        assert row["cases"] < MIN_CASES
        assert row["conclusive"] is False
        assert row["movement"] is None and row["verdict"] is None
    assert rows[("lever", "Fidélisation")]["cases"] == 2
    assert rows[("training", "Négocier")]["cases"] == 1  # rep2 did not show up: not a case


def test_a_season_that_lifts_everyone_is_not_credited(api, manager, rep2, world):
    revenue = Indicator.objects.get(plan=world, name="Revenue")
    Measurement.objects.filter(indicator=revenue, rep=rep2, date__gte=MARCH_1).update(value=200)
    rows = _rows(api, manager, world).json()["rows"]
    lever = next(r for r in rows if r["label"] == "Prospection")
    assert lever["others"] == "700.00"
    assert lever["movement"] == "0.00"
    assert lever["verdict"] == "same"


def test_cases_whose_windows_leave_the_period_so_far_are_left_out(api, manager, world):
    # On 20 March the four weeks after the week of 1 March are not over yet.
    data = _rows(api, manager, world, today="2026-03-20").json()
    assert data["rows"] == []


def test_who_may_read_it(api, manager, hr, rep, outsider, world):
    assert _rows(api, hr, world).status_code == 200
    assert _rows(api, rep, world).status_code == 403  # it compares colleagues' figures
    assert _rows(api, outsider, world).status_code == 404
    api.force_authenticate(manager)
    assert api.get("/api/v1/insights/what-worked/").json()["plan"] == world.pk  # their own
    assert api.get("/api/v1/insights/what-worked/?plan=x").status_code == 400
    assert api.get("/api/v1/insights/what-worked/?plan=99999").status_code == 404


def test_the_page_has_the_table_the_chart_and_the_stated_minimum(login, manager, world):
    page = login(manager).get(f"/coaching/what-worked/?plan={world.pk}", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert "No conclusion is drawn from fewer than 5 cases." in html
    assert 'id="what-worked-data"' in html and 'data-chart="what-worked"' in html
    assert "too few cases (fewer than 5): no conclusion" in html
    assert "better than the others" in html


def test_the_page_in_french(login, manager, world):
    html = login(manager).get(f"/coaching/what-worked/?plan={world.pk}").content.decode()
    assert "Ce qui a marché" in html
    assert "Aucune conclusion n'est tirée de moins de 5 cas." in html


def test_the_page_is_404_for_another_team_and_403_for_a_rep(login, client, rep, outsider, world):
    assert login(outsider).get(f"/coaching/what-worked/?plan={world.pk}").status_code == 404
    client.logout()
    assert login(rep).get(f"/coaching/what-worked/?plan={world.pk}").status_code == 403


def _count_queries(client, plan):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/coaching/what-worked/?plan={plan.pk}").status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_at_two_sizes(login, manager, rep, rep2, team, world):
    client = login(manager)
    _count_queries(client, world)  # once first: what the session caches is not counted
    small = _count_queries(client, world)
    small_lines = len(plan_report(world, today=TODAY).lines)
    # Bigger: two more reps, another measured indicator, ten more days of actions.
    lever = Lever.objects.get(plan=world, name="Prospection")
    visits = Indicator.objects.create(
        plan=world, name="Visits", kind="quantitative", unit="count", aggregation="avg"
    )
    visits.levers.add(lever)
    revenue = Indicator.objects.get(plan=world, name="Revenue")
    for n in range(2):
        newcomer = UserFactory(username=f"new{n}", role=Role.REP)
        team.members.add(newcomer)
        _daily(revenue, newcomer, lambda day: 100)
    for who in (rep, rep2):
        _daily(visits, who, lambda day: 3)
    for n in range(10):
        _done(lever, rep, dt.date(2026, 4, 1) + dt.timedelta(n), 3)
    assert _count_queries(client, world) == small
    assert len(plan_report(world, today=TODAY).lines) > small_lines
