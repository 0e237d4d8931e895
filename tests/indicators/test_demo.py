"""The demo company's indicators: one rep on track, one at risk, one off track."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from indicators.models import Indicator, Measurement
from indicators.selectors import dashboard
from indicators.smart import smart_checks
from teams.models import Team

pytestmark = pytest.mark.django_db


def test_demo_team_grid_has_one_rep_green_one_amber_one_red():
    call_command("seed_demo", password="pac-demo")
    team = Team.objects.get(manager__username="manager")
    board = dashboard(team, today=timezone.localdate())
    assert board.plan is not None and board.indicators
    by_rep = {row.rep.username: row for row in board.rows}
    revenue = next(i for i, ind in enumerate(board.indicators) if ind.template_code == "revenue")
    assert by_rep["rep1"].cells[revenue].status == "on_track"
    assert by_rep["rep2"].cells[revenue].status == "at_risk"
    assert by_rep["rep3"].cells[revenue].status == "off_track"
    assert by_rep["rep1"].worst_rank == 2  # all on track
    assert by_rep["rep2"].worst_rank == 1  # at risk at worst
    assert by_rep["rep3"].worst_rank == 0
    # About three months of weekly figures, and every indicator SMART.
    assert (
        Measurement.objects.filter(rep__username="rep1", indicator__template_code="revenue").count()
        >= 10
    )
    checks = smart_checks(Indicator.objects.filter(plan=board.plan))
    assert all(c.is_smart for c in checks.values()), {
        str(c.indicator): c.reasons for c in checks.values() if not c.is_smart
    }


def test_demo_pages_render_for_the_manager_and_rep1(client):
    call_command("seed_demo", password="pac-demo")
    assert client.login(username="manager", password="pac-demo")
    page = client.get("/indicators/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-status="on_track"' in html and 'data-status="at_risk"' in html
    assert 'data-status="off_track"' in html
    ind = Indicator.objects.filter(plan__team__manager__username="manager").first()
    assert client.get(f"/indicators/{ind.pk}/").status_code == 200
    assert client.login(username="rep1", password="pac-demo")
    assert client.get("/indicators/week/").status_code == 200
