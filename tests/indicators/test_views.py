"""The pages, per persona: dashboard, rep page, indicator page, weekly grid, catalogue add."""

from datetime import date

import pytest
import time_machine
from django.utils import translation

from indicators.models import Indicator, Measurement, Target

from .conftest import make_indicator

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2026, 3, 31), tick=False):
        yield


def test_manager_sees_the_team_grid_with_statuses_in_words(login, manager, grid, rep, rep2):
    page = login(manager).get("/indicators/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert rep.get_full_name() in html and rep2.get_full_name() in html
    assert 'data-status="on_track"' in html and 'data-status="off_track"' in html
    assert "bi-check-circle-fill" in html and "bi-x-octagon-fill" in html  # icon beside colour


def test_dashboard_is_in_french_by_default(login, manager, grid):
    html = login(manager).get("/indicators/").content.decode()
    assert "Tableau de bord de pilotage" in html
    assert "En bonne voie" in html


def test_grid_sorts_by_an_indicator_column(login, manager, grid, rep, rep2):
    html = login(manager).get(f"/indicators/?sort={grid.pk}").content.decode()
    assert html.index(rep2.get_full_name()) < html.index(rep.get_full_name())  # worst first
    html = login(manager).get(f"/indicators/?sort={grid.pk}&dir=desc").content.decode()
    assert html.index(rep.get_full_name()) < html.index(rep2.get_full_name())


def test_a_rep_is_sent_to_their_own_page_and_cannot_open_a_colleague_s(login, rep, rep2, grid):
    client = login(rep)
    response = client.get("/indicators/")
    assert response.status_code == 302 and response["Location"] == f"/indicators/rep/{rep.pk}/"
    assert client.get(f"/indicators/rep/{rep.pk}/").status_code == 200
    assert client.get(f"/indicators/rep/{rep2.pk}/").status_code == 404


def test_other_team_sees_nothing(login, other_manager, outsider, grid, team, rep):
    client = login(other_manager)
    assert client.get(f"/indicators/team/{team.pk}/").status_code == 404
    assert client.get(f"/indicators/{grid.pk}/").status_code == 404
    assert client.get(f"/indicators/rep/{rep.pk}/").status_code == 404
    assert client.get(f"/indicators/plan/{grid.plan_id}/").status_code == 404


def test_hr_reads_any_team_grid(login, hr, grid, team):
    assert login(hr).get(f"/indicators/team/{team.pk}/").status_code == 200


def test_rep_page_has_sparkline_data_and_actions(login, rep, grid, action):
    html = login(rep).get(f"/indicators/rep/{rep.pk}/").content.decode()
    assert f'id="spark-{grid.pk}"' in html
    assert 'data-chart="sparkline"' in html
    assert action.title in html
    assert "<script>" not in html  # no inline script: json_script and static files only


def test_indicator_page_shows_chart_actions_and_only_own_row_to_a_rep(
    login, rep, rep2, manager, grid, action
):
    html = login(manager).get(f"/indicators/{grid.pk}/").content.decode()
    assert 'id="trend-data"' in html and action.title in html
    assert rep2.get_full_name() in html
    html = login(rep).get(f"/indicators/{grid.pk}/").content.decode()
    assert rep2.get_full_name() not in html


def test_rep_enters_a_figure_for_themselves_only(login, rep, rep2, grid):
    client = login(rep)
    ok = client.post(
        f"/indicators/{grid.pk}/measurements/",
        {"rep": rep.pk, "date": "2026-03-30", "value": "1000"},
    )
    assert ok.status_code == 302
    refused = client.post(
        f"/indicators/{grid.pk}/measurements/",
        {"rep": rep2.pk, "date": "2026-03-30", "value": "1000"},
    )
    assert refused.status_code == 400
    assert Measurement.objects.filter(rep=rep2).count() == 1


def test_bad_figure_is_refused_with_a_translated_message(login, rep, grid):
    client = login(rep)
    response = client.post(
        f"/indicators/{grid.pk}/measurements/",
        {"rep": rep.pk, "date": "2026-09-01", "value": "beaucoup"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Saisissez un nombre." in html
    assert Measurement.objects.count() == 2


def test_manager_sets_a_target_for_all_reps(login, manager, active, rep, rep2):
    deals = make_indicator(active, name="Deals", unit="count")
    response = login(manager).post(
        f"/indicators/{deals.pk}/targets/", {"who": "all", "value": "12"}
    )
    assert response.status_code == 302
    assert set(Target.objects.filter(indicator=deals).values_list("rep", flat=True)) == {
        rep.pk,
        rep2.pk,
    }


def test_a_rep_cannot_set_targets(login, rep, grid):
    assert (
        login(rep).post(f"/indicators/{grid.pk}/targets/", {"who": "all", "value": "1"}).status_code
        == 404
    )


def test_weekly_grid_saves_and_changes_the_status(login, rep, grid):
    client = login(rep)
    page = client.get("/indicators/week/")
    assert page.status_code == 200 and f'name="ind_{grid.pk}"' in page.content.decode()
    response = client.post("/indicators/week/?week=2026-03-30", {f"ind_{grid.pk}": "5000"})
    assert response.status_code == 302
    assert Measurement.objects.filter(rep=rep, date=date(2026, 3, 30), value=5000).exists()
    bad = client.post("/indicators/week/?week=2026-03-30", {f"ind_{grid.pk}": "abc"})
    assert bad.status_code == 400


def test_manager_adds_from_the_catalogue_in_one_click(login, manager, active):
    response = login(manager).post(f"/indicators/plan/{active.pk}/add/meeting_rate/")
    assert response.status_code == 302
    assert Indicator.objects.filter(plan=active).count() == 3
    assert login(manager).get(f"/indicators/plan/{active.pk}/").status_code == 200


def test_a_rep_cannot_add_from_the_catalogue(login, rep, active):
    assert login(rep).post(f"/indicators/plan/{active.pk}/add/meeting_rate/").status_code == 404


def test_manager_creates_a_custom_indicator_and_bad_rate_is_refused(login, manager, active, lever):
    client = login(manager)
    response = client.post(
        f"/indicators/plan/{active.pk}/new/",
        {
            "name": "Calls",
            "kind": "quantitative",
            "unit": "count",
            "direction": "higher",
            "aggregation": "sum",
            "cadence": "weekly",
            "definition": "Calls made",
            "levers": [lever.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    calls = Indicator.objects.get(name="Calls")
    assert list(calls.levers.all()) == [lever]
    with translation.override("en"):
        bad = client.post(
            f"/indicators/plan/{active.pk}/new/",
            {
                "name": "Rate",
                "kind": "rate",
                "direction": "higher",
                "aggregation": "sum",
                "cadence": "weekly",
                "numerator": calls.pk,
            },
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert bad.status_code == 400
    assert "A rate needs a numerator and a denominator." in bad.content.decode()
    assert Indicator.objects.filter(plan=active).count() == 1


def test_catalogue_page(login, rep):
    html = login(rep).get("/indicators/catalogue/").content.decode()
    assert "Attrition" in html


def test_manager_links_an_action_to_indicators_from_the_action_side(
    login, manager, rep, grid, action
):
    page = login(manager).get(f"/indicators/action/{action.pk}/")
    assert page.status_code == 200 and grid.name in page.content.decode()
    response = login(manager).post(f"/indicators/action/{action.pk}/", {"indicators": []})
    assert response.status_code == 302
    assert not action.indicators.exists()
    login(manager).post(f"/indicators/action/{action.pk}/", {"indicators": [grid.pk]})
    assert list(action.indicators.all()) == [grid]
    assert login(rep).get(f"/indicators/action/{action.pk}/").status_code == 200
    assert (
        login(rep).post(f"/indicators/action/{action.pk}/", {"indicators": []}).status_code == 404
    )
    assert list(action.indicators.all()) == [grid]


def test_other_team_cannot_see_an_action_s_indicators(login, other_manager, action):
    assert login(other_manager).get(f"/indicators/action/{action.pk}/").status_code == 404


def test_weekly_grid_for_a_rep_by_their_manager_and_garbage_parameters(login, manager, rep, grid):
    client = login(manager)
    page = client.get(f"/indicators/week/?rep={rep.pk}&week=2026-03-30")
    assert page.status_code == 200 and rep.get_full_name() in page.content.decode()
    assert client.get("/indicators/week/?rep=abc").status_code == 404
    assert client.get("/indicators/week/?week=not-a-date").status_code == 200
    assert client.get("/indicators/?sort=nonsense&dir=desc").status_code == 200
