"""The steering dashboard to XLSX and CSV: the grid's figures, for whoever sees the grid."""

import csv
import io
from datetime import date

import pytest
import time_machine
from django.utils import translation
from openpyxl import load_workbook

from indicators.models import Measurement

from .conftest import TODAY, make_target

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_today():
    with translation.override("en"), time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def figures(plan, revenue, rep, rep2):
    plan.status = "active"
    plan.save()
    make_target(revenue, rep, 1000)
    make_target(revenue, rep2, 1000)
    Measurement.objects.create(indicator=revenue, rep=rep, date=date(2026, 3, 2), value=600)


def test_csv_lists_the_team_and_each_rep(login, team, figures, manager):
    response = login(manager).get("/indicators/export.csv", headers={"accept-language": "en"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Rep", "Indicator", "Unit"]
    by_rep = {r[0]: r for r in rows[1:]}
    assert len(by_rep) == 3 and "Whole team" in by_rep
    julien = next(r for r in rows[1:] if r[0] != "Whole team" and r[5] == "600.00")
    assert julien[6] == "1000.00"


def test_xlsx_has_the_grid_and_the_axes(login, team, figures, manager):
    response = login(manager).get(
        f"/indicators/team/{team.pk}/export.xlsx", headers={"accept-language": "en"}
    )
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Dashboard", "Axes"]
    assert book["Dashboard"].max_row == 1 + 3  # team + two reps, one indicator


def test_reps_and_other_teams_get_no_export(login, team, figures, rep, other_manager, other_team):
    assert login(rep).get("/indicators/export.csv").status_code == 404
    assert login(other_manager).get(f"/indicators/team/{team.pk}/export.csv").status_code == 404


def test_export_query_count_does_not_grow_with_reps(
    login, team, figures, manager, django_assert_max_num_queries
):
    from tests.factories import UserFactory

    client = login(manager)
    # session + user + role, team, plan, indicators, reps, progress engine (5), actions (1)
    with django_assert_max_num_queries(16):
        client.get("/indicators/export.csv")
    team.members.add(*[UserFactory() for _ in range(15)])
    with django_assert_max_num_queries(16):
        client.get("/indicators/export.csv")


# Headers, the team's line, statuses and sheet names in the interface language; dates ISO.
WORDS = {
    "fr": {
        "header": ["Commercial", "Indicateur", "Unité", "Début de période", "Fin de période",
                   "Réalisé", "Objectif", "Attendu à ce jour", "% de l\u2019objectif", "Statut",
                   "Prévision"],
        "team": "Toute l\u2019équipe",
        "statuses": {"En dérive", "En bonne voie"},
        "sheets": ["Tableau de bord", "Axes"],
        "axes": ["Équipe", "Plan", "Date", "Efficacité", "Efficience", "Pertinence"],
    },
    "en": {
        "header": ["Rep", "Indicator", "Unit", "Period start", "Period end", "Actual",
                   "Target", "Expected by today", "Percent of target", "Status", "Forecast"],
        "team": "Whole team",
        "statuses": {"Off track", "On track"},
        "sheets": ["Dashboard", "Axes"],
        "axes": ["Team", "Plan", "Date", "Effectiveness", "Efficiency", "Relevance"],
    },
}  # fmt: skip


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_csv_speaks_the_interface_language(login, team, figures, manager, language):
    response = login(manager).get("/indicators/export.csv", HTTP_ACCEPT_LANGUAGE=language)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    words = WORDS[language]
    assert rows[0] == words["header"]
    assert rows[1][0] == words["team"]
    assert {r[9] for r in rows[1:]} == words["statuses"]
    assert {(r[3], r[4]) for r in rows[1:]} == {("2026-01-01", "2026-06-30")}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_xlsx_speaks_the_interface_language(login, team, figures, manager, language):
    response = login(manager).get(
        f"/indicators/team/{team.pk}/export.xlsx", HTTP_ACCEPT_LANGUAGE=language
    )
    book = load_workbook(io.BytesIO(response.content))
    words = WORDS[language]
    assert book.sheetnames == words["sheets"]
    grid = list(book.worksheets[0].iter_rows(values_only=True))
    assert list(grid[0]) == words["header"]
    assert grid[1][0] == words["team"]
    assert {r[9] for r in grid[1:]} == words["statuses"]
    assert book.worksheets[0]["D2"].number_format == "yyyy-mm-dd"  # ISO in the spreadsheet
    assert [r[0] for r in book.worksheets[1].iter_rows(values_only=True)] == words["axes"]
