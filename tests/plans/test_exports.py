"""Exporting a plan to XLSX / CSV, and importing the export into another plan."""

import csv
import io
from datetime import date

import pytest
from django.utils import translation
from openpyxl import load_workbook

from indicators.models import Indicator
from plans.exports import plan_csv, plan_xlsx
from plans.imports import plan_import_apply
from plans.models import Action, Lever, Milestone, Plan

pytestmark = pytest.mark.django_db

START, END = date(2026, 1, 1), date(2026, 6, 30)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def plan(team, manager, rep, rep2):
    plan = Plan.objects.create(
        team=team,
        title="PAC S1",
        start_date=START,
        end_date=END,
        created_by=manager,
        value_proposition="Partner of choice; for SMEs",
    )
    visits = Indicator.objects.create(plan=plan, name="Visits", kind="quantitative", unit="count")
    conquest = Lever.objects.create(plan=plan, name="Conquête", aim="prospect", position=0)
    keep = Lever.objects.create(plan=plan, name="Fidélisation", aim="retain", position=1)
    kickoff = Milestone.objects.create(plan=plan, title="Kick-off", date=date(2026, 2, 15))
    a = Action.objects.create(
        lever=conquest,
        title="Call, then visit",
        assignee=rep,
        start_date=date(2026, 1, 5),
        due_date=date(2026, 1, 30),
        milestone=kickoff,
    )
    a.indicators.add(visits)
    Action.objects.create(
        lever=keep, title="Visit the top 10", assignee=rep2, due_date=date(2026, 3, 31)
    )
    return plan


def shape(plan):
    return sorted(
        (
            a.lever.name,
            a.lever.aim,
            a.title,
            a.assignee.username,
            a.start_date,
            a.due_date,
            a.milestone.title if a.milestone else "",
            a.milestone.date if a.milestone else None,
            tuple(i.name for i in a.indicators.all()),
        )
        for a in Action.objects.filter(lever__plan=plan)
    )


def empty_copy(plan):
    copy = Plan.objects.create(team=plan.team, title="Copy", start_date=START, end_date=END)
    Indicator.objects.create(plan=copy, name="Visits", kind="quantitative", unit="count")
    return copy


@pytest.mark.parametrize(("export", "name"), [(plan_xlsx, "p.xlsx"), (plan_csv, "p.csv")])
def test_export_then_import_gives_the_same_plan(plan, manager, export, name):
    copy = empty_copy(plan)
    plan_import_apply(plan=copy, data=export(plan), filename=name, by=manager)
    assert shape(copy) == shape(plan)


def test_xlsx_holds_actions_strategy_and_levers(plan):
    book = load_workbook(io.BytesIO(plan_xlsx(plan)))
    assert book.sheetnames == ["Actions", "Strategy", "Levers"]
    actions = list(book["Actions"].iter_rows(values_only=True))
    assert actions[0][:4] == ("lever", "aim", "what", "who")
    assert actions[1][2] == "Call, then visit"
    strategy = dict(book["Strategy"].iter_rows(values_only=True))
    assert strategy["Value proposition"] == "Partner of choice; for SMEs"
    assert [r[0] for r in book["Levers"].iter_rows(values_only=True)][1:] == [
        "Conquête",
        "Fidélisation",
    ]


def test_csv_is_excel_friendly_utf8(plan):
    data = plan_csv(plan)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[1][:4] == [
        "Conquête",
        "Identify and convert prospects",
        "Call, then visit",
        "julien",
    ]


