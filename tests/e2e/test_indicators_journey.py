"""Browser journeys of the steering pages (indicators/), on Debian's Chromium.

The manager reads the team grid (one rep on track, one at risk, one off track) and opens an
indicator's chart; a rep enters this week's figure on a phone and sees their status change.
"""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from indicators.models import Measurement
from plans.models import Plan
from tests.indicators.conftest import make_indicator, make_target

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"


@pytest.fixture
def axe():
    """axe-core's serious and critical violations. The script is evaluated through the
    browser's debugging protocol, which the strict CSP (script-src 'self') does not block,
    unlike an injected <script> tag."""

    def _run(page):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
        result = page.evaluate("async () => await axe.run(document)")
        return [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    return _run


@pytest.fixture
def live_plan(team, rep, rep2, manager):
    today = timezone.localdate()
    plan = Plan.objects.create(
        team=team,
        title="PAC",
        start_date=today - timedelta(days=90),
        end_date=today + timedelta(days=90),
        status="active",
    )
    revenue = make_indicator(plan)
    for who in (rep, rep2):
        make_target(revenue, who, 181_000, period_start=plan.start_date, period_end=plan.end_date)
    Measurement.objects.create(indicator=revenue, rep=rep2, date=plan.start_date, value=95_000)
    Measurement.objects.create(indicator=revenue, rep=rep, date=plan.start_date, value=60_000)
    return revenue


def test_rep_enters_the_week_and_sees_the_status_change(phone, log_in, rep, live_plan, axe):
    log_in(phone, rep)
    phone.goto("/indicators/week/")
    row = phone.locator("tbody tr").first
    assert "En dérive" in row.inner_text()
    assert axe(phone) == []
    row.locator("input").fill("40000")
    phone.get_by_role("button", name="Enregistrer la semaine").click()
    phone.get_by_text("Les chiffres de la semaine sont enregistrés.").wait_for()
    assert "En bonne voie" in phone.locator("tbody tr").first.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_manager_reads_the_grid_and_the_chart(desk, log_in, manager, live_plan, axe):
    errors = []
    # htmx's own indicator <style> is the base layout's matter; ours is every other error.
    desk.on(
        "console",
        lambda m: m.type == "error" and "htmx" not in m.location["url"] and errors.append(m.text),
    )
    log_in(desk, manager)
    desk.goto("/indicators/")
    grid = desk.locator("#team-grid")
    assert "En bonne voie" in grid.inner_text() and "En dérive" in grid.inner_text()
    assert axe(desk) == []
    desk.locator("#team-grid thead a[href^='/indicators/']").filter(
        has=desk.locator("i")
    ).first.click()
    desk.wait_for_url("**/indicators/*/")
    canvas = desk.locator("canvas#trend")
    canvas.wait_for()
    assert desk.evaluate("() => !!Chart.getChart(document.getElementById('trend'))")
    assert errors == []  # nothing blocked by the strict CSP
    assert axe(desk) == []


def test_steering_pages_pass_axe(desk, log_in, manager, rep, live_plan, axe):
    log_in(desk, manager)
    for path in (
        f"/indicators/rep/{rep.pk}/",
        f"/indicators/plan/{live_plan.plan_id}/",
        f"/indicators/{live_plan.pk}/edit/",
        "/indicators/catalogue/",
    ):
        desk.goto(path)
        assert axe(desk) == [], path
