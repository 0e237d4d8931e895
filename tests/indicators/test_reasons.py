"""Why at risk: every at-risk or off-track status carries its reasons, by stated rules, on the
dashboard, the rep's page, the indicator page and in the API, in the reader's language."""

from datetime import date, timedelta

import pytest
import time_machine

from indicators.models import Measurement
from plans.models import Action, Lever, Milestone

from .conftest import TODAY, make_indicator, make_target

pytestmark = pytest.mark.django_db

OVERDUE = "3 actions of lever Prospection overdue"
RUN_RATE = "run rate 44 % of what the target needs"
NO_FIGURE = "no figure recorded for 9 days"
SLIPPED = "milestone Kick-off slipped 12 days"


@pytest.fixture
def behind(active, rep, rep2):
    """Revenue through lever Prospection: rep on track, rep2 behind with 3 overdue actions,
    a milestone 12 days past with one of them open, and no figure for 9 days."""
    prospection = Lever.objects.create(plan=active, name="Prospection", aim="prospect")
    revenue = make_indicator(active)
    revenue.levers.add(prospection)
    kick_off = Milestone.objects.create(
        plan=active, title="Kick-off", date=TODAY - timedelta(days=12)
    )
    for n in range(3):
        Action.objects.create(
            lever=prospection,
            title=f"Call {n}",
            assignee=rep2,
            due_date=TODAY - timedelta(days=20 + n),
            milestone=kick_off if n == 0 else None,
        )
    Action.objects.create(  # done: not overdue
        lever=prospection, title="Done", assignee=rep2, due_date=date(2026, 2, 1), status="done"
    )
    Action.objects.create(  # rep's, not rep2's
        lever=prospection, title="Other", assignee=rep, due_date=date(2026, 2, 1)
    )
    make_target(revenue, rep, 100_000)
    make_target(revenue, rep2, 100_000)
    Measurement.objects.create(indicator=revenue, rep=rep, date=TODAY, value=50_000)
    # 22,000 against 49,724 expected by 31 March (90 of 181 days): 44 %.
    Measurement.objects.create(
        indicator=revenue, rep=rep2, date=TODAY - timedelta(days=9), value=22_000
    )
    return revenue


def _entries(api, user, indicator, language="en"):
    api.force_authenticate(user)
    response = api.get(
        f"/api/v1/indicators/{indicator.pk}/progress/?today={TODAY}",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    data = response.json()
    return {e["rep"]: e for e in data["reps"]}, data["team"]


def test_api_gives_the_reasons_of_an_off_track_rep_by_the_four_rules(
    api, manager, rep, rep2, behind
):
    reps, _team = _entries(api, manager, behind)
    late = reps[rep2.pk]
    assert late["status"] == "off_track"
    assert late["reasons"] == [RUN_RATE, OVERDUE, NO_FIGURE, SLIPPED]
    assert reps[rep.pk]["status"] == "on_track"
    assert reps[rep.pk]["reasons"] == []  # only at-risk and off-track statuses are explained


def test_the_team_gathers_every_reps_late_actions(api, manager, rep, behind):
    Measurement.objects.create(indicator=behind, rep=rep, date=TODAY, value=-28_000)
    _reps, team = _entries(api, manager, behind)
    assert team["status"] == "off_track"
    assert "4 actions of lever Prospection overdue" in team["reasons"]
    assert SLIPPED in team["reasons"]
    assert NO_FIGURE not in team["reasons"]  # rep entered a figure today


def test_reasons_are_in_the_callers_language(api, manager, rep2, behind):
    reps, _team = _entries(api, manager, behind, language="fr")
    assert reps[rep2.pk]["reasons"] == [
        "rythme à 44 % de ce que l'objectif demande",
        "3 actions du levier Prospection en retard",
        "aucun chiffre saisi depuis 9 jours",
        "jalon Kick-off en retard de 12 jours",
    ]


def test_a_rep_reads_their_own_reasons_and_no_colleagues(api, rep, rep2, behind):
    reps, _team = _entries(api, rep2, behind)
    assert list(reps) == [rep2.pk]
    assert OVERDUE in reps[rep2.pk]["reasons"]


def test_an_outsider_gets_404(api, outsider, behind):
    api.force_authenticate(outsider)
    assert api.get(f"/api/v1/indicators/{behind.pk}/progress/").status_code == 404


def test_at_risk_gets_its_reasons_too(api, manager, rep2, behind):
    # 40,000 of 49,724 expected: 80 %, at risk.
    Measurement.objects.create(indicator=behind, rep=rep2, date=TODAY, value=18_000)
    reps, _team = _entries(api, manager, behind)
    assert reps[rep2.pk]["status"] == "at_risk"
    assert reps[rep2.pk]["reasons"] == ["run rate 80 % of what the target needs", OVERDUE, SLIPPED]


def test_lower_is_better_and_levels_say_it_their_way(api, manager, rep2, active):
    delay = make_indicator(
        active, name="Delay", unit="days", direction="lower", aggregation="avg", baseline=None
    )
    make_target(delay, rep2, 10)
    Measurement.objects.create(indicator=delay, rep=rep2, date=TODAY, value=15)
    reps, _team = _entries(api, manager, delay)
    assert reps[rep2.pk]["reasons"] == ["50 % above what the target allows by now"]


def test_a_figure_never_recorded_is_said(api, manager, rep2, active):
    visits = make_indicator(active, name="Visits", unit="count", cadence="monthly")
    make_target(visits, rep2, 100)
    Measurement.objects.create(indicator=visits, rep=rep2, date=date(2025, 12, 1), value=1)
    Measurement.objects.create(indicator=visits, rep=rep2, date=date(2026, 1, 2), value=1)
    reps, _team = _entries(api, manager, visits)
    # Monthly: 88 days since 2 January is more than 31.
    assert "no figure recorded for 88 days" in reps[rep2.pk]["reasons"]


def test_the_dashboard_and_the_rep_page_show_the_reasons(login, client, manager, rep, rep2, behind):
    with time_machine.travel(TODAY, tick=False):
        board = login(manager).get("/indicators/", HTTP_ACCEPT_LANGUAGE="en")
        assert board.status_code == 200
        html = board.content.decode()
        for sentence in (RUN_RATE, OVERDUE, NO_FIGURE, SLIPPED):
            assert sentence in html
        page = login(rep2).get(f"/indicators/rep/{rep2.pk}/", HTTP_ACCEPT_LANGUAGE="en")
        assert OVERDUE in page.content.decode()
        detail = login(manager).get(f"/indicators/{behind.pk}/", HTTP_ACCEPT_LANGUAGE="en")
        assert NO_FIGURE in detail.content.decode()
        # rep is on track: their page has no reason to give.
        assert "overdue" not in login(rep).get(f"/indicators/rep/{rep.pk}/").content.decode()


def test_the_rep_page_of_another_team_stays_404(login, outsider, rep2, behind):
    with time_machine.travel(TODAY, tick=False):
        assert login(outsider).get(f"/indicators/rep/{rep2.pk}/").status_code == 404
