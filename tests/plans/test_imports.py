"""Importing a plan's levers and actions from CSV / XLSX: preview, then all or nothing."""

import io
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook

from indicators.models import Indicator
from plans import imports
from plans.imports import FileRefused, ImportRefused, plan_import_apply, plan_import_preview
from plans.models import Action, ActionEvent, ImportJob, Lever, Milestone, Plan

from .import_worker import work_off_imports

pytestmark = pytest.mark.django_db

START, END = date(2026, 1, 1), date(2026, 6, 30)
HEADER = "lever,what,who,start,due,milestone,indicators\n"


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def plan(team, manager):
    plan = Plan.objects.create(
        team=team, title="PAC S1", start_date=START, end_date=END, created_by=manager
    )
    Lever.objects.create(plan=plan, name="Conquête", aim="prospect")
    Indicator.objects.create(plan=plan, name="Visits", kind="quantitative", unit="count")
    return plan


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_good_csv_adds_levers_milestones_and_actions(plan, manager, rep, rep2):
    data = (
        HEADER + "Conquête,Call 20 prospects,julien,2026-01-05,2026-01-30,Kick-off,Visits\n"
        "Fidélisation,Visit the top 10,sophie@example.com,,31/03/2026,,\n"
    ).encode()
    rep2.email = "sophie@example.com"
    rep2.save()

    count = plan_import_apply(plan=plan, data=data, filename="plan.csv", by=manager)

    assert count == 2
    call = Action.objects.get(title="Call 20 prospects")
    assert (call.lever.name, call.assignee, call.due_date) == ("Conquête", rep, date(2026, 1, 30))
    assert call.milestone.title == "Kick-off" and call.milestone.date == date(2026, 1, 30)
    assert [i.name for i in call.indicators.all()] == ["Visits"]
    visit = Action.objects.get(title="Visit the top 10")
    assert visit.assignee == rep2 and visit.lever.aim == "other" and visit.start_date is None
    assert ActionEvent.objects.filter(kind="created").count() == 2


def test_an_xlsx_file_with_real_dates_imports(plan, manager, rep):
    data = xlsx(
        [["Levier", "Quoi", "Qui", "Échéance"], ["Conquête", "Call", "julien", date(2026, 2, 1)]]
    )
    assert plan_import_apply(plan=plan, data=data, filename="plan.xlsx", by=manager) == 1
    assert Action.objects.get().due_date == date(2026, 2, 1)


def test_bad_rows_are_all_named_and_nothing_is_saved(plan, manager, outsider, other_team):
    data = (
        HEADER + "Conquête,Good row,julien,,2026-01-30,,\n"
        "Conquête,Unknown,jdupont,,2026-01-30,,\n"
        "Conquête,Backwards,julien,2026-03-01,2026-02-01,,\n"
        "Conquête,Outsider,lucas,,2026-02-01,,\n"
        "Conquête,Not a date,julien,,someday,,\n"
        "Nouveau levier,Late,julien,,2027-01-01,,Nope\n"
        ",,julien,,2026-02-01,,\n"
    ).encode()
    preview = plan_import_preview(plan=plan, data=data, filename="plan.csv")

    assert preview.rows[0].errors == []
    assert preview.errors == [
        "row 3: unknown rep 'jdupont'",
        "row 4: due date before start date",
        "row 5: 'lucas' is not a member of the plan's team",
        "row 6: the due date 'someday' is not a date (2026-03-31 or 31/03/2026)",
        "row 7: 2027-01-01 is outside the plan's period",
        "row 7: unknown indicator 'Nope'",
        "row 8: the lever is missing",
        "row 8: 'what' is missing",
    ]
    with pytest.raises(ImportRefused):
        plan_import_apply(plan=plan, data=data, filename="plan.csv", by=manager)
    assert not Action.objects.exists()
    assert list(plan.levers.values_list("name", flat=True)) == ["Conquête"]
    assert not Milestone.objects.exists()


def test_errors_are_in_french_for_a_french_user(plan, settings):
    from django.utils import translation

    data = (HEADER + "Conquête,X,jdupont,,2026-01-30,,\n").encode()
    with translation.override("fr"):
        errors = plan_import_preview(plan=plan, data=data, filename="p.csv").errors
    assert errors == ["ligne 2 : commercial inconnu « jdupont »"]


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "plan.csv", "The file is empty."),
        (b"\n\n", "plan.csv", "The file is empty."),
        (HEADER.encode(), "plan.csv", "The file has a header but no rows."),
        (b"%PDF-1.4 stuff", "plan.pdf", "Send a CSV or XLSX file."),
        (b"PK\x03\x04not really a zip", "plan.xlsx", "Send a CSV or XLSX file."),
        (b"what,who\nx,y\n", "plan.csv", "Missing column(s): lever, due."),
    ],
)
def test_files_that_cannot_be_read_are_refused_as_a_whole(plan, data, filename, message):
    with pytest.raises(FileRefused) as refused:
        plan_import_preview(plan=plan, data=data, filename=filename)
    assert str(refused.value).startswith(message)


