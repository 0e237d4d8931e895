"""The cached team grid and indicator figures (teams/team_cache.py): served again without
recomputing, never stale after a write through the services (pages, API, imports, the
admin's forms), never shown to someone it was not computed for.

``grid`` (conftest): revenue, rep on track (95,000 of 90,000 expected), rep2 off track
(40,000), the team off track (135,000 of 180,000)."""

import re
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from indicators import services
from indicators.imports import measurement_import_apply
from indicators.models import Measurement, Target
from plans import services as plan_services
from plans.imports import plan_import_apply
from plans.models import Action, Milestone
from teams.roles import Role
from tests.clients import admin_post, as_user, page
from tests.factories import UserFactory
from tests.indicators.conftest import make_indicator

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2026, 3, 31), tick=False):
        yield


def grid_of(html: str) -> str:
    return html[html.index('id="team-grid"') : html.index("</table>")]


def off_track(html: str) -> int:
    return html.count('data-status="off_track"')


def test_a_repeated_view_is_served_without_recomputing(grid, manager, team):
    client = as_user(manager)
    url = f"/indicators/team/{team.pk}/"
    first = page(client, url)
    with CaptureQueriesContext(connection) as queries:
        again = page(client, url)
    assert grid_of(again) == grid_of(first)
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert "indicators_measurement" not in read and "indicators_target" not in read
    assert '"plans_plan"' not in read  # the current plan comes with the grid


def test_a_figure_recorded_shows_at_once(grid, manager, rep2, team):
    url = f"/indicators/team/{team.pk}/"
    boss = as_user(manager)
    assert off_track(page(boss, url)) == 2  # rep2 and the team
    response = as_user(rep2).post(
        f"/indicators/{grid.pk}/measurements/",
        {"rep": rep2.pk, "date": "2026-03-01", "value": "60000"},
    )
    assert response.status_code == 302
    assert off_track(page(boss, url)) == 0  # rep2 at 100,000, the team at 195,000


def _figures_read(queries) -> set[int]:
    """The indicators whose figures the grid's and the charts' grouped queries read."""
    read = set()
    for q in queries.captured_queries:
        sql = q["sql"]
        if "indicators_measurement" in sql and "SUM(" in sql:
            for ids in re.findall(r'"indicators_measurement"\."indicator_id" IN \(([^)]*)\)', sql):
                read.update(int(i) for i in ids.split(","))
    return read


def test_a_figure_recorded_reads_again_only_its_indicators_figures(grid, manager, rep, team):
    calls = make_indicator(grid.plan, name="Calls", unit="count")
    Measurement.objects.create(indicator=calls, rep=rep, date=date(2026, 2, 1), value=7)
    rep2_figure = Measurement.objects.get(indicator=grid, value=40_000)
    rep2_figure.entered_by = manager
    url = f"/indicators/team/{team.pk}/"
    boss = as_user(manager)
    with CaptureQueriesContext(connection) as queries:
        assert off_track(page(boss, url)) == 2
    assert _figures_read(queries) == {grid.pk, calls.pk}
    services.measurement_update(measurement=rep2_figure, by=manager, value=100_000)
    with CaptureQueriesContext(connection) as queries:
        assert off_track(page(boss, url)) == 0  # rep2 at 100,000, the team at 195,000
    assert _figures_read(queries) == {grid.pk}
    services.measurement_create(indicator=calls, rep=rep, date=date(2026, 3, 2), value=5, by=rep)
    with CaptureQueriesContext(connection) as queries:
        html = page(boss, url)
    assert _figures_read(queries) == {calls.pk}
    assert "12 <small" in grid_of(html)  # the calls: 7 + 5


def test_a_figure_deleted_shows_at_once(grid, manager, rep2, team):
    url = f"/indicators/team/{team.pk}/"
    extra = Measurement.objects.create(
        indicator=grid, rep=rep2, date=date(2026, 3, 1), value=60_000
    )
    boss = as_user(manager)
    assert off_track(page(boss, url)) == 0
    services.measurement_delete(measurement=extra, by=manager)
    assert off_track(page(boss, url)) == 2


def test_a_target_set_on_the_page_shows_at_once(grid, manager, rep2, team):
    url = f"/indicators/team/{team.pk}/"
    boss = as_user(manager)
    assert off_track(page(boss, url)) == 2
    # rep2: 40,000 of 24,862 expected; the team: of 114,862
    response = boss.post(
        f"/indicators/{grid.pk}/targets/",
        {"who": rep2.pk, "value": "50000", "period_start": "2026-01-01"},
    )
    assert response.status_code == 302
    assert off_track(page(boss, url)) == 0