def test_export_pages_for_who_sees_the_plan(login, plan, rep, outsider, other_team):
    client = login(rep)
    response = client.get(f"/plans/{plan.pk}/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="plan-' in response["Content-Disposition"]
    assert client.get(f"/plans/{plan.pk}/export.csv")["Content-Type"].startswith("text/csv")
    assert client.get(f"/plans/{plan.pk}/export.pdf").status_code == 404
    assert login(outsider).get(f"/plans/{plan.pk}/export.csv").status_code == 404


def test_plan_page_offers_export_print_and_the_print_stylesheet(login, plan, manager):
    html = login(manager).get(f"/plans/{plan.pk}/").content.decode()
    assert f"/plans/{plan.pk}/export.xlsx" in html
    assert f"/plans/{plan.pk}/import/" in html
    assert f"/indicators/plan/{plan.pk}/import/" in html
    assert "data-print-page" in html
    assert 'print.css" media="print"' in html


@pytest.mark.parametrize("title", ["=SUM(A1)", "+33 1 23 45", "-5 clients", "@home"])
def test_a_title_that_looks_like_a_formula_comes_back_as_typed(plan, manager, title):
    # The CSV export quotes it so a spreadsheet shows text; the import drops the quote.
    Action.objects.filter(lever__plan=plan).update(title=title)
    copy = empty_copy(plan)
    plan_import_apply(plan=copy, data=plan_csv(plan), filename="p.csv", by=manager)
    assert set(Action.objects.filter(lever__plan=copy).values_list("title", flat=True)) == {title}


# The exports follow the interface language: headers, sheet names and choices (aims,
# statuses, priorities); dates stay ISO.
HEADERS = {
    "en": ["lever", "aim", "what", "who", "start", "due", "milestone", "milestone date",
           "indicators", "status", "priority"],
    "fr": ["levier", "but", "quoi", "qui", "début", "échéance", "jalon", "date du jalon",
           "indicateurs", "statut", "priorité"],
}  # fmt: skip
FIRST_ROW = {
    "en": ["Conquête", "Identify and convert prospects", "Call, then visit", "julien",
           "2026-01-05", "2026-01-30", "Kick-off", "2026-02-15", "Visits", "To do", "Normal"],
    "fr": ["Conquête", "Identifier et convertir des prospects", "Call, then visit", "julien",
           "2026-01-05", "2026-01-30", "Kick-off", "2026-02-15", "Visits", "À faire", "Normale"],
}  # fmt: skip
SHEETS = {"en": ["Actions", "Strategy", "Levers"], "fr": ["Actions", "Stratégie", "Leviers"]}


def _page(login, user, plan, fmt, language):
    response = login(user).get(f"/plans/{plan.pk}/export.{fmt}", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_csv_speaks_the_interface_language(login, plan, rep, language):
    data = _page(login, rep, plan, "csv", language)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == HEADERS[language]
    assert rows[1] == FIRST_ROW[language]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_xlsx_speaks_the_interface_language(login, plan, rep, language):
    book = load_workbook(io.BytesIO(_page(login, rep, plan, "xlsx", language)))
    assert book.sheetnames == SHEETS[language]
    actions = list(book.worksheets[0].iter_rows(values_only=True))
    assert list(actions[0]) == HEADERS[language]
    assert list(actions[1][9:]) == FIRST_ROW[language][9:]
    assert actions[1][1] == FIRST_ROW[language][1]
    strategy = dict(book.worksheets[1].iter_rows(values_only=True))
    assert strategy["Statut" if language == "fr" else "Status"] == (
        "Brouillon" if language == "fr" else "Draft"
    )
    levers = list(book.worksheets[2].iter_rows(values_only=True))
    assert levers[2][1] == ("Fidéliser les clients" if language == "fr" else "Retain customers")


@pytest.mark.parametrize(("made_in", "read_in"), [("fr", "en"), ("en", "fr"), ("fr", "fr")])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_in_one_language_imports_in_another(login, plan, manager, fmt, made_in, read_in):
    data = _page(login, manager, plan, fmt, made_in)
    copy = empty_copy(plan)
    with translation.override(read_in):
        plan_import_apply(plan=copy, data=data, filename=f"p.{fmt}", by=manager)
    assert shape(copy) == shape(plan)
