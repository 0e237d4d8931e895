"""My figures: every active plan the rep is in, grouped by plan, each with its own entry."""

from datetime import date

import pytest
import time_machine

from indicators.models import Measurement
from plans.models import Lever, Plan
from tests.factories import TeamFactory

from .conftest import END, START, make_indicator
from .test_dashboard_queries import populate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2026, 3, 31), tick=False):
        yield


def _active(team, title):
    return Plan.objects.create(
        team=team, title=title, start_date=START, end_date=END, status="active"
    )


@pytest.fixture
def two_plans(team, other_team, other_manager, rep):
    """The rep's team runs an active plan with "Revenue"; the rep also belongs to the other
    team, whose active plan has "Demos"; the rep's team has a draft plan with "Draft calls"."""
    other_team.members.add(rep)
    mine = _active(team, "PAC S1")
    theirs = _active(other_team, "PAC RA")
    draft = Plan.objects.create(team=team, title="PAC S2", start_date=START, end_date=END)
    make_indicator(mine, name="Revenue")
    make_indicator(theirs, name="Demos", unit="count")
    make_indicator(draft, name="Draft calls", unit="count")
    return mine, theirs


def test_my_figures_lists_each_active_plan_with_its_indicators(login, rep, two_plans):
    mine, theirs = two_plans
    page = login(rep).get("/indicators/mine/", follow=True, HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200 and "My figures" in html
    sections = {
        int(part.split('"', 1)[0]): part.split("</section>", 1)[0]
        for part in html.split('data-plan="')[1:]
    }
    # Each plan's indicators sit in that plan's section, and only there.
    assert set(sections) == {mine.pk, theirs.pk}
    assert "Revenue</a>" in sections[mine.pk] and "Demos" not in sections[mine.pk]
    assert "Demos</a>" in sections[theirs.pk] and "Revenue" not in sections[theirs.pk]
    assert "Draft calls" not in html and "PAC S2" not in html
    assert f"/indicators/week/?plan={mine.pk}" in html
    assert f"/indicators/week/?plan={theirs.pk}" in html


def test_a_manager_sees_only_their_team_s_plans_of_the_rep(login, manager, rep, two_plans):
    mine, theirs = two_plans
    html = login(manager).get(f"/indicators/rep/{rep.pk}/").content.decode()
    assert f'data-plan="{mine.pk}"' in html
    assert f'data-plan="{theirs.pk}"' not in html and "Demos" not in html


def test_the_week_entry_works_for_each_plan(login, rep, two_plans):
    mine, theirs = two_plans
    client = login(rep)
    for plan in (mine, theirs):
        indicator = plan.indicators.get()
        page = client.get(f"/indicators/week/?plan={plan.pk}")
        assert page.status_code == 200 and indicator.name in page.content.decode()
        saved = client.post(
            f"/indicators/week/?plan={plan.pk}&week=2026-03-30", {f"ind_{indicator.pk}": "7"}
        )
        assert saved.status_code == 302 and f"plan={plan.pk}" in saved["Location"]
        figure = Measurement.objects.get(indicator=indicator, rep=rep)
        assert figure.value == 7


def test_the_rep_s_week_links_to_their_other_active_plan(login, rep, two_plans):
    mine, theirs = two_plans
    html = login(rep).get(f"/indicators/week/?plan={mine.pk}&week=2026-03-30").content.decode()
    assert f'href="?plan={theirs.pk}&amp;week=2026-03-30"' in html
    assert html.count('class="week-plan"') == 1  # the plan at hand is not offered again


def test_the_week_entry_refuses_a_plan_of_a_team_the_rep_is_not_in(
    login, rep, other_team, two_plans
):
    stranger = _active(TeamFactory(name="Nord"), "PAC Nord")
    client = login(rep)
    assert client.get(f"/indicators/week/?plan={stranger.pk}").status_code == 404
    assert client.get("/indicators/week/?plan=x").status_code == 404


@pytest.mark.parametrize(("reps", "indicators", "weeks"), [(0, 3, 2), (6, 12, 20)])
def test_my_figures_queries_are_constant_with_two_plans(
    login, rep, team, other_team, reps, indicators, weeks, django_assert_max_num_queries
):
    other_team.members.add(rep)
    for t, title in ((team, "PAC S1"), (other_team, "PAC RA")):
        plan = _active(t, title)
        populate(plan, Lever.objects.create(plan=plan, name="L", aim="a"), t, reps, indicators, 2)
    client = login(rep)
    # The rep and their two teams and plans (3), per plan the one-row grid (9 or 10: indicators,
    # reps, targets, aggregates, last values, categories, internal actions, axes, reasons),
    # its weekly points (1) and the rep's actions with their indicators (2), and the
    # request's own (session, user, role, navigation, bell).
    with django_assert_max_num_queries(NUM_TWO_PLANS):
        response = client.get(f"/indicators/rep/{rep.pk}/")
    assert response.status_code == 200
    assert response.content.decode().count("data-plan=") == 2


# Measured at both sizes: 33 on SQLite, 35 on PostgreSQL (its last values apart, per plan).
NUM_TWO_PLANS = 35
