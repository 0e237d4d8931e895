"""Closing a plan freezes its targets, whichever road closes it: the plan page, the API, or
archiving a draft. The admin cannot close a plan (its status is not editable there), and
seed_demo and the imports never change a plan's status. ``grid`` (conftest): revenue, rep at
95,000 and rep2 at 40,000 of a 181,000 target each, on 31 March."""

from datetime import date

import pytest
import time_machine

from indicators.models import Target
from indicators.progress import Status
from plans.models import Plan, PlanStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2026, 3, 31), tick=False):
        yield


def frozen(indicator) -> dict:
    """{rep id: (final actual, final status)} of the indicator's closed targets."""
    return {
        t.rep_id: (t.final_actual, t.final_status)
        for t in Target.objects.filter(indicator=indicator, closed_at__isnull=False)
    }


def expected(rep, rep2) -> dict:
    """What the grid's figures freeze to on 31 March."""
    return {rep.pk: (95_000, Status.ON_TRACK), rep2.pk: (40_000, Status.OFF_TRACK)}


def test_closing_on_the_plan_page_freezes_the_targets(login, manager, grid, rep, rep2):
    assert frozen(grid) == {}
    response = login(manager).post(f"/plans/{grid.plan_id}/close/")
    assert response.status_code == 302
    assert Plan.objects.get(pk=grid.plan_id).status == PlanStatus.CLOSED
    assert frozen(grid) == expected(rep, rep2)


def test_closing_through_the_api_freezes_the_targets(api, manager, grid, rep, rep2):
    api.force_authenticate(manager)
    response = api.post(f"/api/v1/plans/{grid.plan_id}/close/")
    assert response.status_code == 200, response.content
    assert frozen(grid) == expected(rep, rep2)


def test_archiving_a_draft_freezes_its_targets(login, manager, grid, rep, rep2):
    Plan.objects.filter(pk=grid.plan_id).update(status=PlanStatus.DRAFT)
    response = login(manager).post(f"/plans/{grid.plan_id}/archive/")
    assert response.status_code == 302
    assert Plan.objects.get(pk=grid.plan_id).status == PlanStatus.ARCHIVED
    assert frozen(grid) == expected(rep, rep2)


def test_a_closed_plan_archived_keeps_the_figures_frozen_at_its_close(
    login, manager, grid, rep, rep2
):
    client = login(manager)
    client.post(f"/plans/{grid.plan_id}/close/")
    closed_at = set(Target.objects.values_list("closed_at", flat=True))
    client.post(f"/plans/{grid.plan_id}/archive/")
    assert set(Target.objects.values_list("closed_at", flat=True)) == closed_at
    assert frozen(grid) == expected(rep, rep2)


def test_the_admin_shows_the_status_but_cannot_change_it(login, admin_user, grid):
    page = login(admin_user).get(f"/admin/plans/plan/{grid.plan_id}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="title"' in html and 'name="status"' not in html
