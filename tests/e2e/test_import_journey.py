"""In a real browser: the manager imports a 100-row action plan from XLSX, after fixing the
errors the preview named; then finds the private calendar address on the profile page.
A Celery worker (a thread of this process) reads and writes the files while the pages poll."""

import io
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.management import call_command
from openpyxl import Workbook

from pacsite.celery import app
from plans.models import Action, Plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def celery_worker():
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING") as worker:
        yield worker


def workbook(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_manager_imports_a_100_row_plan_after_fixing_the_errors(
    celery_worker, desk, log_in, axe, screenshot, password, django_user_model, tmp_path
):
    call_command("seed_demo", password=password)
    manager = django_user_model.objects.get(username="manager")
    plan = Plan.objects.filter(team__manager=manager, status="active").first()
    due = plan.start_date + timedelta(days=20)
    rows = [["levier", "quoi", "qui", "échéance"]]
    rows += [["Import 2026", f"Action importée {i}", "rep1", due] for i in range(100)]
    rows[12][2] = "jdupont"
    rows[30][3] = "bientôt"
    bad = tmp_path / "plan.xlsx"
    bad.write_bytes(workbook(rows))
    before = Action.objects.filter(lever__plan=plan).count()

    log_in(desk, manager)
    desk.goto(f"/plans/{plan.pk}/")
    desk.get_by_role("link", name="Importer des actions").click()
    desk.locator("input[type=file]").set_input_files(str(bad))
    desk.get_by_role("button", name="Contrôler le fichier").click()
    # The page polls while the worker reads the file, then shows what it found.
    errors = desk.locator("#import-errors")
    errors.wait_for()
    assert "ligne 13 : commercial inconnu « jdupont »" in errors.inner_text()
    assert "ligne 31 : l\u2019échéance « bientôt » n\u2019est pas une date" in errors.inner_text()
    assert desk.get_by_role("button", name="Importer toutes les lignes").count() == 0
    assert axe(desk) == []
    screenshot(desk, "import-preview-errors")

    rows[12][2], rows[30][3] = "rep1", due
    good = tmp_path / "plan-fixed.xlsx"
    good.write_bytes(workbook(rows))
    desk.goto(f"/plans/{plan.pk}/import/")
    desk.locator("input[type=file]").set_input_files(str(good))
    desk.get_by_role("button", name="Contrôler le fichier").click()
    desk.get_by_text("100 lignes sont prêtes à importer").wait_for()
    desk.get_by_role("button", name="Importer toutes les lignes").click()
    desk.get_by_text("Terminé : 100 lignes importées.").wait_for()
    assert Action.objects.filter(lever__plan=plan).count() == before + 100
    assert axe(desk) == []
    desk.get_by_role("link", name="Retour", exact=True).last.click()
    desk.wait_for_url(f"**/plans/{plan.pk}/")

    desk.goto("/profile/")
    address = desk.locator("#feed-url").input_value()
    assert "/calendar/" in address and address.endswith(".ics")
    assert axe(desk) == []