def test_a_target_deleted_shows_at_once(grid, manager, rep2, team):
    url = f"/indicators/team/{team.pk}/"
    boss = as_user(manager)
    assert off_track(page(boss, url)) == 2
    services.target_delete(target=Target.objects.get(indicator=grid, rep=rep2), by=manager)
    # rep2 has no target left to miss, and the team's expected figure is rep's alone
    assert off_track(page(boss, url)) == 0


def test_an_indicator_edited_or_deleted_shows_at_once(grid, manager, team):
    url = f"/indicators/team/{team.pk}/"
    boss = as_user(manager)
    assert "Revenue" in grid_of(page(boss, url))
    services.indicator_update(indicator=grid, by=manager, data={"name": "Signed revenue"})
    assert "Signed revenue" in grid_of(page(boss, url))
    services.indicator_delete(indicator=grid, by=manager)  # archived: the plan is active
    assert "Signed revenue" not in page(boss, url)


def test_an_action_done_through_the_api_shows_at_once(grid, manager, rep, team, action):
    url = f"/indicators/team/{team.pk}/"
    boss = as_user(manager)
    assert "0 actions done" in page(boss, url)
    api = APIClient()
    api.force_authenticate(rep)
    assert api.post(f"/api/v1/actions/{action.pk}/complete/").status_code == 200
    assert "1 action done" in page(boss, url)


def test_an_action_edited_or_deleted_shows_at_once(grid, manager, action):
    url = f"/indicators/{grid.pk}/"  # lists the actions linked to the indicator
    boss = as_user(manager)
    assert "Call 20 prospects" in page(boss, url)
    plan_services.action_update(action=action, by=manager, data={"title": "Call 30 prospects"})
    assert "Call 30 prospects" in page(boss, url)
    plan_services.action_delete(action=action, by=manager)
    assert "Call 30 prospects" not in page(boss, url)


def test_links_and_levers_show_at_once(grid, manager, action, lever):
    url = f"/indicators/{grid.pk}/"
    boss = as_user(manager)
    assert "Call 20 prospects" in page(boss, url)
    services.indicator_link(indicator=grid, by=manager, actions=[])
    assert "No action linked yet." in page(boss, url)
    services.action_set_indicators(action=action, indicators=[grid], by=manager)
    assert "Call 20 prospects" in page(boss, url)
    plan_services.lever_delete(lever=lever, by=manager)  # archived with its actions
    assert "Call 20 prospects" not in page(boss, url)


def test_the_plans_title_shows_at_once(grid, manager, team, active):
    url = f"/indicators/team/{team.pk}/"
    boss = as_user(manager)
    assert "PAC S1" in page(boss, url)
    plan_services.plan_update(plan=active, data={"title": "PAC spring"})
    assert "PAC spring" in page(boss, url)


def test_a_milestone_moved_shows_at_once(grid, manager, team, active, action):
    url = f"/indicators/team/{team.pk}/"
    boss = as_user(manager)
    kick_off = Milestone.objects.create(plan=active, title="Kick-off", date=date(2026, 4, 30))
    Action.objects.filter(pk=action.pk).update(milestone=kick_off)
    assert "Kick-off slipped" not in page(boss, url)
    plan_services.milestone_update(milestone=kick_off, data={"date": date(2026, 3, 20)})
    assert "Kick-off slipped" in page(boss, url)  # a reason of the team's status


def test_a_rename_in_the_admin_shows_at_once(grid, manager, rep2, team, admin_user):
    url = f"/indicators/team/{team.pk}/"
    boss = as_user(manager)
    assert "Zorro" not in page(boss, url)
    admin_post(as_user(admin_user), f"/admin/auth/user/{rep2.pk}/change/", first_name="Zorro")
    assert "Zorro" in page(boss, url)


def test_members_changed_in_the_admin_show_at_once(grid, manager, rep, rep2, team, admin_user):
    url = f"/indicators/team/{team.pk}/"
    boss, admin = as_user(manager), as_user(admin_user)
    newcomer = UserFactory(role=Role.REP, first_name="Newcomer")
    assert "Newcomer" not in page(boss, url)
    change = f"/admin/teams/team/{team.pk}/change/"
    admin_post(admin, change, members=[rep.pk, rep2.pk, newcomer.pk])
    assert "Newcomer" in page(boss, url)
    assert f'<option value="{newcomer.pk}"' in page(boss, f"/indicators/{grid.pk}/")  # forms
    admin_post(admin, change, members=[rep.pk, rep2.pk])
    assert "Newcomer" not in page(boss, url)


