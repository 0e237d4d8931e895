"""Importing measurements from a CRM export: preview, all or nothing, bulk, in the background."""

import io
from datetime import date, timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import OperationalError
from django.utils import translation

from indicators.imports import measurement_import_apply, measurement_import_preview
from indicators.models import Measurement
from pacsite.celery import app
from plans.imports import FileRefused, ImportRefused
from plans.models import ImportJob
from tests.plans.import_worker import work_off_imports

from .conftest import make_indicator

HEADER = "indicator,rep,date,value,note\n"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _named(data, name):
    f = io.BytesIO(data)
    f.name = name
    return f


@pytest.mark.django_db
def test_a_good_file_imports_every_figure(plan, revenue, manager, rep, rep2):
    rep2.email = "sophie@example.com"
    rep2.save()
    data = (
        HEADER
        + "Revenue,julien,2026-03-02,12 500,CRM\nrevenue,SOPHIE@example.com,09/03/2026,300,\n"
    ).encode()
    assert measurement_import_apply(plan=plan, data=data, filename="crm.csv", by=manager) == 2
    m = Measurement.objects.get(rep=rep)
    assert (m.value, m.date, m.note, m.entered_by) == (12500, date(2026, 3, 2), "CRM", manager)


@pytest.mark.django_db
def test_bad_rows_are_named_and_nothing_is_saved(plan, revenue, manager, rep, outsider, other_team):
    make_indicator(plan, name="Calls", unit="count")
    data = (
        HEADER + "Revenue,julien,2026-03-02,100,\n"
        "Revenue,jdupont,2026-03-02,100,\n"
        "Margin,julien,2026-03-02,100,\n"
        "Revenue,lucas,2026-03-02,100,\n"
        "Revenue,julien,2025-03-02,100,\n"
        "Calls,julien,2026-03-02,2.5,\n"
        "Calls,julien,2026-03-02,abc,\n"
        "Calls,julien,someday,1,\n"
    ).encode()
    errors = measurement_import_preview(plan=plan, data=data, filename="crm.csv").errors
    assert errors[0] == "row 3: unknown rep 'jdupont'"
    assert errors[1] == "row 4: unknown indicator 'Margin'"
    assert errors[2] == "row 5: rep: This person is not a rep of the plan's team."
    assert errors[3].startswith("row 6: date: Must fall within the plan")
    assert errors[4] == "row 7: value: A count is a whole number."
    assert errors[5] == "row 8: value: Enter a number."
    assert errors[6] == "row 9: the date 'someday' is not a date (2026-03-31 or 31/03/2026)"
    assert len(errors) == 7
    with pytest.raises(ImportRefused):
        measurement_import_apply(plan=plan, data=data, filename="crm.csv", by=manager)
    assert not Measurement.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "name"), [(b"", "crm.csv"), (b"\x89PNG\r\n", "crm.png"), (HEADER.encode(), "crm.csv")]
)
def test_empty_or_wrong_files_are_refused(plan, revenue, data, name):
    with pytest.raises(FileRefused):
        measurement_import_preview(plan=plan, data=data, filename=name)


@pytest.mark.django_db
def test_import_page_for_the_manager_only(login, plan, revenue, manager, rep):
    assert login(rep).get(f"/indicators/plan/{plan.pk}/import/").status_code == 403
    client = login(manager)
    assert client.get(f"/indicators/plan/{plan.pk}/import/").status_code == 200
    data = (HEADER + "Revenue,julien,2026-03-02,100,\n").encode()
    response = client.post(f"/indicators/plan/{plan.pk}/import/", {"file": _named(data, "c.csv")})
    job = ImportJob.objects.get()
    assert response["Location"] == f"/imports/{job.pk}/"
    work_off_imports()
    assert "1 ligne est prête à importer" in client.get(response["Location"]).content.decode()
    done = client.post(f"/imports/{job.pk}/run/")
    assert done["Location"] == f"/imports/{job.pk}/"
    work_off_imports()
    assert Measurement.objects.get().value == 100
    assert f'href="/indicators/plan/{plan.pk}/"' in client.get(done["Location"]).content.decode()


def big_file(n: int) -> bytes:
    lines = [HEADER]
    for i in range(n):
        day = date(2026, 1, 1) + timedelta(days=i % 180)
        lines.append(f"Revenue,{'julien' if i % 2 else 'sophie'},{day.isoformat()},{i % 997},\n")
    return "".join(lines).encode()


@pytest.mark.django_db
def test_bulk_writes_keep_the_query_count_bounded(
    plan, revenue, manager, rep, rep2, django_assert_max_num_queries
):
    # indicators, team reps, users named (3); closed targets (1); savepoint + release (2);
    # then one INSERT per 2,000 rows (SQLite: per 76 rows, its 999-parameter cap over a
    # figure's 13 columns, and a shorter one closing each 2,000-row batch).
    for n in (100, 3000):
        with django_assert_max_num_queries(6 + -(-n // 2000) + -(-n // 76)):
            measurement_import_apply(plan=plan, data=big_file(n), filename="crm.csv", by=manager)
    assert Measurement.objects.count() == 3100


@pytest.fixture(scope="module")
def celery_worker():
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING") as worker:
        yield worker


@pytest.mark.django_db(transaction=True)
def test_a_50000_row_file_imports_in_the_background_with_progress(
    celery_worker, login, plan, revenue, manager, rep, rep2
):
    import time

    client = login(manager)
    response = client.post(
        f"/indicators/plan/{plan.pk}/import/", {"file": _named(big_file(50_000), "crm.csv")}
    )
    job = ImportJob.objects.get()

    def poll():
        # SQLite's in-memory test database locks a table while the worker thread writes it.
        for _attempt in range(50):
            try:
                return client.get(f"/imports/{job.pk}/progress/").content.decode()
            except OperationalError:
                time.sleep(0.05)
        raise AssertionError("the progress page stayed locked")

    # The worker reads the file while the page polls; the whole page then shows the preview.
    deadline = time.monotonic() + 240
    while "hx-trigger" in poll() and time.monotonic() < deadline:
        time.sleep(0.2)
    job.refresh_from_db()
    assert job.total == 50_000
    page = client.get(response["Location"]).content.decode()
    assert "contrôlées et importées en arrière-plan" in page

    client.post(f"/imports/{job.pk}/run/")

    seen = set()
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        bar = poll()
        seen.add(bar.split('aria-valuenow="')[1].split('"')[0])
        if "hx-trigger" not in bar:
            break
        time.sleep(0.5)
    job.refresh_from_db()
    assert job.status == "done", job.errors
    assert Measurement.objects.count() == 50_000
    bar = client.get(f"/imports/{job.pk}/progress/").content.decode()
    assert 'aria-valuenow="100"' in bar and "Terminé :" in bar
    assert "hx-trigger" not in bar  # finished: the page stops polling
    # The bar moved through intermediate values while the worker ran.
    assert len(seen - {"100"}) >= 1
