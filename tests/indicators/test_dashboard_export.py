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
