"""API lists and the dashboard: query counts constant at two sizes."""

import pytest

from .test_dashboard_queries import populate

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("reps", "indicators", "weeks"), [(1, 2, 2), (8, 13, 25)])
def test_indicator_list_and_dashboard_queries(
    api, plan, lever, team, manager, reps, indicators, weeks, django_assert_max_num_queries
):
    plan.status = "active"
    plan.save()
    populate(plan, lever, team, reps, indicators, weeks)
    api.force_authenticate(manager)
    # count, page, actions and levers prefetch, SMART check (3), role, visible teams.
    with django_assert_max_num_queries(NUM_LIST):
        assert api.get("/api/v1/indicators/").status_code == 200
    # the team, then the dashboard's 7 or 8 (last values only when some indicator needs them),
    # then the reasons of the at-risk cells (4: lever links, action links, late actions, latest
    # figures).
    with django_assert_max_num_queries(NUM_DASHBOARD):
        response = api.get(f"/api/v1/dashboard/{team.pk}/?today=2026-03-31")
    assert response.status_code == 200
    assert len(response.json()["rows"]) == reps + 2


NUM_LIST = 8  # measured at both sizes
NUM_DASHBOARD = 13  # measured: 12 without a "last value" indicator, 13 with