def test_import_writes_in_bulk_whatever_the_row_count(
    plan, manager, rep, django_assert_max_num_queries
):
    def run(n):
        body = "".join(f"Conquête,Action {i},julien,,2026-02-01,Jalon,Visits\n" for i in range(n))
        return (HEADER + body).encode()

    # savepoint, team, users named, levers, milestones, indicators, levers and milestones
    # again, the new milestone's check and insert, release: 11; the reminder stamps (the new
    # actions and their milestones read back, one UPDATE per distinct stamp: one each here,
    # every row has the same date): 4; then one INSERT per batch of actions, events and
    # indicator links (SQLite caps a statement at 999 parameters, so a batch holds some 50
    # to 1000 rows): never a query per row.
    for n in (10, 300):
        with django_assert_max_num_queries(15 + 3 * -(-n // 50)):
            plan_import_apply(plan=plan, data=run(n), filename="p.csv", by=manager)
    assert Action.objects.count() == 310


# Pages ----------------------------------------------------------------------------------


def upload(client, plan, data, name="plan.csv"):
    return client.post(
        f"/plans/{plan.pk}/import/", {"file": io.BytesIO(data) and _named(data, name)}
    )


def _named(data, name):
    f = io.BytesIO(data)
    f.name = name
    return f


def test_manager_previews_then_imports_from_the_page(login, plan, manager, rep):
    client = login(manager)
    data = (HEADER + "Conquête,Call,julien,,2026-01-30,,\n").encode()
    response = upload(client, plan, data)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{job.pk}/"
    # The request stored the file; a worker reads it: until then the page polls.
    assert job.status == "pending"
    waiting = client.get(f"/imports/{job.pk}/").content.decode()
    assert "Contrôle de chaque ligne du fichier" in waiting and 'hx-trigger="every 1s"' in waiting
    assert work_off_imports() == ["ready"]
    page = client.get(f"/imports/{job.pk}/")
    assert "1 ligne est prête à importer" in page.content.decode()
    assert not Action.objects.exists()

    queued = client.post(f"/imports/{job.pk}/run/")
    assert queued.status_code == 302 and queued["Location"] == f"/imports/{job.pk}/"
    assert not Action.objects.exists()
    assert work_off_imports() == ["done"]
    assert Action.objects.get().title == "Call"
    job.refresh_from_db()
    assert (job.status, job.done, bytes(job.content)) == ("done", 1, b"")
    bar = client.get(f"/imports/{job.pk}/progress/").content.decode()
    assert "Terminé : 1 ligne importée." in bar and "hx-trigger" not in bar
    # A second click does not import twice.
    client.post(f"/imports/{job.pk}/run/")
    assert work_off_imports() == []
    assert Action.objects.count() == 1


def test_page_preview_lists_every_row_error_and_offers_no_import(login, plan, manager):
    client = login(manager)
    data = (HEADER + "Conquête,A,jdupont,,2026-01-30,,\nConquête,B,julien,,2030-01-01,,\n").encode()
    upload(client, plan, data)
    job = ImportJob.objects.get()
    work_off_imports()
    html = client.get(f"/imports/{job.pk}/").content.decode()
    assert "ligne 2 : commercial inconnu « jdupont »" in html
    assert "ligne 3 : le 2030-01-01 est hors de la période du plan" in html
    assert f"/imports/{job.pk}/run/" not in html


def test_wrong_file_type_is_explained_next_to_the_field(login, plan, manager):
    response = upload(login(manager), plan, b"%PDF", name="plan.pdf")
    assert response.status_code == 200
    assert "Envoyez un fichier CSV ou XLSX." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_reps_and_other_managers_cannot_import(login, plan, rep, other_manager, other_team):
    assert login(rep).get(f"/plans/{plan.pk}/import/").status_code == 403
    assert login(other_manager).get(f"/plans/{plan.pk}/import/").status_code == 404


def test_a_job_is_only_seen_by_who_uploaded_it(login, plan, manager, rep):
    job = ImportJob.objects.create(kind="plan", plan=plan, created_by=manager, filename="x.csv")
    client = login(rep)
    assert client.get(f"/imports/{job.pk}/").status_code == 404
    assert client.post(f"/imports/{job.pk}/run/").status_code == 404
    assert client.get(f"/imports/{job.pk}/progress/").status_code == 404


def test_manager_fixes_the_named_errors_then_imports_100_rows_from_xlsx(plan, manager, rep):
    rows = [["lever", "what", "who", "due"]]
    rows += [["Conquête", f"Action {i}", "julien", date(2026, 2, 1)] for i in range(100)]
    rows[12][2] = "jdupont"
    rows[30][3] = "sometime"
    preview = plan_import_preview(plan=plan, data=xlsx(rows), filename="plan.xlsx")
    assert preview.errors == [
        "row 13: unknown rep 'jdupont'",
        "row 31: the due date 'sometime' is not a date (2026-03-31 or 31/03/2026)",
    ]
    rows[12][2], rows[30][3] = "julien", date(2026, 2, 1)
    assert plan_import_apply(plan=plan, data=xlsx(rows), filename="plan.xlsx", by=manager) == 100


def test_a_new_file_replaces_the_unconfirmed_preview(login, plan, manager):
    client = login(manager)
    upload(client, plan, (HEADER + "Conquête,A,julien,,2026-01-30,,\n").encode())
    upload(client, plan, (HEADER + "Conquête,B,julien,,2026-01-30,,\n").encode())
    assert ImportJob.objects.count() == 1


# Limits: what would take the server down is refused before it is read --------------------


def csv_of(rows) -> bytes:
    return "".join(",".join(row) + "\n" for row in rows).encode()


def bomb(rows: int) -> bytes:
    """A real XLSX whose first sheet holds ``rows`` identical rows: 40 bytes each unzipped,
    a few hundred times less once zipped (a million rows weigh some 700 KB)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx([["lever", "what", "who", "due"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            if member.filename != "xl/worksheets/sheet1.xml":
                target.writestr(member, source.read(member))
                continue
            with target.open(member.filename, "w") as sheet:
                sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/')
                sheet.write(b'spreadsheetml/2006/main"><sheetData>')
                line = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
                for _ in range(rows // 10_000):
                    sheet.write(line * 10_000)
                sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_anything_is_unzipped(plan, monkeypatch):
    data = bomb(1_000_000)
    assert len(data) < 1_000_000  # it weighs less than a megabyte...

    def unzip(*args, **kwargs):
        raise AssertionError("the sheet was parsed")

    monkeypatch.setattr("openpyxl.load_workbook", unzip)
    with pytest.raises(FileRefused) as refused:
        plan_import_preview(plan=plan, data=data, filename="plan.xlsx")
    assert str(refused.value).startswith("The XLSX file unzips to too much data (100 MB at most")


def test_an_xlsx_over_the_unzipped_total_is_refused(plan, monkeypatch):
    data = xlsx([["lever", "what", "who", "due"], ["Conquête", "Call", "julien", "2026-02-01"]])
    monkeypatch.setattr(imports, "MAX_UNZIPPED_BYTES", 1024)
    with pytest.raises(FileRefused, match="unzips to too much data"):
        plan_import_preview(plan=plan, data=data, filename="plan.xlsx")


def test_a_real_spreadsheet_passes_the_size_check(plan, rep):
    rows = [["lever", "what", "who", "due"]]
    rows += [["Conquête", f"Action {i}", "julien", date(2026, 2, 1)] for i in range(2000)]
    preview = plan_import_preview(plan=plan, data=xlsx(rows), filename="plan.xlsx")
    assert preview.is_valid and len(preview.rows) == 2000


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_more_rows_than_the_limit_are_refused_naming_it(plan, rep, settings, kind):
    settings.IMPORT_MAX_ROWS = 3
    rows = [["lever", "what", "who", "due"]]
    rows += [["Conquête", f"Action {i}", "julien", "2026-02-01"] for i in range(4)]
    data = csv_of(rows) if kind == "csv" else xlsx(rows)

    with pytest.raises(FileRefused) as refused:
        plan_import_preview(plan=plan, data=data, filename=f"plan.{kind}")
    assert str(refused.value) == "The file has more than 3 rows: split it into smaller files."

    # Exactly the limit is read.
    del rows[-1]
    assert len(plan_import_preview(plan=plan, data=csv_of(rows), filename="plan.csv").rows) == 3
