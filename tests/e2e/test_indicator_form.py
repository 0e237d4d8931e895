"""The indicator form in a real browser shows the fields of the chosen kind only."""

import pytest

from tests.plans.factories import PlanFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def visible(page, name) -> bool:
    return page.locator(f"#div_id_{name}").is_visible()


def test_a_count_shows_its_fields_and_a_rate_its_own(desk, manager, team, log_in):
    plan = PlanFactory(team=team, created_by=manager, status="draft")
    log_in(desk, manager)
    desk.goto(f"/indicators/plan/{plan.pk}/new/")
    desk.locator("select[name=kind]").select_option("quantitative")
    assert visible(desk, "unit") and visible(desk, "aggregation")
    for name in ("numerator", "scale_min", "categories", "qualitative_mode"):
        assert not visible(desk, name), name
    desk.locator("select[name=kind]").select_option("rate")
    assert visible(desk, "numerator") and visible(desk, "denominator")
    assert not visible(desk, "unit")
    desk.locator("select[name=kind]").select_option("qualitative")
    desk.locator("select[name=qualitative_mode]").select_option("categories")
    assert visible(desk, "categories") and visible(desk, "target_category")
    assert not visible(desk, "scale_min")
    assert visible(desk, "name") and visible(desk, "definition")
