"""The team dashboard's plan choice, in a real browser: last period's plan on request, and
its trend charts."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command

from indicators.models import Indicator, Measurement, Target
from plans.models import Plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def previous_plan(manager, *, days: int) -> Plan:
    """A closed plan of the manager's team over the ``days`` before the running one."""
    current = Plan.objects.filter(team__manager=manager, status="active").first()
    return Plan.objects.create(
        team=current.team,
        title="PAC période précédente",
        start_date=current.start_date - timedelta(days=days),
        end_date=current.start_date - timedelta(days=1),
        status="closed",
        created_by=manager,
    )


def test_manager_reads_last_periods_plan_on_the_dashboard(
    desk, log_in, axe, password, django_user_model
):
    call_command("seed_demo", password=password)
    manager = django_user_model.objects.get(username="manager")
    before = previous_plan(manager, days=180)
    Indicator.objects.create(plan=before, name="Devis signés (avant)", kind="quantitative")
    log_in(desk, manager)
    desk.goto("/indicators/")
    assert desk.get_by_role("columnheader", name="Devis signés (avant)").count() == 0
    desk.locator("select[name=plan]").select_option(str(before.pk))
    desk.get_by_role("button", name="Afficher").click()
    desk.wait_for_url(f"**/indicators/?plan={before.pk}")
    desk.get_by_role("link", name="Devis signés (avant)").wait_for()
    assert axe(desk) == []
    # Sorting by a column keeps the chosen plan.
    desk.get_by_role("link", name="Devis signés (avant)").click()
    desk.wait_for_url(f"**/indicators/?plan={before.pk}&sort=*")
    desk.get_by_role("link", name="Devis signés (avant)").wait_for()


def test_manager_reads_a_plans_trend_charts_for_the_team_then_a_rep(
    desk, log_in, axe, password, django_user_model
):
    """The chosen plan's charts draw its figures week by week, the team's then one rep's, each
    against its target line; on a phone they keep inside the screen."""
    call_command("seed_demo", password=password)
    manager = django_user_model.objects.get(username="manager")
    rep1, rep2 = (django_user_model.objects.get(username=u) for u in ("rep1", "rep2"))
    before = previous_plan(manager, days=182)
    quotes = Indicator.objects.create(
        plan=before, name="Devis signés (avant)", kind="quantitative", unit="count"
    )
    period = {"period_start": before.start_date, "period_end": before.end_date}
    Target.objects.bulk_create(
        Target(indicator=quotes, rep=rep, value=20, **period) for rep in (rep1, rep2)
    )
    # Weeks counted from the Monday of the plan's first week.
    first_monday = before.start_date - timedelta(days=before.start_date.weekday())
    figures = [(rep1, 1, 3), (rep2, 1, 2), (rep1, 2, 4), (rep2, 4, 1)]  # (who, week, value)
    for rep, week, value in figures:
        day = first_monday + timedelta(days=7 * week + 2)
        Measurement.objects.create(indicator=quotes, rep=rep, date=day, value=value)

    log_in(desk, manager)
    desk.goto("/indicators/")
    desk.locator("select[name=plan]").select_option(str(before.pk))
    desk.get_by_role("button", name="Afficher", exact=True).click()
    desk.wait_for_url(f"**/indicators/?plan={before.pk}")
    team = drawn(desk, "Devis signés (avant)")
    # The team's running total: 5 in week 1, 9 in week 2, nothing in week 3 (a gap), 10 in
    # week 4; the target line rises to the reps' 40 together at the period's end.
    assert team["actual"][:5] == [None, 5, 9, None, 10]
    assert team["target"][-1] == 40
    assert axe(desk) == []

    desk.locator("select[name=who]").select_option(str(rep1.pk))
    desk.get_by_role("button", name="Voir les tendances").click()
    desk.wait_for_url(f"**/indicators/?plan={before.pk}&who={rep1.pk}*")
    alone = drawn(desk, "Devis signés (avant)")
    assert alone["actual"][:5] == [None, 3, 7, None, None]
    assert alone["target"][-1] == 20
    figure = desk.locator("figure", has_text="Devis signés (avant)")
    summary = figure.locator("[data-trend-summary]").inner_text()
    assert "7" in summary and "20" in summary
    # The same figures as a table, one row a week of the (past) plan.
    figure.locator("summary").click()
    rows = figure.locator("details table tbody tr")
    assert rows.count() == len(alone["actual"])
    none = "\N{EN DASH}"  # a week with no figure
    assert [rows.nth(i).locator("td").first.inner_text() for i in range(4)] == [
        none,
        "3",
        "7",
        none,
    ]

    desk.set_viewport_size({"width": 390, "height": 844})
    box = desk.locator("canvas[data-chart='dashboard-trend']").first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390


def drawn(page, name: str) -> dict:
    """The chart of indicator ``name``: the data the page gave it, checked against what
    Chart.js draws, and its canvas holding painted pixels."""
    data = json.loads(page.locator("#dashboard-trends").text_content())
    index = next(i for i, c in enumerate(data["charts"]) if c["name"] == name)
    canvas = page.locator(f"canvas[data-chart='dashboard-trend'][data-index='{index}']")
    canvas.scroll_into_view_if_needed()
    seen = canvas.evaluate(
        """(canvas) => {
          const chart = Chart.getChart(canvas);
          const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
          let painted = 0;
          for (let i = 3; i < pixels.data.length; i += 4) { if (pixels.data[i] > 0) painted++; }
          return {sets: chart ? chart.data.datasets.map((d) => d.data) : null, painted: painted,
                  width: canvas.width, height: canvas.height};
        }"""
    )
    chart = data["charts"][index]
    assert seen["sets"] == [chart["actual"], chart["target"]]
    assert seen["width"] > 0 and seen["height"] > 0
    assert seen["painted"] > 500  # axes, lines and points, not a blank canvas
    return chart