def test_each_language_and_day_gets_its_own_grid(grid, manager, team):
    url = f"/indicators/team/{team.pk}/"
    assert "On track" in page(as_user(manager, "en"), url)
    assert "En bonne voie" in page(as_user(manager, "fr"), url)
    assert "03/31/2026" in page(as_user(manager, "en"), url)
    with time_machine.travel(date(2026, 4, 15), tick=False):
        assert "04/15/2026" in page(as_user(manager, "en"), url)


def test_access_is_checked_before_the_cache(grid, manager, rep, other_manager, team):
    url = f"/indicators/team/{team.pk}/"
    page(as_user(manager), url)  # the grid is cached
    assert as_user(other_manager).get(url).status_code == 404
    response = as_user(rep).get(url)  # a rep is sent to their own page, not the grid
    assert response.status_code == 302 and response.url == f"/indicators/rep/{rep.pk}/"
    assert as_user(other_manager).get(f"/indicators/{grid.pk}/").status_code == 404


def test_the_indicator_page_caches_each_viewers_scope_apart(grid, manager, rep, rep2):
    url = f"/indicators/{grid.pk}/"
    whole = page(as_user(manager), url)
    assert "95,000" in whole and "40,000" in whole  # both reps' figures
    mine = page(as_user(rep2), url)
    assert "40,000" in mine and "95,000" not in mine  # only rep2's own
    assert "95,000" in page(as_user(rep), url) and "95,000" in page(as_user(manager), url)


def test_the_indicator_page_shows_a_new_figure_at_once(grid, rep2):
    url = f"/indicators/{grid.pk}/"
    client = as_user(rep2)
    assert "117,777" not in page(client, url)
    response = client.post(
        f"/indicators/{grid.pk}/measurements/",
        {"rep": rep2.pk, "date": "2026-03-02", "value": "77777"},
    )
    assert response.status_code == 302
    assert "117,777" in page(client, url)  # rep2's actual: 40,000 + 77,777


def test_a_closed_plan_shows_its_frozen_figures_at_once(grid, manager, team, plan):
    url = f"/indicators/team/{team.pk}/"
    boss = as_user(manager)
    assert "bi-lock-fill" not in page(boss, url)
    assert boss.post(f"/plans/{plan.pk}/close/").status_code == 302
    assert "bi-lock-fill" in page(boss, url)  # targets frozen


def test_the_indicator_forms_follow_the_viewer(grid, manager, rep, rep2, team):
    url = f"/indicators/{grid.pk}/"
    theirs = page(as_user(manager), url)
    assert "Set a target" in theirs and f'<option value="{rep2.pk}"' in theirs
    mine = page(as_user(rep), url)
    assert "Set a target" not in mine
    assert f'<option value="{rep.pk}"' in mine and f'<option value="{rep2.pk}"' not in mine


def test_a_refused_figure_shows_its_errors_beside_the_cached_parts(grid, rep):
    client = as_user(rep)
    page(client, f"/indicators/{grid.pk}/")
    response = client.post(
        f"/indicators/{grid.pk}/measurements/",
        {"rep": rep.pk, "date": "2026-03-01", "value": "lots"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "is-invalid" in html and 'value="lots"' in html
    assert "95,000" in html  # the cached progress part is there too


def test_pages_and_writes_work_while_the_cache_is_down(grid, manager, rep2, team, settings):
    # Nothing listens on port 1: every cache call fails at once.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    boss = as_user(manager)
    url = f"/indicators/team/{team.pk}/"
    assert off_track(page(boss, url)) == 2
    services.measurement_create(
        indicator=grid, rep=rep2, date=date(2026, 3, 1), value=60_000, by=rep2
    )
    assert off_track(page(boss, url)) == 0
    assert "100,000" in page(as_user(rep2), f"/indicators/{grid.pk}/")


def test_imported_figures_show_at_once(grid, manager, team, active, rep2):
    url = f"/indicators/team/{team.pk}/"
    boss = as_user(manager)
    assert off_track(page(boss, url)) == 2
    data = f"indicator,rep,date,value,note\n{grid.name},{rep2.username},2026-03-01,60000,\n"
    assert measurement_import_apply(plan=active, data=data.encode(), filename="f.csv", by=manager)
    assert off_track(page(boss, url)) == 0


def test_imported_actions_show_at_once(grid, manager, active, lever, rep):
    url = f"/indicators/{grid.pk}/"
    boss = as_user(manager)
    assert "Visit the fair" not in page(boss, url)
    header = "lever,what,who,start,due,milestone,indicators\n"
    data = header + f"{lever.name},Visit the fair,{rep.username},,2026-04-30,,{grid.name}\n"
    assert plan_import_apply(plan=active, data=data.encode(), filename="p.csv", by=manager) == 1
    assert "Visit the fair" in page(boss, url)  # linked to the indicator by the import
