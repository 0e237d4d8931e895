"""The team dashboard's plan choice, in a real browser: last period's plan on request."""

from datetime import timedelta

import pytest
from django.core.management import call_command

from indicators.models import Indicator
from plans.models import Plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_manager_reads_last_periods_plan_on_the_dashboard(
    desk, log_in, axe, password, django_user_model
):
    call_command("seed_demo", password=password)
    manager = django_user_model.objects.get(username="manager")
    current = Plan.objects.filter(team__manager=manager, status="active").first()
    before = Plan.objects.create(
        team=current.team,
        title="PAC période précédente",
        start_date=current.start_date - timedelta(days=180),
        end_date=current.start_date - timedelta(days=1),
        status="closed",
        created_by=manager,
    )
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
