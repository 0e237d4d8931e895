"""The team dashboard's plan choice (``?plan=``): one of the team's plans, never another's."""

from datetime import date

import pytest
import time_machine

from plans.models import Plan

from .conftest import END, START, make_indicator

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2026, 3, 31), tick=False):
        yield


@pytest.fixture
def last_year(team, manager):
    plan = Plan.objects.create(
        team=team,
        title="PAC 2025",
        start_date=START.replace(year=2025),
        end_date=END.replace(year=2025),
        status="closed",
        created_by=manager,
    )
    make_indicator(plan, name="Devis signés 2025")
    return plan


def test_the_current_plan_by_default_and_another_on_request(login, manager, grid, last_year):
    client = login(manager)
    page = client.get("/indicators/").content.decode()
    assert "Devis signés 2025" not in page and 'name="plan"' in page
    page = client.get(f"/indicators/?plan={last_year.pk}").content.decode()
    assert "Devis signés 2025" in page
    assert f'<option value="{last_year.pk}" selected>' in page
    assert f"?plan={last_year.pk}&sort=" in page  # sorting keeps the plan


def test_another_teams_plan_or_garbage_is_a_404(login, manager, grid, other_plan):
    client = login(manager)
    assert client.get(f"/indicators/?plan={other_plan.pk}").status_code == 404
    assert client.get("/indicators/?plan=abc").status_code == 404
