"""The dashboard's trend charts: each indicator week by week, for the team or one rep, beside
the target line; a week with no figure is a gap, never a zero."""

import json
from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from indicators.models import Measurement
from indicators.selectors import dashboard
from indicators.trends import dashboard_trends
from plans.models import Action

from .conftest import TODAY, make_indicator, make_target

pytestmark = pytest.mark.django_db

# The plan starts on Thursday 1 January 2026: its first week is the one of Monday 29 December.
W0, W1, W2, W3 = date(2025, 12, 29), date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 19)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def figure(indicator, rep, day, value):
    return Measurement.objects.create(indicator=indicator, rep=rep, date=day, value=value)


@pytest.fixture
def world(active, lever, rep, rep2):
    """Revenue (sum, €), a response time (average, lower is better), a pipeline (last value,
    count) and the actions completed of ``lever``, with known figures in January."""
    revenue = make_indicator(active, name="Revenue")
    make_target(revenue, rep, 1000)
    make_target(revenue, rep2, 1000)
    figure(revenue, rep, date(2026, 1, 5), 100)
    figure(revenue, rep, date(2026, 1, 14), 200)
    figure(revenue, rep2, date(2026, 1, 6), 50)
    delay = make_indicator(
        active, name="Délai", unit="days", direction="lower", aggregation="avg", baseline=None
    )
    make_target(delay, rep, 2)
    figure(delay, rep, date(2026, 1, 6), 3)
    figure(delay, rep, date(2026, 1, 13), Decimal("1.5"))
    pipeline = make_indicator(active, name="Pipeline", unit="count", aggregation="last")
    figure(pipeline, rep, date(2026, 1, 5), 10)
    figure(pipeline, rep2, date(2026, 1, 13), 5)
    done = make_indicator(active, name="Done", unit="count", computation="actions_completed")
    done.levers.add(lever)
    for who, day in ((rep, 7), (rep2, 8), (rep, 21)):
        action = Action.objects.create(
            lever=lever, title="x", assignee=who, due_date=date(2026, 1, day), status="done"
        )
        at = timezone.make_aware(datetime(2026, 1, day, 10))
        Action.objects.filter(pk=action.pk).update(completed_at=at)
    return {"revenue": revenue, "delay": delay, "pipeline": pipeline, "done": done}


def trends_by_name(team, rep=None) -> dict:
    board = dashboard(team, today=TODAY)
    return {str(t.indicator): t for t in dashboard_trends(board, rep=rep)}


def week_values(trend, weeks=(W0, W1, W2, W3)) -> list:
    by_week = dict(zip(trend.weeks, trend.actual, strict=True))
    return [by_week[w] for w in weeks]


def test_the_teams_running_total_with_a_gap_for_a_week_without_figures(team, world):
    revenue = trends_by_name(team)["Revenue"]
    assert revenue.weeks[0] == W0 and revenue.weeks[-1] == date(2026, 6, 29)
    assert week_values(revenue) == [None, Decimal(150), Decimal(350), None]
    # The team's target is the sum of the reps' (2,000), spread evenly: the whole at the end.
    assert revenue.target[-1] == Decimal(2000)
    assert revenue.target[1] == Decimal("121.55")  # 11 days of 181 by Sunday 11 January


def test_one_reps_line_and_target(team, world, rep, rep2):
    revenue = trends_by_name(team, rep)["Revenue"]
    assert week_values(revenue) == [None, Decimal(100), Decimal(300), None]
    assert revenue.target[-1] == Decimal(1000)
    assert week_values(trends_by_name(team, rep2)["Revenue"]) == [None, Decimal(50), None, None]


def test_lower_is_better_is_judged_below_the_line(team, world, rep):
    delay = trends_by_name(team, rep)["Délai"]
    assert week_values(delay, (W1, W2)) == [Decimal(3), Decimal("1.5")]
    by_week = dict(zip(delay.weeks, delay.better, strict=True))
    assert (by_week[W1], by_week[W2], by_week[W3]) == (False, True, None)


def test_the_teams_last_value_adds_each_reps_latest(team, world):
    pipeline = trends_by_name(team)["Pipeline"]
    assert week_values(pipeline) == [None, Decimal(10), Decimal(15), None]


def test_actions_completed_count_week_by_week(team, world, rep):
    assert week_values(trends_by_name(team)["Done"]) == [None, Decimal(2), None, Decimal(3)]
    assert week_values(trends_by_name(team, rep)["Done"]) == [None, Decimal(1), None, Decimal(2)]


def test_the_page_draws_the_team_then_a_rep(login, manager, team, world, rep):
    client = login(manager)
    page = client.get(f"/indicators/?plan={world['revenue'].plan_id}").content.decode()
    assert "Semaine par semaine · l'équipe" in page
    data = chart_json(page)
    revenue = next(c for c in data["charts"] if c["name"] == "Revenue")
    assert data["weeks"][1:3] == ["2026-01-05", "2026-01-12"]
    assert revenue["actual"][:4] == [None, 150.0, 350.0, None]
    assert revenue["target"][-1] == 2000.0 and revenue["lower_is_better"] is False
    delay = next(c for c in data["charts"] if c["name"] == "Délai")
    assert delay["lower_is_better"] is True
    page = client.get(f"/indicators/?who={rep.pk}").content.decode()
    assert f"Semaine par semaine · {rep.get_full_name() or rep.username}" in page
    assert f'<option value="{rep.pk}" selected>' in page
    revenue = next(c for c in chart_json(page)["charts"] if c["name"] == "Revenue")
    assert revenue["actual"][:4] == [None, 100.0, 300.0, None]
    # The summary under the chart says the latest week in words: the response time of 1.5
    # days is under its ceiling of 2, which for a lower-is-better indicator is on track.
    assert (
        "Semaine du 12/01/2026 : 1,50 jours, ligne d'objectif 2 jours : sur la ligne ou mieux."
        in page
    )


def test_the_choice_keeps_the_plan_and_sort(login, manager, team, world):
    client = login(manager)
    page = client.get("/indicators/?sort=status&dir=desc").content.decode()
    form = page[page.index("data-trend-choice") : page.index('id="trend-who"')]
    assert f'name="plan" value="{world["revenue"].plan_id}"' in form
    assert 'name="sort" value="status"' in form and 'name="dir" value="desc"' in form


def test_someone_outside_the_team_or_garbage_is_a_404(login, manager, world, outsider):
    client = login(manager)
    assert client.get(f"/indicators/?who={outsider.pk}").status_code == 404
    assert client.get(f"/indicators/?who={manager.pk}").status_code == 404
    assert client.get("/indicators/?who=abc").status_code == 404


def chart_json(page: str) -> dict:
    start = page.index('<script id="dashboard-trends" type="application/json">')
    start = page.index(">", start) + 1
    return json.loads(page[start : page.index("</script>", start)])
